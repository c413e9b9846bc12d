/**
 * The protocol fuzzer's parts (test/fuzz-protocol.test.ts): edit scripts, the seeded generator of random
 * edits and requests, the runner that plays a script against a server and checks every answer, and the
 * shrinker that reduces a failing script to a minimal one.
 *
 * A script is plain JSON (test/fixtures/fuzz-regressions/*.json hold found cases): the file it starts
 * from, and steps. A step is one `didChange` (its content changes, in LSP positions of the text before
 * each change, as an editor sends them), a wait for the diagnostics of the current version, or one
 * request. Replaying a script sends exactly the same messages; only the server's scheduling (which
 * intermediate versions it checks) may differ between runs.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CANCELLED_CODES, EXITED, type FuzzClient, type Response } from './fuzz-client';

export interface Pos {
  line: number;
  character: number;
}
export interface Rng {
  start: Pos;
  end: Pos;
}

export type RequestKind = 'hover' | 'completion' | 'codeAction' | 'documentSymbol' | 'foldingRange' | 'resolve';

export type Step =
  | { change: { range: Rng; text: string }[] }
  | { wait: true }
  | {
      request: RequestKind;
      position?: Pos;
      range?: Rng;
      /** codeAction: context.only */
      only?: string[];
      /** resolve: which item of the last completion list (modulo its length) */
      index?: number;
      /** sent without waiting for the answer (checked later, against the text it was sent for) */
      pipelined?: boolean;
      /** followed at once by $/cancelRequest */
      cancel?: boolean;
      /**
       * codeAction, completion: apply the answer's action or item number `apply` (modulo their count) as
       * an editor does, as one didChange (a code action's edits last first; a completion's text edit with
       * its snippet placeholders filled by their defaults).
       */
      apply?: number;
    };

export interface Script {
  /** Path of the file relative to the workspace root: its URI, and its initial text unless `text` is given. */
  file: string;
  text?: string;
  /** The seed that generated it (for the record). */
  seed?: number;
  steps: Step[];
}

export interface Failure {
  kind: string;
  /** Index of the step after which it was seen (-1: at open, steps.length: at the end). */
  step: number;
  message: string;
}

export interface RunStats {
  edits: number;
  requests: number;
  publishes: number;
  cancelled: number;
}

// ---------------------------------------------------------------------------------------------------------
// Text positions (LSP: UTF-16; \r\n, \n and a lone \r end lines)

/** Line starts and content lengths of one version of a text. */
export class Lines {
  readonly starts: number[] = [0];
  /** End of each line's content (before its line break). */
  readonly ends: number[] = [];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 || c === 10) {
        this.ends.push(i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
    this.ends.push(text.length);
  }

  get count(): number {
    return this.starts.length;
  }

  length(line: number): number {
    return this.ends[line] - this.starts[line];
  }

  /** The position of an offset; an offset inside a line break is the end of the line (as the library says). */
  positionAt(offset: number): Pos {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(offset, this.ends[lo]) - this.starts[lo] };
  }

  offsetAt(p: Pos): number {
    if (p.line >= this.count) return this.text.length;
    if (p.line < 0) return 0;
    return this.starts[p.line] + Math.max(0, Math.min(p.character, this.length(p.line)));
  }

  /** Is the position inside the text (line < count, character <= the line's length)? */
  valid(p: Pos): boolean {
    return (
      Number.isInteger(p?.line) && Number.isInteger(p?.character) && p.line >= 0 && p.line < this.count && p.character >= 0 && p.character <= this.length(p.line)
    );
  }
}

const cmp = (a: Pos, b: Pos) => a.line - b.line || a.character - b.character;
const show = (r: Rng) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

// ---------------------------------------------------------------------------------------------------------
// The generator

