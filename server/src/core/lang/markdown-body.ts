/**
 * The body of a process document, checked section by section. The body is cut before every ATX
 * heading outside code fences and HTML comments; each section is scanned on its own (prose segments,
 * control references, placeholders, inline secrets, headings, links) and the result cached by its
 * text. An edit re-scans the one section it touched; the document-level rules (sections, evidence,
 * controls lists, links) then run over the collected facts, which is cheap.
 *
 * The cut is exact: the line scanners keep no state across a heading outside fences and comments,
 * so the sections together give what one scan of the whole body gives (tested on random edits).
 */
import type { Config } from '../config';
import { LineIndex } from '../text';
import { Reporter, type RawFinding } from '../report';
import { refIds, scanReferences, type ControlRef } from '../refs/scan';
import { reportControlRefs } from '../rules/controls';
import { reportSecrets } from '../rules/secrets';
import { detach, LruCache, shiftFinding } from '../chunks';
import { proseSegments, type Segment } from './markdown-prose';
import { githubSlug, scanBody, type Heading } from './document';
import { shiftRef } from './yaml-controls';
import { normaliseHeading, placeholder } from '../rules/document';

export interface BodyLink {
  /** The destination as written (`runbooks/x.md#step`). */
  dest: string;
  /** Document offset of the destination. */
  at: number;
}

/** What the document-level rules need from the body; offsets and lines are the document's. */
export interface BodyFacts {
  headings: Heading[];
  htmlAnchors: Set<string>;
  /** Some line outside code speaks of evidence or records. */
  mentionsRecords: boolean;
  /** Control references per section, offsets relative to `base` (shifting them all costs too much per keystroke). */
  sections: BodySection[];
  links: BodyLink[];
}

export interface BodySection {
  base: number;
  refs: readonly ControlRef[];
  /** `framework:id` of every control the section's valid references stand for -> index of the first such reference. */
  keys: ReadonlyMap<string, number>;
}

/** Every body reference with document offsets (copies: call it when needed, not per keystroke). */
export function bodyRefs(facts: BodyFacts): ControlRef[] {
  const out: ControlRef[] = [];
  for (const s of facts.sections) for (const ref of s.refs) out.push(shiftRef(ref, s.base));
  return out;
}

interface SectionResult {
  findings: RawFinding[];
  refs: ControlRef[];
  keys: Map<string, number>;
  headings: Heading[];
  anchors: string[];
  records: boolean;
  links: BodyLink[];
}

/** Section results by section text, one cache per set of enabled frameworks. */
const caches = new Map<string, LruCache<SectionResult>>();
/** The section cache of the enabled frameworks (the only setting a section's result depends on), and its key. */
function sectionCache(config: Config): { key: string; cache: LruCache<SectionResult> } {
  const key = config.frameworks.join(',');
  let cache = caches.get(key);
  if (!cache) caches.set(key, (cache = new LruCache<SectionResult>(20_000)));
  return { key, cache };
}

/** The sections of the last analysis of each document (by URI), for reuse without hashing. */
const lastSections = new Map<string, { ctx: string; texts: string[]; results: SectionResult[] }>();

/** Drops what is kept of a document's last analysis (it was closed). */
export function forgetBody(uri: string): void {
  lastSections.delete(uri);
}

export function clearBodyCache(): void {
  caches.clear();
  lastSections.clear();
}

export function bodyCacheSize(): number {
  let n = 0;
  for (const c of caches.values()) n += c.size;
  return n;
}


/**
 * First lines of the sections of the body that starts at `fromLine`. Jumps from one interesting line
 * to the next with one regular expression (headings, fences, comment marks) instead of reading every
 * line; the fence and comment states follow proseSegments exactly.
 */
