/**
 * Classifies a file and runs every check on it: the top driver. Pure: text and config in, findings out.
 * An inventory goes to analysis/inventory.ts; a process document's front matter to analysis/yaml.ts, its
 * body to analysis/body.ts, and then the units that read the whole document run over what those collected.
 */
import type { Document } from 'yaml';
import type { Config } from '../config';
import { matchesAny } from '../glob';
import { LineIndex, sourceOf, type SourceFile, type TextChange, type TextSource } from '../text';
import { Reporter, type RawFinding } from '../report';
import type { DocumentKind, FileHost } from '../types';
import { bodyStartLine, frontMatterRange, type Heading } from '../lang/document';
import { shiftRef, type ControlRef } from '../refs/scan';
import { fileUnreadable } from '../rules/file/file-unreadable';
import { DocumentContext } from '../rules/document/context';
import { unitsReading } from '../rules/registry';
import { analyzeBody, bodyRefs, errorName, warmBody, type BodyOptions } from './body';
import { WOULD_BLOCK, type FindingRun } from '../chunks';
import { analyzeInventory, warmInventory, type IdentitySummary, type InventoryItems } from './inventory';
import { analyzeYaml, runTextRules } from './yaml';
import { maskMessages } from './mask';
import { forgetWide, internWide } from './intern';
import { lineMayNestDeep, linesMayNestDeep, MAX_YAML_DEPTH, mayNestDeep, scanDeepValues, shallowYaml, type DeepValue } from '../lang/fast-yaml';
import { syntaxError } from '../rules/file/syntax-error';
import { looksLikeComponent, readComponent } from '../lang/opencontrol';
import { infraOrigin } from '../discovery/discover';

/** Files above this size are not analysed (a clear finding says so). */
export const MAX_FILE_CHARS = 20 * 1024 * 1024;

export interface Analysis {
  uri: string;
  kind: DocumentKind;
  lines: LineIndex;
  findings: RawFinding[];
  /**
   * The same findings as runs (chunks.ts FindingRun: ranges relative to each run's line), in the order the service
   * sorts `findings` into (position, then rule ID; equal ones as in `findings`); when present. An inventory cut into
   * identities has them: a run is the same object while its identity is unchanged, wherever a line break moves it, and
   * `findings` is then made only when asked for.
   */
  runs?: FindingRun[];
  /** Every control reference, offsets in the document. */
  refs: ControlRef[];
  /** The first of `refs` that spans `offset` (without materialising them all: hover asks once per version). */
  refAt?(offset: number): ControlRef | undefined;
  /** Offset range of the YAML front matter body (Markdown only). */
  frontMatter?: { start: number; end: number };
  /** One summary per identity (inventories only). */
  identities?: IdentitySummary[];
  /** Where the identity items are, when the inventory was cut into them (the outline reads them). */
  items?: InventoryItems;
  /** The headings of the body (process documents only). */
  headings?: Heading[];
}

/** Workspace-relative path of a URI for glob matching ("file:///ws/a/b.md" -> "a/b.md"). */
export type RelativePath = (uri: string) => string;

/**
 * Front matter keys that make a Markdown file an ISMS document (with their common spellings, and the control
 * maps of other compliance tools such as comply's `satisfies:`). `type:` counts only with one of our types: a
 * static site's `type: docs` does not make a page a policy.
 */