/** Tokens inserted by edits: YAML and Markdown syntax, the project's words and control IDs, odd characters. */
const TOKENS: [number, string[]][] = [
  [30, [':', '-', '#', '\n', ' ', '  ', '[', ']', '`', '>', '"', "'", ',', '|', '*', '&', '!', '{', '}', '\t', '\r\n', '\r', '(', ')', '<', '.', '_', '=', '/', '@', '?', '%', '\\', '~']],
  [8, ['\n\n', ': ', '- ', '  - ', '    ', '# ', '## ', '### ', '---\n', '```\n', '```yaml\n', '~~~\n', '<!-- ', ' -->', '> ', '* ', '1. ', '|\n', '>-\n', '\n---', '...\n']],
  [10, ['A.5.16', 'PR.AA-01', 'CSF:PR.AA-01', 'ISO27001:A.5.17', 'ISO27001:', 'SOC2:CC6.1', 'SOC2:CC6', 'NHI7', 'NHI:NHI2', 'NHI-2', 'PR.AC-4', 'PR.AA-1', 'SP800-53:AC-2(1)', 'ISO27002:5.16', 'CC6.', 'A.5.', 'DE.CM-9', 'GV.OC', 'A.8.24', 'ID.AM-01', 'CSF:', 'PR.', 'A.99.1']],
  [8, ['controls', 'controls: [', 'controls:\n  - ', 'owner', 'owner: ', 'approver: ', 'id', 'id: ', 'type: ', 'type: runbook', 'type: policy', 'kind: nhi-inventory\n', 'identities:\n', '  - id: svc-', '    owner: team@example.com\n', 'defaults:\n', 'rotation: P90D', 'P90D', 'P90DX', 'last_reviewed: ', 'last_rotated: ', '2026-11-01', '2025-02-30', 'review_cadence: ', 'annual', 'quarterly', 'TODO', 'TBD', 'status: ', 'evidence', 'Evidence', '## Evidence\n', '## Rollback\n', '## Purpose\n', 'secret_store: ', 'vault', 'plaintext', 'environment: prod', 'privilege: admin', 'expires: ', 'title: ']],
  [5, ['[link](./x.md)', '[a](#purpose)', '[b](../README.md#x)', '<https://example.com/>', 'https://user:pw@example.com/', '![i](img.png)', '<a id="x"></a>', '<div>\n', '</div>\n', '`code`', '[ref]: ./y.md\n']],
  [5, ['&anchor ', '*anchor', '<<: *anchor\n', '!!str ', '? ', '%YAML 1.2\n', '{ a: b }', '[a, b]', '"unterminated', "'q''", 'null', '~', 'true', '0x1F', '1e3']],
  [5, ['😀', '𝔘', '🔑', '\u{1F3F3}\u{FE0F}\u200D\u{1F308}', '\uFEFF', '\u00A0', '\u2028', '\u2029', '\u0085', 'é', 'Ω', '中文', '\u0000', '\u0007', '\u001b', '\u200B', '\uFFFD']],
];
const TOKEN_TOTAL = TOKENS.reduce((s, [w]) => s + w, 0);

/** A random string in the style of a pasted credential (assembled at run time, never a literal here). */
function secretLike(rand: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  const n = 20 + Math.floor(rand() * 20);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  const prefixes = ['password: ', 'client_secret: ', 'api_key = ', 'gh' + 'p_', 'AK' + 'IA', 'token: "'];
  return prefixes[Math.floor(rand() * prefixes.length)] + s;
}

export interface GenOptions {
  /** Texts a "paste" copies a slice from (the other files). */
  pool: string[];
}

/**
 * A seeded generator of steps for one document: each call looks at the current text (the mirror the
 * runner keeps) and returns the next step. Its choices depend on the seed and the text only, never on
 * the server's answers, so the same seed gives the same script.
 */
