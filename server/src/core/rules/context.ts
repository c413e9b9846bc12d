/**
 * What the rules read: one context type per input of the engine. The drivers (core/analysis) build a
 * context, run every rule unit that reads it, and cache the findings with what the context was built from,
 * so a unit's findings are computed again exactly when its input changes:
 *
 * | input        | built from                                          | cached per                                  |
 * |--------------|-----------------------------------------------------|---------------------------------------------|
 * | yaml         | a YAML text's parse errors                          | inventory chunk text; front matter: none    |
 * | controlsList | one `controls:` value of a YAML text                | inventory chunk text; front matter: none    |
 * | text         | the raw text of a part                              | inventory chunk / Markdown section text     |
 * | defaults     | the `defaults:` mapping of an inventory header      | header text                                 |
 * | identity     | one identity, with `defaults:`, config and today    | identity chunk text + defaults/config/today |
 * | inventory    | every identity summary of one inventory             | nothing (cheap, per analysis)               |
 * | inventoryIdentity | one identity summary + the FileHost's answers  | the identity's chunk result and line, while |
 * |              |                                                     | the host answers as before (asked again)    |
 * | section      | one Markdown section's syntax and references        | section text + enabled frameworks           |
 * | document     | front matter, the body facts of all sections, files | nothing (cheap, per analysis)               |
 * | suppressions | a file's directives and its final findings          | nothing (a line scan, per check)            |
 * | infrastructure | an infrastructure file's declarations + the index | file text + the index's discovery version   |
 * | sources      | an inventory's `source:` values + the index         | the analysis + the index's discovery version |
 *
 * The identity and document contexts are classes with the helpers their rules share (rules/nhi/context.ts,
 * rules/document/context.ts); the small ones are here.
 */
import type { YAMLError } from 'yaml';
import type { Config } from '../config';
import type { ControlRef } from '../refs/scan';
import type { Reporter } from '../report';
import type { Fix, Range } from '../types';
import type { SuppressionDirective } from '../lang/suppressions';
import type { ControlsList } from '../lang/yaml-controls';
import type { SectionSyntax } from '../lang/markdown-section';
import type { YamlMapping } from '../lang/yaml-mapping';
import type { Resolution } from '../lang/evidence';
import type { DeclaredIdentity, DiscoveryResult, InfraOrigin } from '../discovery/types';
import type { EntryFact } from '../discovery/reconcile';

/** A parsed YAML text that starts at `base` in the reporter's document. */
export interface YamlContext {
  errors: readonly YAMLError[];
  base: number;
  r: Reporter;
}

/** One `controls:` value of a YAML text (item offsets relative to `yamlText`, which starts at `base`). */
export interface ControlsListContext {
  list: ControlsList;
  yamlText: string;
  base: number;
  config: Config;
  r: Reporter;
}

/** The raw text of a part of a file, starting at `base` in the reporter's document. */
export interface TextContext {
  text: string;
  base: number;
  r: Reporter;
}

/** The `defaults:` mapping of an inventory (inherited by every identity). */
export interface DefaultsContext {
  m: YamlMapping;
  r: Reporter;
}

/**
 * A path an identity names (an `evidence` entry, its `offboarding`), resolved only by the inventory-wide units:
 * whether it exists is a question for the FileHost, asked per analysis, never cached with the identity's text.
 */
export interface IdentityLink {
  of: 'evidence' | 'offboarding';
  /** The path (percent-decoded) and anchor; `value` as written. */
  path: string;
  anchor?: string;
  value: string;
  /** The value written, or the identity's id when the value is inherited from `defaults:`. */
  range: Range;
  inherited?: boolean;
}

/** What an inventory-wide rule knows of each identity (offsets of the reporter's document). */
export interface IdentityRecord {
  id?: string;
  idRange?: Range;
  links?: readonly IdentityLink[];
  /** `status` as written, lower-cased (active, disabled, revoked, decommissioned). */
  status?: string;
  /** `used_by`, own or inherited. */
  consumers?: readonly string[];
}

/** Every identity of one inventory. */
export interface InventoryContext {
  identities: readonly IdentityRecord[];
  r: Reporter;
  /** The inventory (as the host names it); resolves links when the host can tell (memoised per analysis). */
  uri: string;
  resolve(path: string, anchor?: string): Resolution | undefined;
  /** The front matter `type` of a Markdown file the inventory links to (undefined when unreadable or none). */
  typeOf(path: string): string | undefined;
  /**
   * What changed since the file's last analysis, when the driver knows (a character typed within a line): every identity
   * outside [from, to) is the object at the same index of `last` (the `identities` of that analysis, as handed to the
   * units then). A unit may keep what it concluded from `last` (by the `last` object, never by URI alone) and look again
   * only at [from, to) (nhi-id-duplicate).
   */
  since?: { last: readonly IdentityRecord[]; from: number; to: number };
}