const ISMS_KEYS = /^(?:type[ \t]*:[ \t]*["']?(?:policy|standard|procedure|runbook|plan|record)["']?[ \t]*(?:#.*)?$|(?:document_type|doc_type|owners?|approver|approved_by|review_(?:cadence|frequency|interval|cycle|in)|controls|satisfies)[ \t]*:)/im;

/** Files of these extensions may be ISMS files; any other file only when a configured glob names it. */
const CANDIDATE = /\.(?:md|markdown|ya?ml)$/i;

/** Whether a file (workspace-relative path) may be an inventory or a process document: walk it, read it, check it. */
export function isCandidate(rel: string, config: Config): boolean {
  return CANDIDATE.test(rel) || matchesAny(rel, config.documentGlobs) || matchesAny(rel, config.inventoryGlobs) || infraOrigin(rel, config) !== undefined;
}

export function classify(uri: string, source: TextSource, config: Config, rel: string = uri): DocumentKind {
  const lower = uri.toLowerCase();
  // A configured glob brings a file in whatever its extension (`*.md.erb`, `*.mdx`, `inventory/*.yml.tmpl`).
  if (matchesAny(rel, config.inventoryGlobs) && !/\.(md|markdown)$/.test(lower)) return 'inventory';
  if (/\.ya?ml$/.test(lower)) {
    if (/\.nhi\.ya?ml$/.test(lower)) return 'inventory';
    if (/^kind:\s*["']?nhi-inventory["']?\s*$/m.test(source.slice(0, 4096))) return 'inventory';
    const text = source.toString();
    // An OpenControl component (`satisfies: [{control_key, standard_key}]`): its own kind, checked for its controls only.
    if (looksLikeComponent(text)) return 'component';
    return 'other';
  }
  if (matchesAny(rel, config.documentGlobs)) return 'process-document';
  if (/\.(md|markdown)$/.test(lower)) {
    const text = source.toString();
    const fm = frontMatterRange(text);
    if (fm && ISMS_KEYS.test(text.slice(fm.start, fm.end))) return 'process-document';
    return 'other';
  }
  return 'other';
}

/**
 * Does part of the work of analysing a large file ahead of `analyze`, a slice at a time: checks and
 * caches inventory identities or document sections until `stop()` returns true. Returns true when the
 * file is ready (analyze will then mostly read caches). Hosts call it between events so that opening
 * a large file never blocks them.
 */
export function warm(file: SourceFile, config: Config, rel: string, stop: () => boolean): boolean {
  const kind = classify(file.uri, file.text, config, rel);
  if (kind === 'other' || isBinary(file.text) || file.text.length > MAX_FILE_CHARS) return true;
  if (warmLines?.text !== file.text) warmLines = hostLines(file) ?? new LineIndex(file.text);
  const lines = warmLines;
  const fm = kind === 'inventory' ? undefined : frontMatterRange(file.text);
  let done = true;
  try {
    // (An inventory nesting too deep is left to analyze, which reads it with those values blanked.)
    if (kind === 'inventory' && guardYaml(file.uri, file.text)) return true;
    done = kind === 'inventory' ? warmInventory(file.text, lines, config, stop) : warmBody(lines, bodyStartLine(lines, fm), config, stop);
  } catch (e) {
    if (e === WOULD_BLOCK) throw e;
    // (analyze says what went wrong; warming is only ahead of it)
  }
  if (done) warmLines = undefined;
  return done;
}

/** The host's LineIndex of the file, when it indexes this very text. */
function hostLines(file: SourceFile): LineIndex | undefined {
  return file.lines && file.lines.source === sourceOf(file) ? file.lines : undefined;
}

/** The LineIndex of the file being warmed (a slice must not re-index a large file). */
let warmLines: LineIndex | undefined;

export function isBinary(text: TextSource): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

export interface AnalyzeOptions extends BodyOptions {
  /** Throw WOULD_BLOCK (chunks.ts) rather than parse one part of an inventory this long or longer at once. */
  inlineLimit?: number;
  /** This file's text and lines at its previous analysis, and where the text changed since (checked by the caller). */
  prev?: { text: TextSource; lines: LineIndex; change: TextChange };
}

/** The first reference spanning `offset` among references relative to their sections' bases, in document offsets. */
function refIn(sections: readonly { base: number; refs: readonly ControlRef[] }[], offset: number): ControlRef | undefined {
  for (const { base, refs } of sections) {
    if (base > offset) continue;
    for (const ref of refs) if (base + ref.start <= offset && offset <= base + ref.end) return base ? shiftRef(ref, base) : ref;
  }
  return undefined;
}

/** The plain-data part of an analysis, computed on another thread (structured-clone safe). */
export interface DetachedAnalysis {
  kind: DocumentKind;
  findings: RawFinding[];
  refs: ControlRef[];
  identities?: IdentitySummary[];
  headings?: Heading[];
  frontMatter?: { start: number; end: number };
}

/** Analyses a file for a host that runs it off its main thread (see IsmsService.needsWorker, adopt). */
export function analyzeDetached(file: SourceFile, config: Config, rel: string = file.uri): DetachedAnalysis {
  const a = analyze(file, config, rel);
  const out: DetachedAnalysis = { kind: a.kind, findings: a.findings, refs: a.refs };
  if (a.identities) out.identities = a.identities;
  if (a.headings) out.headings = a.headings;
  if (a.frontMatter) out.frontMatter = a.frontMatter;
  return out;
}

/** An Analysis of `file` from a detached one (its LineIndex: the host's, or a fresh one). */
export function attachAnalysis(file: SourceFile, d: DetachedAnalysis): Analysis {
  return { uri: file.uri, lines: hostLines(file) ?? new LineIndex(file.text), ...d };
}

export function analyze(file: SourceFile, config: Config, rel: string = file.uri, host?: FileHost, options: AnalyzeOptions = {}): Analysis {
  const src = sourceOf(file);
  const lines = hostLines(file) ?? (options.prev ? LineIndex.afterChange(options.prev.lines, src, options.prev.change) : new LineIndex(src));
  const kind = classify(file.uri, src, config, rel);
  const r = new Reporter(lines);
  const result: Analysis = { uri: file.uri, kind, lines, findings: r.findings, refs: [] };
  if (kind === 'other') return result;
  if (isBinary(src) || src.length > MAX_FILE_CHARS) {
    const why = isBinary(src) ? 'it looks binary (it contains NUL bytes)' : `it is larger than ${MAX_FILE_CHARS / 1024 / 1024} MB`;
    r.add(fileUnreadable.id, 0, 0, `This file was not checked: ${why}.`);
    return result;
  }
  try {
    analyzeKnown(file, config, rel, host, options, kind, lines, r, result);
  } catch (e) {
    if (e === WOULD_BLOCK) throw e;
    // The last line of defence: the readers bound what they are given (size, nesting) and do not throw,
    // but should one, this file gets one finding saying so; the others are checked as usual.
    r.add(fileUnreadable.id, 0, 0, `This file could not be checked to the end (${errorName(e)}): findings from that point on are missing.`);
  }
  explainOverflows(r.findings);
  return result;
}

/** Deep values reported one by one; past this many, one finding counts the rest. */
const MAX_DEEP_FINDINGS = 20;

/** One file-unreadable finding per YAML value nested too deep to read (offsets relative to `base`). */
function reportDeep(deep: readonly DeepValue[], base: number, r: Reporter): void {
  const text = r.lines.text;
  deep.slice(0, MAX_DEEP_FINDINGS).forEach((d) => {
    let end = base + d.start;
    while (end < base + d.end && text[end] !== '\n' && text[end] !== '\r') end++; // (its first line)
    r.add(fileUnreadable.id, base + d.start, end, `This value is nested ${count(d.depth)} levels deep (more than ${MAX_YAML_DEPTH} are not read): it was not parsed, so nothing in it was checked but for literal secrets.`);
  });
  if (deep.length > MAX_DEEP_FINDINGS) {
    const d = deep[MAX_DEEP_FINDINGS];
    r.add(fileUnreadable.id, base + d.start, base + d.start, `${count(deep.length - MAX_DEEP_FINDINGS)} more values nested more than ${MAX_YAML_DEPTH} levels deep were not parsed.`);
  }
}

/**
 * The YAML library's own guard, said as ours is: it catches its stack overflow on a value nested deeper
 * than it can compose (which the guard above keeps from it, unless its count erred) and reports the raw
 * error, which syntax-error then repeats. Findings are shared with caches: replaced, never changed.
 */
function explainOverflows(f: RawFinding[]): RawFinding[] {
  for (let i = 0; i < f.length; i++) {
    if (!overflowed(f[i])) continue;
    f[i] = { ...f[i], ruleId: fileUnreadable.id, message: 'This value is nested too deep for the YAML parser (it ran out of stack): it was not parsed, so nothing in it was checked but for literal secrets.' };
  }
  return f;
}

const overflowed = (f: RawFinding): boolean => f.ruleId === syntaxError.id && f.message.includes('call stack');

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Per file, the last text the YAML guard read (the service's own copy), whether it passed the cheap look, and what it found. */
const yamlGuards = new Map<string, { text: TextSource; passed: boolean; shallow: { text: string; deep: DeepValue[] } | undefined }>();

/** Drops what the guards keep of a file (it was closed). */
export function forgetGuards(uri: string): void {
  forgetWide(uri);
  yamlGuards.delete(uri);
}

/**
 * An inventory as the YAML readers may see it: `shallowYaml` of its text (values nested deeper than
 * MAX_YAML_DEPTH blanked), or undefined when nothing is that deep. The cheap look (mayNestDeep, about
 * 3 ms per MB) decides for most files; after an edit of a file that passed it, only the lines the edit left
 * are looked at (every condition of the look is about one line); the same text is not looked at twice
 * (warming, then analysing).
 */
function guardYaml(uri: string, text: TextSource, prev?: { text: TextSource; change: TextChange }): { text: string; deep: DeepValue[] } | undefined {
  const last = uri ? yamlGuards.get(uri) : undefined;
  if (last && last.text === text) return last.shallow;
  let passed: boolean;
  if (last?.passed && prev && last.text === prev.text && withinLine(prev.text, text, prev.change)) passed = !lineMayNestDeep(text, prev.change.start);
  // After an edit of several lines, only the lines it left behind are looked at (the rest passed before).
  else if (last?.passed && prev && last.text === prev.text) passed = !linesMayNestDeep(text, prev.change.start, prev.change.newEnd);
  else passed = !mayNestDeep(text.toString());
  const shallow = passed ? undefined : shallowYaml(text.toString(), MAX_YAML_DEPTH, scanDeepValues(text.toString()));
  if (uri) {
    yamlGuards.delete(uri);
    yamlGuards.set(uri, { text, passed, shallow });
    if (yamlGuards.size > 16) yamlGuards.delete(yamlGuards.keys().next().value!);
  }
  return shallow;
}

/** Did `change` turn `before` into `after` within one line (no line break removed, added, split or joined)? */
function withinLine(before: TextSource, after: TextSource, change: TextChange): boolean {
  const { start, oldEnd, newEnd } = change;
  if (start > 0 && (before.charCodeAt(start - 1) === 13 || after.charCodeAt(start - 1) === 13)) return false;
  return !/[\r\n]/.test(before.slice(start, oldEnd)) && !/[\r\n]/.test(after.slice(start, newEnd));
}

/**
 * An OpenControl component: its YAML syntax, its `control_key`s (those whose `standard_key` names a framework of ours)
 * judged as a `controls:` list is, and literal secrets. No front matter, section, ownership or NHI rule reads it.
 */
function analyzeComponent(text: string, config: Config, r: Reporter, result: Analysis): void {
  const shallow = shallowYaml(text);
  const yamlText = shallow ? shallow.text : text;
  const c = readComponent(yamlText, config);
  const yaml = { errors: c.doc.errors, base: 0, r };
  for (const u of unitsReading('yaml')) u.yaml!(yaml);
  const list = { list: c.list, yamlText, base: 0, config, r };
  for (const u of unitsReading('controlsList')) u.controlsList!(list);
  if (shallow) reportDeep(shallow.deep, 0, r);
  runTextRules(text, 0, r);
  maskMessages(r.findings, r.lines);
  result.refs = c.refs;
  result.refAt = (offset) => refIn([{ base: 0, refs: c.refs }], offset);
}

/** The analysis of an inventory or a process document (`analyze`, past its guards), into `result`. */
function analyzeKnown(file: SourceFile, config: Config, rel: string, host: FileHost | undefined, options: AnalyzeOptions, kind: DocumentKind, lines: LineIndex, r: Reporter, result: Analysis): void {
  if (kind === 'inventory') {
    // Values nested deeper than the YAML library survives are blanked before it reads the file (then
    // without the previous cut: the text it reads is not the text the editor changed).
    const shallow = guardYaml(file.uri, sourceOf(file), options.prev);
    const text = shallow ? shallow.text : sourceOf(file);
    const runs = !shallow && !options.whole;
    const inv = analyzeInventory(text, shallow ? new LineIndex(text) : lines, config, r, { whole: options.whole, prev: shallow ? undefined : options.prev, inlineLimit: options.inlineLimit, host, runs }, file.uri);
    const lazy = inv.lazy;
    if (lazy) {
      // The whole list in file coordinates only when asked for (code actions, evidence, the CLI): a keystroke's
      // diagnostics are made from the runs (service.ts checkRuns).
      let findings: RawFinding[] | undefined;
      Object.defineProperty(result, 'findings', { enumerable: true, configurable: true, get: () => (findings ??= explainOverflows(lazy.findings().slice())) });
      if (lazy.runs && !(lazy.syntax && lazy.runs.some((run) => run.findings.some(overflowed)))) result.runs = lazy.runs;
    }
    if (shallow) {
      reportDeep(shallow.deep, 0, r);
      for (const d of shallow.deep) runTextRules(file.text.slice(d.start, d.end), d.start, r); // (secrets in them are still found)
    }
    Object.defineProperty(result, 'refs', { enumerable: true, get: () => inv.refs });
    result.refAt = (offset) => refIn(inv.sectionsNear(offset), offset);
    result.identities = inv.identities;
    if (inv.items) result.items = inv.items;
    return;
  }
  if (kind === 'component') {
    analyzeComponent(file.text, config, r, result);
    return;
  }
  // Process document: front matter, then the body section by section, then the document-level rules.
  const fm = frontMatterRange(file.text);
  let parsed: { start: number; end: number; doc: Document } | undefined;
  if (fm) {
    result.frontMatter = fm;
    const fmText = file.text.slice(fm.start, fm.end);
    const shallow = shallowYaml(fmText); // (front matter is small: scanned each time)
    const yaml = analyzeYaml(shallow ? shallow.text : fmText, fm.start, config, r);
    if (shallow) reportDeep(shallow.deep, fm.start, r);
    for (const ref of yaml.refs) result.refs.push(ref);
    runTextRules(fmText, fm.start, r);
    parsed = { ...fm, doc: yaml.doc };
  }
  maskMessages(r.findings, r.lines);
  const body = analyzeBody(lines, bodyStartLine(lines, fm), config, r, options, file.uri);
  result.headings = body.headings;
  // The body's references are materialised on first use (hover, the CLI's coverage), not per keystroke.
  const fmRefs = result.refs;
  let all: ControlRef[] | undefined;
  Object.defineProperty(result, 'refs', { enumerable: true, get: () => (all ??= fmRefs.concat(bodyRefs(body))) });
  result.refAt = (offset) => refIn([{ base: 0, refs: fmRefs }], offset) ?? refIn(body.sections, offset);
  const doc = new DocumentContext(file.text, lines, parsed, config, r, body, host, file.uri);
  const documentWide = r.findings.length;
  for (const u of unitsReading('document')) u.document!(doc);
  maskMessages(r.findings, r.lines, documentWide);
  if (file.uri && !options.whole) internWide(`document:${file.uri}`, r.findings, documentWide);
}