export function sectionStarts(lines: LineIndex, fromLine: number): number[] {
  const starts = [fromLine];
  const text = lines.text;
  const re = /^ {0,3}(#{1,6}(?=[ \t\r\n]|$)|`{3,}|~{3,})|<!--|-->/gm;
  re.lastIndex = lines.lineStarts[fromLine];
  let fence: string | undefined;
  let inComment = false;
  let lastLine = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const mark = m[1];
    const line = lines.positionAt(m.index).line;
    if (mark && (mark[0] === '`' || mark[0] === '~')) {
      if (fence) {
        if (mark[0] === fence[0] && mark.length >= fence.length && lines.lineText(line).trim() === mark) fence = undefined;
      } else fence = mark;
      lastLine = line;
      // Nothing else on a fence line counts (comment marks on it are code or info string).
      re.lastIndex = lines.lineEnd(line);
      continue;
    }
    if (fence) {
      re.lastIndex = lines.lineEnd(line);
      continue;
    }
    if (mark) {
      if (!inComment && line > fromLine && line !== lastLine) starts.push(line);
      lastLine = line;
      re.lastIndex = m.index + m[0].length;
      continue;
    }
    if (m[0] === '<!--') inComment = true;
    else inComment = false;
  }
  return starts;
}

const RECORDS = /\b(?:evidence|records|audit trail|audit log|retention|retained|retain)\b/i;
/** Marker words count in capitals only ("a todo list" is prose); template markup in any case. */
export const PLACEHOLDER_WORDS = /\b(?:TODO|TBD|TBC|FIXME|XXX)\b/g;
export const PLACEHOLDER_MARKUP = /<insert[^>]*>|\[(?:owner|approver|name|date|team|email|system|insert[^\]]*|your [^\]]*)\](?![([:])/gi;
/** Inline links and images `](dest "title")`, and reference definitions `[x]: dest`. */
const LINK = /\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)|^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/g;

export const PLACEHOLDER_MESSAGE = (s: string) => `'${s}' is placeholder text: an auditor reads an unfinished document as a control that is not yet operating.`;

/** Checks one section (text starting at a line start) with chunk-relative results. */
function checkSection(text: string, config: Config): SectionResult {
  const lines = new LineIndex(text);
  const r = new Reporter(lines);
  const refs: ControlRef[] = [];
  const segments: Segment[] = proseSegments(lines, 0);
  for (const seg of segments) {
    const found = scanReferences(seg.text, { frameworks: config.frameworks, mode: 'prose' });
    if (found.length) {
      reportControlRefs(found, seg.start, r);
      refs.push(...found.map((x) => shiftRef(x, seg.start)));
    }
    const marks = [...seg.text.matchAll(PLACEHOLDER_WORDS), ...seg.text.matchAll(PLACEHOLDER_MARKUP)].sort((a, b) => a.index! - b.index!);
    for (const m of marks) {
      const s = seg.start + m.index!;
      r.add(placeholder.id, s, s + m[0].length, PLACEHOLDER_MESSAGE(m[0]));
    }
  }
  reportSecrets(text, 0, r);
  const body = scanBody(lines, 0);
  const links: BodyLink[] = [];
  let records = false;
  for (const bl of body.lines) {
    if (!records && RECORDS.test(bl.masked)) records = true;
    for (const m of bl.masked.matchAll(LINK)) {
      const dest = m[1] ?? m[2];
      links.push({ dest, at: bl.start + m.index! + m[0].indexOf(dest, m[1] !== undefined ? m[0].indexOf('](') : m[0].indexOf(']:')) });
    }
  }
  const keys = new Map<string, number>();
  refs.forEach((ref, i) => {
    if (ref.status !== 'ok') return;
    for (const id of refIds(ref)) {
      const k = `${ref.framework}:${id}`;
      if (!keys.has(k)) keys.set(k, i);
    }
  });
  for (const h of body.headings) {
    h.norm = normaliseHeading(h.text);
    h.slug = githubSlug(h.text);
  }
  return { findings: r.findings, refs, keys, headings: body.headings, anchors: [...body.htmlAnchors], records, links };
}

/** Checks and caches the sections of a body until `stop()` says so; true when all are cached (see warmInventory). */
export function warmBody(lines: LineIndex, fromLine: number, config: Config, stop: () => boolean): boolean {
  if (fromLine >= lines.lineCount) return true;
  let st = warmState;
  if (!st || st.text !== lines.text || st.config !== config) st = warmState = { text: lines.text, config, starts: sectionStarts(lines, fromLine), next: 0 };
  const byText = sectionCache(config).cache;
  for (; st.next < st.starts.length; st.next++) {
    const i = st.next;
    const start = lines.lineStarts[st.starts[i]];
    const end = i + 1 < st.starts.length ? lines.lineStarts[st.starts[i + 1]] : lines.text.length;
    const sectionText = lines.text.slice(start, end);
    if (byText.get(sectionText)) continue;
    if (stop()) return false;
    const own = detach(sectionText);
    byText.set(own, checkSection(own, config));
  }
  warmState = undefined;
  return true;
}

/** Where warmBody stopped (see warmInventory). */
let warmState: { text: string; config: Config; starts: number[]; next: number } | undefined;

export interface BodyOptions {
  /** One section, no cache: the reference result the sectioned one must equal. */
  whole?: boolean;
}

/**
 * Checks the body of a process document from line `fromLine` of `lines`, reporting into `r` the
 * per-section findings (control references, placeholders, inline secrets) and returning the facts the
 * document-level rules use.
 */
export function analyzeBody(lines: LineIndex, fromLine: number, config: Config, r: Reporter, options: BodyOptions = {}, uri = ''): BodyFacts {
  const text = lines.text;
  const facts: BodyFacts = { headings: [], htmlAnchors: new Set(), mentionsRecords: false, sections: [], links: [] };
  if (fromLine >= lines.lineCount) return facts;
  const starts = options.whole ? [fromLine] : sectionStarts(lines, fromLine);
  const { key: ctx, cache: byText } = sectionCache(config);
  // The same document's previous sections, matched from the front by index and from the back by index
  // from the end: an edit leaves all but one or two sections as they were, at known places.
  const prev = uri && !options.whole ? lastSections.get(uri) : undefined;
  const usable = prev && prev.ctx === ctx ? prev : undefined;
  const texts: string[] = [];
  const results: SectionResult[] = [];
  for (let i = 0; i < starts.length; i++) {
    const line = starts[i];
    const start = lines.lineStarts[line];
    const end = i + 1 < starts.length ? lines.lineStarts[starts[i + 1]] : text.length;
    let res: SectionResult | undefined;
    let sectionText: string | undefined;
    if (usable) {
      // (slice + === compares with memcmp; startsWith(t, start) is several times slower on long strings)
      const fromBack = i - starts.length + usable.texts.length;
      let t = usable.texts[i];
      let j = i;
      if (t === undefined || t.length !== end - start) {
        t = usable.texts[fromBack];
        j = fromBack;
      }
      if (t !== undefined && t.length === end - start) {
        sectionText = text.slice(start, end);
        if (sectionText === t) res = usable.results[j];
        else if (j === i && usable.texts[fromBack]?.length === end - start && sectionText === usable.texts[fromBack]) res = usable.results[fromBack];
      }
    }
    if (!res) {
      sectionText ??= text.slice(start, end);
      if (!options.whole) res = byText.get(sectionText);
      if (!res) {
        if (!options.whole) sectionText = detach(sectionText);
        res = checkSection(sectionText, config);
        if (!options.whole) byText.set(sectionText, res);
      }
    }
    texts.push(sectionText!);
    results.push(res);
    for (const f of res.findings) r.findings.push(shiftFinding(f, line));
    if (res.refs.length) facts.sections.push({ base: start, refs: res.refs, keys: res.keys });
    for (const h of res.headings) facts.headings.push({ ...h, line: h.line + line, start: h.start + start, end: h.end + start });
    for (const a of res.anchors) facts.htmlAnchors.add(a);
    if (res.records) facts.mentionsRecords = true;
    for (const l of res.links) facts.links.push({ dest: l.dest, at: l.at + start });
  }
  if (uri && !options.whole) {
    lastSections.delete(uri);
    lastSections.set(uri, { ctx, texts, results });
    if (lastSections.size > 64) lastSections.delete(lastSections.keys().next().value!);
  }
  return facts;
}
