/**
 * Plain data the engine speaks. Positions are 0-based line / UTF-16 character, like LSP, but nothing
 * here depends on the protocol: the LSP adapter converts, the CLI prints.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A fix is data: the edits it makes, never a callback. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix an editor may apply without asking (Ctrl+. default). */
  isPreferred?: boolean;
  /** Safe to apply in a "fix all" pass: changes nothing but the finding's own text. */
  safe?: boolean;
  /**
   * A new file the fix creates (with `edits` applied to this file): `path` relative to this file, `text` its
   * content. Never safe: fix-all and the CLI apply no fix that creates a file; an editor asks first.
   */
  create?: { path: string; text: string };
  /**
   * Edits of other files (by the host's URI, as the service was given it), made with `edits`: the "Add … to
   * <inventory>" fix of nhi-undocumented edits the inventory, not the file of the finding. Never safe.
   */
  elsewhere?: { uri: string; edits: TextEdit[] }[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  /** Rule-specific facts (e.g. the control a finding is about); travels as LSP diagnostic data. */
  data?: Record<string, unknown>;
  /**
   * Set when a suppression directive (docs/suppressions.md) accepts the finding: its reason, expiry and the
   * directive's 0-based line. The finding is kept (the CLI counts it, SARIF carries it); the editor does not show it.
   */
  suppressed?: Suppression;
}

/** Why a finding is accepted on purpose. */
export interface Suppression {
  reason: string;
  expires?: string;
  line: number;
}

/** What kind of file the engine thinks a document is. */
/** `component`: an OpenControl component (lang/opencontrol.ts): its control keys are checked, nothing else. */
export type DocumentKind = 'inventory' | 'process-document' | 'component' | 'other';


/**
 * What the engine may ask its host about other files; the host does the I/O (the LSP adapter and the
 * CLI read the disk, tests use a map). Paths are link targets relative to the linking file.
 */
export interface FileHost {
  /** 'file', 'dir' or 'missing' for `target` relative to `fromUri`; undefined when the host cannot tell. */
  stat(fromUri: string, target: string): 'file' | 'dir' | 'missing' | undefined;
  /** The text of a Markdown file `target` relative to `fromUri` (for heading anchors), if readable. */
  readText(fromUri: string, target: string): string | undefined;
}