/**
 * One identity of an inventory, for a unit whose findings on it are a function of that identity alone (its summary:
 * id, links, status, consumers and their ranges) and of the FileHost's answers (`resolve`, `typeOf`). The contract
 * (analysis/inventory.ts relies on it to reuse findings; test/keystroke.test.ts checks the units against fresh analyses):
 * - read nothing but `identity`, `resolve`, `typeOf` and `r.lines` (offsets <-> positions of the identity's ranges);
 *   keep no state between calls (no module-level memo: the driver does the reusing);
 * - report through `r` (`r.add`, or push onto `r.findings`) only findings on this identity, in the order wanted;
 * - the same identity moved by d lines (a line break above it) gets the same findings moved by d lines: no line number
 *   in a message, data or fix.
 * The driver runs the unit for the identities that changed (their chunk re-cut, or moved: then it shifts the kept
 * findings), and reuses the last findings of the others while every question the file's last analysis asked the host
 * gets the same answer (lang/evidence.ts LinkResolver.answersAsBefore).
 */
export interface InventoryIdentityContext {
  /** The identity, in the reporter's document (file coordinates). */
  identity: IdentityRecord;
  r: Reporter;
  uri: string;
  resolve(path: string, anchor?: string): Resolution | undefined;
  typeOf(path: string): string | undefined;
}

/**
 * The identity's links of one kind the host can answer for, in order, each with how it resolves and its offsets in the
 * reporter's document (the host is asked once per link, as the driver's record of questions expects).
 */
export function resolvedLinks(c: InventoryIdentityContext, of: IdentityLink['of']): { link: IdentityLink; res: Resolution; start: number; end: number }[] {
  const out: { link: IdentityLink; res: Resolution; start: number; end: number }[] = [];
  const links = c.identity.links;
  if (!links) return out;
  for (let m = 0; m < links.length; m++) {
    const l = links[m];
    if (l.of !== of) continue;
    const res = c.resolve(l.path, l.anchor);
    if (res !== undefined) out.push({ link: l, res, start: c.r.lines.offsetAt(l.range.start), end: c.r.lines.offsetAt(l.range.end) });
  }
  return out;
}

/** One section of a Markdown body; offsets relative to the section's text. */
export interface SectionContext {
  text: string;
  syntax: SectionSyntax;
  /** Control references in the section's prose. */
  refs: readonly ControlRef[];
  config: Config;
  r: Reporter;
}

/** What one suppression directive covered among a file's final findings (analysis/suppress.ts). */
export interface SuppressionUse {
  directive: SuppressionDirective;
  /** Findings suppressed per rule ID it names ('*' for a directive that names none). */
  used: ReadonlyMap<string, number>;
  /** Findings it suppressed in all. */
  total: number;
  /** Its expiry is a date before today: it suppresses nothing, and `lapsed` findings are reported again. */
  expired: boolean;
  lapsed: number;
  /** Its expiry is written but is no calendar date. */
  badExpiry: boolean;
}

/** The suppression directives of one file, after they were applied to its findings. */
export interface SuppressionsContext {
  uses: readonly SuppressionUse[];
  today: string;
  /** Is this a rule of the registry? */
  known(ruleId: string): boolean;
  /** Is the rule enabled (not 'off')? */
  enabled(ruleId: string): boolean;
  /** Every rule ID of the registry (for "did you mean"). */
  ruleIds: readonly string[];
  add(ruleId: string, range: Range, message: string, fixes?: Fix[], data?: Record<string, unknown>): void;
}

/** An inventory entry documenting a declared identity (docs/discovery.md). */
export interface DocumentingEntry {
  /** The inventory, workspace-relative. */
  path: string;
  entry: EntryFact;
  by: 'source' | 'name';
}

/** An infrastructure file's declarations, with the workspace's inventories to reconcile them with. */
export interface InfrastructureContext {
  result: DiscoveryResult;
  /**
   * Every inventory and infrastructure file of the workspace has been indexed (the server's first walk is done; the
   * CLI read the project's inventories): only then is an identity "in no inventory".
   */
  complete: boolean;
  /** The entries documenting `d` (none: it is undocumented). */
  documentedBy(d: DeclaredIdentity): DocumentingEntry[];
  /** The "Add … to <inventory>" fix for `d`, when the workspace has an inventory to add it to. */
  addFix(d: DeclaredIdentity): Fix | undefined;
  add(ruleId: string, range: Range, message: string, fixes?: Fix[], data?: Record<string, unknown>): void;
}

/** What the infrastructure code of the workspace says of a source ref (undefined: its origin is not discovered). */
export interface SourceStatus {
  declared: boolean;
  origin: InfraOrigin;
  /** The infrastructure files of that origin read. */
  files: number;
}

/** The `source:` values of an inventory's identities, against the workspace's declarations. */
export interface SourcesContext {
  identities: readonly { id?: string; status?: string; sources?: readonly { value: string; range: Range }[] }[];
  /** See InfrastructureContext.complete. */
  complete: boolean;
  status(source: string): SourceStatus | undefined;
  add(ruleId: string, range: Range, message: string, fixes?: Fix[], data?: Record<string, unknown>): void;
}