export function stepGenerator(rand: () => number, options: GenOptions): (text: string, original: string) => Step {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (n: number) => Math.floor(rand() * n);

  function token(): string {
    let r = rand() * TOKEN_TOTAL;
    for (const [w, xs] of TOKENS) {
      if ((r -= w) < 0) return pick(xs);
    }
    return ' ';
  }

  function insertion(): string {
    const r = rand();
    if (r < 0.04) return secretLike(rand);
    if (r < 0.1 && options.pool.length) {
      // A paste: a slice of another file, up to a few lines.
      const src = pick(options.pool);
      const at = int(src.length + 1);
      return src.slice(at, at + 1 + int(rand() < 0.8 ? 60 : 400));
    }
    if (r < 0.3) return String.fromCharCode(97 + int(26)) + (rand() < 0.5 ? String.fromCharCode(97 + int(26)) : '');
    let s = token();
    while (rand() < 0.3) s += token();
    return s;
  }

  /** An offset in the text: anywhere, at a line start or end, or next to syntax. */
  function offset(text: string, lines: Lines): number {
    const r = rand();
    let o: number;
    if (r < 0.5 || text.length === 0) o = int(text.length + 1);
    else if (r < 0.8) {
      const line = int(lines.count);
      o = rand() < 0.5 ? lines.starts[line] : lines.ends[line];
    } else {
      const from = int(text.length + 1);
      const m = /[:\-#\[\]`>'"\n]/.exec(text.slice(from, from + 200));
      o = m ? from + m.index + (rand() < 0.5 ? 1 : 0) : from;
    }
    // Mostly on a code point boundary; now and then between the halves of a surrogate pair.
    if (o > 0 && o < text.length && /[\uDC00-\uDFFF]/.test(text[o]) && /[\uD800-\uDBFF]/.test(text[o - 1]) && rand() < 0.95) o--;
    return o;
  }

  function spanEnd(text: string, start: number): number {
    const n = rand() < 0.8 ? 1 + int(8) : rand() < 0.8 ? 1 + int(60) : 1 + int(600);
    let e = Math.min(text.length, start + n);
    if (e < text.length && /[\uDC00-\uDFFF]/.test(text[e]) && rand() < 0.95) e++;
    return e;
  }

  /** Positions as an editor sends them, now and then past a line's end or the last line (servers clamp). */
  function position(lines: Lines, o: number): Pos {
    const p = lines.positionAt(o);
    if (rand() < 0.03) return { line: p.line, character: lines.length(p.line) + 1 + int(5) };
    if (rand() < 0.01) return { line: lines.count + int(3), character: int(3) };
    return p;
  }

  function oneChange(text: string, original: string): { range: Rng; text: string } {
    const lines = new Lines(text);
    const grown = text.length > 3 * original.length + 2000;
    if (text.length > 48 * 1024 && rand() < 0.03) {
      // A large file: paste or cut a block of 64 KB or more (the server then prepares it in slices).
      const n = Math.min(text.length, 64 * 1024 + int(48 * 1024));
      const at = lines.starts[int(lines.count)];
      if (grown || rand() < 0.5) return { range: { start: lines.positionAt(at), end: lines.positionAt(Math.min(text.length, at + n)) }, text: '' };
      const from = int(Math.max(1, text.length - n));
      return { range: { start: lines.positionAt(at), end: lines.positionAt(at) }, text: text.slice(from, from + n) };
    }
    const r = rand();
    let start = offset(text, lines);
    let end = start;
    let insert = '';
    if (grown ? r < 0.6 : r < 0.2) {
      end = spanEnd(text, start); // delete
    } else if (r < 0.45 && !grown) {
      insert = insertion(); // insert
    } else if (r < 0.75) {
      end = spanEnd(text, start); // replace
      insert = insertion();
    } else {
      // Line operations: delete, duplicate, indent, dedent or comment a line; move a line.
      const line = int(lines.count);
      const ls = lines.starts[line];
      const next = line + 1 < lines.count ? lines.starts[line + 1] : text.length;
      const op = int(6);
      if (op === 0) [start, end] = [ls, next];
      else if (op === 1) [start, end, insert] = [ls, ls, text.slice(ls, next) + (next === text.length ? '\n' : '')];
      else if (op === 2) [start, end, insert] = [ls, ls, pick(['  ', '    ', '\t', ' '])];
      else if (op === 3) [start, end] = [ls, Math.min(lines.ends[line], ls + (text.slice(ls, ls + 2) === '  ' ? 2 : text[ls] === '\t' || text[ls] === ' ' ? 1 : 0))];
      else if (op === 4) [start, end, insert] = [ls, ls, pick(['# ', '<!-- ', '- ', '> ', '#'])];
      else {
        // Cut the line and paste it elsewhere: one change only (cut), the paste is a later step's job.
        [start, end] = [ls, next];
      }
    }
    const range = { start: position(lines, start), end: position(lines, end) };
    if (rand() < 0.01) [range.start, range.end] = [range.end, range.start]; // reversed (the library swaps them)
    return { range, text: insert };
  }

  let completed = false;
  return (text: string, original: string): Step => {
    const lines = new Lines(text);
    // An editor resolves items of the list it shows: often right after a completion.
    if (completed) {
      completed = false;
      if (rand() < 0.5) return { request: 'resolve', index: int(1000) };
    }
    const r = rand();
    if (r < 0.6) {
      // One didChange, now and then with several changes (multi-cursor), applied one after the other.
      const n = rand() < 0.9 ? 1 : 2 + int(3);
      const changes: { range: Rng; text: string }[] = [];
      let t = text;
      for (let i = 0; i < n; i++) {
        const c = oneChange(t, original);
        changes.push(c);
        t = applyChange(t, c);
      }
      return { change: changes };
    }
    if (r < 0.68) return { wait: true };
    const kind = pick<RequestKind>(['hover', 'hover', 'hover', 'completion', 'completion', 'completion', 'codeAction', 'codeAction', 'documentSymbol', 'foldingRange', 'resolve']);
    const pipelined = rand() < 0.3;
    const cancel = pipelined && rand() < 0.2;
    const extra = { ...(pipelined ? { pipelined } : {}), ...(cancel ? { cancel } : {}) };
    if (kind === 'documentSymbol' || kind === 'foldingRange') return { request: kind, ...extra };
    if (kind === 'resolve') return { request: kind, index: int(1000), ...extra };
    const o = offset(text, lines);
    const apply = !pipelined && rand() < 0.3 ? { apply: int(1000) } : {};
    if (kind === 'codeAction') {
      const range = { start: position(lines, o), end: position(lines, rand() < 0.5 ? o : spanEnd(text, o)) };
      return { request: kind, range, ...(rand() < 0.15 ? { only: ['source.fixAll'] } : {}), ...extra, ...apply };
    }
    completed = kind === 'completion' && !pipelined && !('apply' in apply);
    return { request: kind, position: position(lines, o), ...extra, ...(kind === 'completion' ? apply : {}) };
  };
}

/** Applies one content change as the protocol defines it (the library's own implementation). */
export function applyChange(text: string, c: { range: Rng; text: string }): string {
  const doc = TextDocument.create('x:', 'x', 0, text);
  return TextDocument.update(doc, [c], 1).getText();
}

// ---------------------------------------------------------------------------------------------------------
// Checks of answers

/** Every {start, end} range inside a JSON value (with the key path it was found at). */
function* rangesIn(v: any, at = ''): Generator<[string, Rng]> {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) yield* rangesIn(v[i], `${at}[${i}]`);
    return;
  }
  if (v.start && v.end && typeof v.start.line === 'number' && typeof v.end.line === 'number') yield [at, v];
  for (const k of Object.keys(v)) if (k !== 'start' && k !== 'end') yield* rangesIn(v[k], `${at}.${k}`);
}

function rangeProblem(lines: Lines, r: Rng): string | undefined {
  if (!lines.valid(r.start)) return `start ${r.start.line}:${r.start.character} outside the text (${lines.count} lines, that line ${lines.length(r.start.line) ?? 'n/a'} long)`;
  if (!lines.valid(r.end)) return `end ${r.end.line}:${r.end.character} outside the text (${lines.count} lines, that line ${lines.length(r.end.line) ?? 'n/a'} long)`;
  if (cmp(r.start, r.end) > 0) return `start after end (${show(r)})`;
  return undefined;
}

/** Problems with an answer to a request, for the text it was asked about; [] when all is well. */
export function checkAnswer(kind: RequestKind | 'publish', result: any, lines: Lines, uri: string, asked?: { position?: Pos; range?: Rng }): string[] {
  const out: string[] = [];
  if (kind === 'publish') {
    for (const d of result as any[]) {
      for (const [at, r] of rangesIn(d)) {
        const p = rangeProblem(lines, r);
        if (p) out.push(`diagnostic ${d.code} ${at.slice(1) || 'range'}: ${p}`);
      }
    }
  }
  for (const [at, r] of kind === 'publish' ? [] : rangesIn(result)) {
    const p = rangeProblem(lines, r);
    if (p) out.push(`${kind} range at ${at || '(top)'}: ${p}`);
  }
  const pos = asked?.position && lines.valid(asked.position) ? asked.position : undefined;
  const inside = (r: Rng, p: Pos) => cmp(r.start, p) <= 0 && cmp(p, r.end) <= 0;
  if (kind === 'publish') {
    for (const d of result as any[]) {
      if (typeof d.message !== 'string' || !d.message) out.push(`diagnostic ${d.code} without a message`);
      if (![1, 2, 3, 4].includes(d.severity)) out.push(`diagnostic ${d.code} severity ${d.severity}`);
    }
  } else if (kind === 'completion' && result) {
    const items: any[] = Array.isArray(result) ? result : result.items;
    for (const [i, item] of items.entries()) {
      if (typeof item.label !== 'string' || !item.label) out.push(`completion item ${i} without a label`);
      const edit = item.textEdit;
      if (!edit || !pos) continue;
      // LSP: a completion edit's range is on one line and contains the position asked for (VS Code drops others).
      for (const r of 'range' in edit ? [edit.range] : [edit.insert, edit.replace]) {
        if (r.start.line !== r.end.line) out.push(`completion '${item.label}' edit spans lines (${show(r)})`);
        else if (!inside(r, pos)) out.push(`completion '${item.label}' edit ${show(r)} does not contain the position ${pos.line}:${pos.character}`);
      }
      if (out.length > 20) break;
    }
  } else if (kind === 'hover' && result) {
    if (pos && result.range && !inside(result.range, pos)) out.push(`hover range ${show(result.range)} does not contain the position ${pos.line}:${pos.character}`);
    if (!result.contents?.value) out.push('hover without contents');
  } else if (kind === 'documentSymbol' && result) {
    // VS Code rejects a symbol without a name or whose selectionRange is outside its range.
    const walk = (s: any, path: string) => {
      if (typeof s.name !== 'string' || !s.name) out.push(`symbol ${path} without a name`);
      if (s.range && s.selectionRange && (cmp(s.selectionRange.start, s.range.start) < 0 || cmp(s.selectionRange.end, s.range.end) > 0))
        out.push(`symbol '${s.name}' selectionRange ${show(s.selectionRange)} outside its range ${show(s.range)}`);
      (s.children ?? []).forEach((c: any, i: number) => walk(c, `${path}/${i}`));
    };
    (result as any[]).forEach((s, i) => walk(s, String(i)));
  } else if (kind === 'foldingRange' && result) {
    for (const f of result as any[]) {
      if (!(f.startLine >= 0 && f.startLine <= f.endLine && f.endLine < lines.count)) out.push(`folding range ${f.startLine}-${f.endLine} outside the text (${lines.count} lines) or reversed`);
    }
  } else if (kind === 'codeAction' && result) {
    for (const a of result as any[]) {
      if (!a.title) out.push('code action without a title');
      const changes = a.edit?.changes ?? {};
      for (const u of Object.keys(changes)) if (u !== uri) out.push(`code action '${a.title}' edits another file ${u}`);
      // VS Code refuses a workspace edit whose edits of one file overlap.
      const edits = [...(changes[uri] ?? [])].map((e: any) => ({ s: lines.offsetAt(e.range.start), e: lines.offsetAt(e.range.end) })).sort((x, y) => x.s - y.s || x.e - y.e);
      for (let i = 1; i < edits.length; i++) {
        const [x, y] = [edits[i - 1], edits[i]];
        if (y.s < x.e) out.push(`code action '${a.title}' has overlapping edits [${x.s},${x.e}) and [${y.s},${y.e})`);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The runner

export interface Servers {
  /** The server the script is played against. */
  fuzz: FuzzClient;
  /** The server that opens the final text fresh, for the equivalence of the diagnostics. */
  reference: FuzzClient;
  /** file:// URI of a workspace-relative path. */
  uriOf(file: string): string;
  /** The initial text of a workspace-relative path. */
  textOf(file: string): string;
}

export interface RunResult {
  failures: Failure[];
  /** The steps played (for a generated run: the script made). */
  steps: Step[];
  finalText: string;
  stats: RunStats;
}

const PUBLISH_TIMEOUT_MS = 15000;
const languageOf = (file: string) => (/\.ya?ml$/i.test(file) ? 'yaml' : 'markdown');
const plainDiagnostics = (ds: any[]) => ds.map((d) => ({ code: d.code, severity: d.severity, message: d.message, range: d.range, source: d.source }));

/**
 * Plays a script (or, with `generate` and a step budget, generates one as it goes) against
 * `servers.fuzz`, checking every published diagnostic and every answer against the text of its version;
 * at the end, compares the diagnostics, symbols and folding of the final version with those of a fresh
 * open of the final text in `servers.reference`. Never throws for a server's fault: returns failures.
 */
export async function runScript(
  servers: Servers,
  script: Script,
  generate?: { next: (text: string, original: string) => Step; edits: number; maxSteps?: number },
): Promise<RunResult> {
  const { fuzz } = servers;
  const uri = servers.uriOf(script.file);
  const original = script.text ?? servers.textOf(script.file);
  const failures: Failure[] = [];
  const stats: RunStats = { edits: 0, requests: 0, publishes: 0, cancelled: 0 };
  const steps: Step[] = generate ? [] : script.steps;
  let step = -1;
  const fail = (kind: string, message: string) => {
    if (failures.length < 50) failures.push({ kind, step, message });
  };

  const texts = new Map<number, string>();
  const linesCache = new Map<number, Lines>();
  const linesOf = (v: number) => {
    let l = linesCache.get(v);
    if (!l) linesCache.set(v, (l = new Lines(texts.get(v)!)));
    return l;
  };
  let version = 1;
  let text = original;
  texts.set(version, text);
  const logsBefore = fuzz.logs.length;
  const stderrBefore = fuzz.stderr.length;

  // Every publish for this document: its version never goes back, and its ranges are inside that version's text.
  const published = new Map<number, any[]>();
  let lastPublished: any[] = [];
  let maxVersion = 0;
  let waiting: { version: number; resolve: () => void } | undefined;
  const stopListening = fuzz.listen((m) => {
    if (m.method !== 'textDocument/publishDiagnostics' || m.params.uri !== uri) return;
    const v = m.params.version;
    if (v === undefined || v === null) return; // (the empty publish after a close)
    stats.publishes++;
    if (v < maxVersion) fail('stale-publish', `diagnostics of version ${v} published after those of version ${maxVersion}`);
    maxVersion = Math.max(maxVersion, v);
    if (!texts.has(v)) fail('unknown-version', `diagnostics published for version ${v}, which was never sent`);
    else for (const p of checkAnswer('publish', m.params.diagnostics, linesOf(v), uri)) fail('range', `publish v${v}: ${p}`);
    published.set(v, m.params.diagnostics);
    lastPublished = m.params.diagnostics;
    if (waiting && v >= waiting.version) waiting.resolve();
  });
  const diagnosticsOf = async (v: number): Promise<any[] | undefined> => {
    if (published.has(v)) return published.get(v);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, PUBLISH_TIMEOUT_MS);
      waiting = {
        version: v,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    waiting = undefined;
    return published.get(v);
  };

  const pending: Promise<void>[] = [];
  let lastItems: any[] = [];
  let itemsVersion = 0;
  const ask = (s: Extract<Step, { request: RequestKind }>): Promise<any> | undefined => {
    const v = version;
    const lines = linesOf(v);
    const doc = { uri };
    let method: string;
    let params: any;
    switch (s.request) {
      case 'hover':
        [method, params] = ['textDocument/hover', { textDocument: doc, position: s.position }];
        break;
      case 'completion': {
        const p = s.position!;
        const before = lines.valid(p) ? text[lines.offsetAt(p) - 1] : undefined;
        const trigger = before && [':', '[', ',', ' ', '-', '.'].includes(before);
        [method, params] = ['textDocument/completion', { textDocument: doc, position: p, context: trigger ? { triggerKind: 2, triggerCharacter: before } : { triggerKind: 1 } }];
        break;
      }
      case 'codeAction': {
        const r = s.range!;
        const overlapping = lastPublished.filter((d) => cmp(d.range.start, r.end) <= 0 && cmp(r.start, d.range.end) <= 0);
        [method, params] = ['textDocument/codeAction', { textDocument: doc, range: r, context: { diagnostics: overlapping, ...(s.only ? { only: s.only } : {}), triggerKind: s.only ? 1 : 2 } }];
        break;
      }
      case 'documentSymbol':
        [method, params] = ['textDocument/documentSymbol', { textDocument: doc }];
        break;
      case 'foldingRange':
        [method, params] = ['textDocument/foldingRange', { textDocument: doc }];
        break;
      case 'resolve': {
        // (Only items of a list for this version: an editor resolves the items it shows.)
        if (!lastItems.length || itemsVersion !== v) return undefined;
        [method, params] = ['completionItem/resolve', lastItems[(s.index ?? 0) % lastItems.length]];
        break;
      }
    }
    stats.requests++;
    let id = 0;
    const at = step;
    const promise = fuzz.request(method, params, (i) => (id = i)).then((res: Response) => {
      const where = `${method} v${v} ${JSON.stringify(s.position ?? s.range ?? s.index ?? '')}`;
      if (res.error) {
        if (CANCELLED_CODES.has(res.error.code)) stats.cancelled++;
        else failures.push({ kind: res.error.code === EXITED ? 'crash' : 'error-response', step: at, message: `${where}: error ${res.error.code} ${res.error.message}` });
        return undefined;
      }
      if (s.request === 'completion') {
        lastItems = Array.isArray(res.result) ? res.result : (res.result?.items ?? []);
        itemsVersion = v;
      }
      if (s.request === 'resolve' && res.result?.label !== params.label) failures.push({ kind: 'resolve', step: at, message: `${where}: resolved '${res.result?.label}' for '${params.label}'` });
      const problems = checkAnswer(s.request, res.result, lines, uri, s);
      for (const p of problems) failures.push({ kind: 'range', step: at, message: `${where}: ${p}` });
      return problems.length ? undefined : res.result;
    });
    if (s.cancel) fuzz.cancel(id);
    return promise;
  };

  function sendChange(changes: { range: Rng; text: string }[]): void {
    for (const c of changes) text = applyChange(text, c);
    version++;
    texts.set(version, text);
    stats.edits += changes.length;
    fuzz.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  /**
   * The diagnostics of version `v` (the current one) equal those of a fresh open of its text in the
   * reference server; with `deep`, so do the symbols, the folding ranges and hovers and completions at a
   * few positions. The reference then closes it and reads the file from disk again (its workspace index).
   */
  async function compareWithReference(v: number, diagnostics: any[], deep: boolean): Promise<void> {
    const ref = servers.reference;
    if (ref.exited || fuzz.exited) return;
    const t = texts.get(v)!;
    // Opened as version v (not 1): a late publish for an earlier open of the same file in the reference server (an
    // .isms.yaml is validated again when the workspace walk ends) cannot be taken for this one's.
    const refDiagnostics = ref.waitFor((m) => (m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === v ? (m.params.diagnostics as any[]) : undefined), PUBLISH_TIMEOUT_MS);
    ref.notify('textDocument/didOpen', { textDocument: { uri, languageId: languageOf(script.file), version: v, text: t } });
    const fresh = await refDiagnostics;
    if (!fresh) fail('reference', `the reference server published nothing for the text of version ${v} (${ref.exited ?? 'alive'})`);
    else {
      const [a, b] = [JSON.stringify(plainDiagnostics(diagnostics)), JSON.stringify(plainDiagnostics(fresh))];
      if (a !== b) fail('equivalence', `diagnostics of version ${v} differ from a fresh open of its text:\n${diffLists(plainDiagnostics(diagnostics), plainDiagnostics(fresh))}`);
      if (deep) {
        const lines = linesOf(v);
        const asks: [string, unknown][] = [
          ['textDocument/documentSymbol', { textDocument: { uri } }],
          ['textDocument/foldingRange', { textDocument: { uri } }],
        ];
        // A few positions that depend on the text only (the same for a replay).
        let h = 0;
        for (let i = 0; i < t.length; i++) h = (Math.imul(h, 31) + t.charCodeAt(i)) | 0;
        for (let k = 0; k < 6; k++) {
          h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + k;
          const line = Math.abs(h) % lines.count;
          const position = { line, character: Math.abs(h >> 7) % (lines.length(line) + 1) };
          asks.push([k < 4 ? 'textDocument/hover' : 'textDocument/completion', { textDocument: { uri }, position }]);
        }
        for (const [method, params] of asks) {
          const [x, y] = await Promise.all([fuzz.request(method, params), ref.request(method, params)]);
          if (JSON.stringify(x.result) !== JSON.stringify(y.result))
            fail('equivalence', `${method} ${JSON.stringify((params as any).position ?? '')} of version ${v} differs from a fresh open: ${JSON.stringify(x.result ?? x.error).slice(0, 400)} vs ${JSON.stringify(y.result ?? y.error).slice(0, 400)}`);
        }
      }
    }
    ref.notify('textDocument/didClose', { textDocument: { uri } });
    ref.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
  }

  fuzz.notify('textDocument/didOpen', { textDocument: { uri, languageId: languageOf(script.file), version, text } });
  const generating = () => generate && stats.edits < generate.edits && steps.length < (generate.maxSteps ?? Infinity);
  for (step = 0; generate ? generating() : step < steps.length; step++) {
    if (fuzz.exited) break;
    const s = generate ? generate.next(text, original) : steps[step];
    if (generate) steps.push(s);
    if ('change' in s) {
      sendChange(s.change);
    } else if ('wait' in s) {
      await Promise.all(pending.splice(0));
      const d = await diagnosticsOf(version);
      if (!d) fail(fuzz.exited ? 'crash' : 'no-publish', `no diagnostics for version ${version} within ${PUBLISH_TIMEOUT_MS} ms`);
      else await compareWithReference(version, d, false);
    } else {
      const p = ask(s);
      if (p && s.pipelined) pending.push(p);
      else if (p) {
        const answer = await p;
        if (s.apply !== undefined && answer !== undefined && !fuzz.exited) {
          const changes = s.request === 'codeAction' ? actionChanges(answer, uri, s.apply) : completionChanges(answer, s.apply);
          if (changes?.length) sendChange(changes);
        }
      }
    }
  }
  step = steps.length;
  await Promise.all(pending.splice(0));

  const finalVersion = version;
  const finalDiagnostics = fuzz.exited ? undefined : await diagnosticsOf(finalVersion);
  if (!finalDiagnostics && !fuzz.exited) fail('no-publish', `no diagnostics for the final version ${finalVersion} within ${PUBLISH_TIMEOUT_MS} ms`);

  // The final version: equal to a fresh open of its text in the reference server.
  if (finalDiagnostics) await compareWithReference(finalVersion, finalDiagnostics, true);
  stopListening();
  fuzz.notify('textDocument/didClose', { textDocument: { uri } });
  // Closed without saving: the workspace index reads the file from disk again (as after a revert).
  fuzz.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
  // A round trip, so that the close is handled before the next script starts.
  if (!fuzz.exited) {
    const r = await fuzz.request('textDocument/foldingRange', { textDocument: { uri } });
    if (r.error && r.error.code === EXITED) fail('crash', r.error.message);
  }

  if (fuzz.exited) fail('crash', `the server exited (${fuzz.exited})${fuzz.stderr ? `; stderr:\n${fuzz.stderr.slice(-2000)}` : ''}`);
  const stderr = fuzz.stderr.slice(stderrBefore);
  if (stderr.trim()) fail('stderr', `the server wrote to stderr:\n${stderr.slice(0, 2000)}`);
  for (const l of fuzz.logs.slice(logsBefore)) if (l.type === 1 || l.type === 2) fail('log-error', `the server logged (${l.type === 1 ? 'error' : 'warning'}): ${l.message.slice(0, 2000)}`);
  return { failures, steps, finalText: text, stats };
}

/** The content changes that apply code action number `n` of an answer: its edits, last first. */
function actionChanges(actions: any[] | null, uri: string, n: number): { range: Rng; text: string }[] | undefined {
  const withEdits = (actions ?? []).filter((a) => a.edit?.changes?.[uri]?.length);
  if (!withEdits.length) return undefined;
  const edits: any[] = withEdits[n % withEdits.length].edit.changes[uri];
  return [...edits]
    .map((e, i) => ({ e, i }))
    .sort((a, b) => cmp(b.e.range.start, a.e.range.start) || cmp(b.e.range.end, a.e.range.end) || b.i - a.i)
    .map(({ e }) => ({ range: e.range, text: e.newText }));
}

/** The content change that accepts completion item number `n`: its text edit, snippet placeholders filled. */
function completionChanges(result: any, n: number): { range: Rng; text: string }[] | undefined {
  const items: any[] = (Array.isArray(result) ? result : result?.items ?? []).filter((i: any) => i.textEdit);
  if (!items.length) return undefined;
  const item = items[n % items.length];
  const edit = item.textEdit;
  let newText: string = edit.newText;
  if (item.insertTextFormat === 2) newText = fillSnippet(newText);
  return [{ range: 'range' in edit ? edit.range : edit.replace, text: newText }];
}

/** A snippet's text as inserted with every placeholder at its default (a choice: its first), tab stops empty. */
export function fillSnippet(snippet: string): string {
  let out = '';
  let depth = 0; // open ${n:default} placeholders, whose closing brace is dropped
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    const rest = snippet.slice(i);
    let m: RegExpExecArray | null;
    if (c === '\\' && i + 1 < snippet.length && '$}\\,|'.includes(snippet[i + 1])) out += snippet[++i];
    else if ((m = /^\$(?:\d+|\{\d+\})/.exec(rest))) i += m[0].length - 1;
    else if ((m = /^\$\{\d+\|([^,|]*)[^|]*\|\}/.exec(rest))) {
      out += m[1];
      i += m[0].length - 1;
    } else if ((m = /^\$\{\d+:/.exec(rest))) {
      depth++;
      i += m[0].length - 1;
    } else if (c === '}' && depth > 0) depth--;
    else out += c;
  }
  return out;
}

function diffLists(a: any[], b: any[]): string {
  const sa = a.map((x) => JSON.stringify(x));
  const sb = new Set(b.map((x) => JSON.stringify(x)));
  const sa2 = new Set(sa);
  const out = [...sa.filter((x) => !sb.has(x)).map((x) => `  - incremental only: ${x}`), ...b.map((x) => JSON.stringify(x)).filter((x) => !sa2.has(x)).map((x) => `  + fresh only:       ${x}`)];
  return (out.length ? out : ['  (same findings, different order)']).slice(0, 20).join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Shrinking

/**
 * Reduces a failing script's steps (delta debugging: drop chunks, then single steps) while `fails`
 * still says it fails; then shortens inserted texts. Stops after `budgetMs`.
 */
export async function shrink(script: Script, fails: (s: Script) => Promise<boolean>, budgetMs: number, log: (m: string) => void = () => undefined): Promise<Script> {
  const deadline = Date.now() + budgetMs;
  let steps = script.steps;
  const tryWith = async (candidate: Step[]) => Date.now() < deadline && (await fails({ ...script, steps: candidate }));
  let n = 2;
  while (steps.length >= 1 && Date.now() < deadline) {
    const size = Math.ceil(steps.length / n);
    let reduced = false;
    for (let i = 0; i < steps.length; i += size) {
      const candidate = [...steps.slice(0, i), ...steps.slice(i + size)];
      if (await tryWith(candidate)) {
        steps = candidate;
        n = Math.max(n - 1, 2);
        reduced = true;
        log(`shrink: ${steps.length} steps`);
        break;
      }
    }
    if (!reduced) {
      if (size <= 1) break;
      n = Math.min(steps.length, n * 2);
    }
  }
  // Shorter inserted texts, one change at a time.
  for (let i = 0; i < steps.length && Date.now() < deadline; i++) {
    if (!('change' in steps[i])) continue;
    for (let j = 0; j < (steps[i] as { change: unknown[] }).change.length; j++) {
      let t = (steps[i] as Extract<Step, { change: unknown }>).change[j].text;
      while (t.length > 1 && Date.now() < deadline) {
        const shorter = t.slice(0, Math.ceil(t.length / 2));
        const candidate = steps.slice();
        const cur = steps[i] as Extract<Step, { change: unknown }>;
        candidate[i] = { change: cur.change.map((c, k) => (k === j ? { ...c, text: shorter } : c)) };
        if (!(await tryWith(candidate))) break;
        steps = candidate;
        t = shorter;
      }
    }
  }
  return { ...script, steps };
}
