/**
 * The body of a process document, checked section by section: the driver above the rules. The body is cut
 * into sections (lang/markdown-body.ts); each section is parsed on its own (markdown-syntax), every unit that
 * reads a section or raw text is run on it (control references, placeholders, inline secrets), and the
 * result is cached by its text and the enabled frameworks (what those units read). An edit re-parses the
 * one section it touched; the document-level units (sections, evidence, controls lists, links) then run
 * over the collected facts, which is cheap.
 *
 * The cut is exact: when a section's parse ends inside a top-level fence or HTML block (the cheap scan
 * can misjudge fences in list items, say), it is parsed together with the next section, so the
 * sections together give what one parse of the whole body gives (tested on random documents and edits).
 * The chunk grows by 1, 2, 4 ... sections (an HTML block left open before 20,000 headings is parsed a
 * few times over, not 20,000 times).
 *
 * A section the reader cannot read is said, never skipped silently, and never stops the others: over
 * MAX_SECTION_CHARS, lines nesting deeper than MAX_NESTING or paragraphs keeping more than MAX_INLINE_OPEN
 * links or emphasis marks open (markdown-depth), or any exception of a reader (a stack overflow, say)
 * each give one file-unreadable finding for that section.
 */
import type { Config, FrameworkId } from '../config';
import { LineIndex, type TextChange, type TextSource } from '../text';
import { compareFindings, Reporter, type RawFinding } from '../report';
import { frameworksNamed, refIds, scanReferences, shiftRef, type ControlRef } from '../refs/scan';
import { detach, LruCache, shiftFinding } from '../chunks';
import { parseSection, type BodyLink, type SectionSyntax } from '../lang/markdown-syntax';
import { emptySyntax } from '../lang/markdown-section';
import { githubSlug, type Heading } from '../lang/document';
import { MAX_SECTION_CHARS, sectionStarts, sectionStartsAfterChange, type BodyFacts } from '../lang/markdown-body';
import { MAX_INLINE_OPEN, MAX_NESTING } from '../lang/markdown-depth';
import { normaliseHeading, RECORDS } from '../lang/words';
import { fileUnreadable } from '../rules/file/file-unreadable';
import { unitsReading } from '../rules/registry';
import { runTextRules } from './yaml';
import { maskMessages } from './mask';

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
  /** The section's parse ends inside a block the next heading would not end: parse it with the next one. */
  open: boolean;
  /** The findings shifted to where the section last was (reused while it does not move: the same objects). */
  last?: { line: number; findings: RawFinding[] };
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
const lastSections = new Map<string, { ctx: string; texts: (string | undefined)[]; results: (SectionResult | undefined)[]; count: number; cut?: { text: TextSource; starts: number[]; lineCount: number } }>();

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


/** Checks one section (text starting at a line start) with chunk-relative results. */
function checkSection(text: string, config: Config): SectionResult {
  const lines = new LineIndex(text);
  const r = new Reporter(lines);
  let syntax: SectionSyntax;
  if (text.length > MAX_SECTION_CHARS) {
    syntax = emptySyntax();
    const kb = Math.round(text.length / 1024);
    r.add(fileUnreadable.id, 0, 0, `This part of the document (${kb} KB with no heading to cut it at) was not parsed: control references, placeholders, headings and links in it were not checked. Headings split it into parts that are.`);
  } else {
    try {
      syntax = parseSection(text);
    } catch (e) {
      // The last line of defence: a reader that throws (it should not) costs this section, not the file.
      syntax = emptySyntax();
      r.add(fileUnreadable.id, 0, 0, `This part of the document could not be parsed (${errorName(e)}): control references, placeholders, headings and links in it were not checked.`);
    }
    if (syntax.deep) {
      const { start, end, depth, lines } = syntax.deep;
      const what = lines === 1 ? 'this line was' : `${count(lines)} lines (the first ones here) were`;
      r.add(
        fileUnreadable.id,
        start,
        end,
        `This part of the document nests ${count(depth)} levels deep (block quotes or lists; more than ${MAX_NESTING} are not read): ${what} not parsed, so control references, placeholders, headings and links in ${lines === 1 ? 'it' : 'them'} were not checked.`,
      );
    }
    if (syntax.dense) {
      const { start, end, open, lines } = syntax.dense;
      const what = lines === 1 ? 'this line was' : `${count(lines)} lines (the first ones here) were`;
      r.add(
        fileUnreadable.id,
        start,
        end,
        `This paragraph keeps ${count(open)} link brackets or emphasis marks open at once (more than ${MAX_INLINE_OPEN} are not read, and fewer past a budget per section): ${what} not parsed, so control references, placeholders, headings and links in ${lines === 1 ? 'it' : 'them'} were not checked.`,
      );
    }
  }
  const refs: ControlRef[] = [];
  let records = false;
  const ties = contextTies(text, syntax);
  syntax.segments.forEach((seg, i) => {
    const tie = ties[i];
    const found = scanReferences(seg.text, { frameworks: config.frameworks, mode: 'prose', ...(tie.length ? { ties: tie } : {}) }, undefined, seg.start);
    for (const x of found) refs.push(x); // (not push(...): a long paragraph has many)
    if (!records && RECORDS.test(seg.text)) records = true;
  });
  const section = { text, syntax, refs, config, r };
  for (const u of unitsReading('section')) u.section!(section);
  runTextRules(text, 0, r);
  const keys = new Map<string, number>();
  refs.forEach((ref, i) => {
    if (ref.status !== 'ok') return;
    for (const id of refIds(ref)) {
      const k = `${ref.framework}:${id}`;
      if (!keys.has(k)) keys.set(k, i);
    }
  });
  const headings: Heading[] = syntax.headings.map((h) => {
    const n = headingNames(h.text);
    return { ...h, norm: n.norm, slug: n.slug };
  });
  maskMessages(r.findings, r.lines);
  r.findings.sort(compareFindings); // (in the order the service gives them: a file's findings are then runs already sorted)
  return { findings: r.findings, refs, keys, headings, anchors: syntax.anchors, records, links: syntax.links, open: syntax.open };
}

/** 12,345 */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** What went wrong with a reader, in a few words: never its message, which may quote the input. */
export function errorName(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'it nests too deep for the parser';
  return `an internal error, ${e instanceof Error ? e.name : typeof e}`;
}

/**
 * The end of the next chunk to try from section `i` after [i, j) ended open: `step` more sections (the
 * caller doubles it), fewer when that would pass MAX_SECTION_CHARS and fewer would not.
 */
function grow(lines: LineIndex, starts: readonly number[], i: number, j: number, step: number): number {
  let next = Math.min(starts.length, j + step);
  const base = lines.lineStarts[starts[i]];
  const size = (k: number) => span(lines, starts, i, k)[1] - base;
  if (next > j + 1 && size(next) > MAX_SECTION_CHARS) {
    let lo = j + 1; // (binary search: the largest end within the limit, at least one section more)
    let hi = next;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (size(mid) <= MAX_SECTION_CHARS) lo = mid;
      else hi = mid - 1;
    }
    next = lo;
  }
  return next;
}

/** Offsets of the text from section `i` up to section `j` (exclusive; the end of the text when j is past the last). */
function span(lines: LineIndex, starts: readonly number[], i: number, j: number): [number, number] {
  return [lines.lineStarts[starts[i]], j < starts.length ? lines.lineStarts[starts[j]] : lines.text.length];
}

/** Checks and caches the sections of a body until `stop()` says so; true when all are cached (see warmInventory). */
export function warmBody(lines: LineIndex, fromLine: number, config: Config, stop: () => boolean): boolean {
  if (fromLine >= lines.lineCount) return true;
  let st = warmState;
  if (!st || st.text !== lines.text || st.config !== config) st = warmState = { text: lines.text, config, starts: sectionStarts(lines, fromLine), next: 0 };
  const byText = sectionCache(config).cache;
  while (st.next < st.starts.length) {
    let j = st.next + 1;
    for (let step = 1; ; step *= 2) {
      const sectionText = lines.text.slice(...span(lines, st.starts, st.next, j));
      let res = byText.get(sectionText);
      if (!res) {
        if (stop()) return false;
        const own = detach(sectionText);
        byText.set(own, (res = checkSection(own, config)));
      }
      if (!res.open || j >= st.starts.length) break;
      j = grow(lines, st.starts, st.next, j, step);
    }
    st.next = j;
  }
  warmState = undefined;
  return true;
}

/** Where warmBody stopped (see warmInventory). */
let warmState: { text: string; config: Config; starts: number[]; next: number } | undefined;

export interface BodyOptions {
  /** One section, no cache: the reference result the sectioned one must equal. */
  whole?: boolean;
  /** The text at this file's last analysis and where it changed since (checked by the caller): the cut is made again around the change only. */
  prev?: { text: TextSource; change: TextChange };
}

/**
 * Checks the body of a process document from line `fromLine` of `lines`, reporting into `r` the
 * per-section findings (control references, placeholders, inline secrets) and returning the facts the
 * document-level rules use.
 */
/** A heading's normalised text and slug, by its text: documents share most of their headings (Purpose, Scope ...). */
const names = new Map<string, { norm: string; slug: string }>();
function headingNames(text: string): { norm: string; slug: string } {
  let n = names.get(text);
  if (!n) {
    if (names.size >= 4096) names.clear();
    names.set(text, (n = { norm: normaliseHeading(text), slug: githubSlug(text) }));
  }
  return n;
}

export function analyzeBody(lines: LineIndex, fromLine: number, config: Config, r: Reporter, options: BodyOptions = {}, uri = ''): BodyFacts {
  // (The sections are read as slices of the text as the host keeps it: an editor's document is not made one string here.)
  const text = lines.source;
  const facts: BodyFacts = { headings: [], htmlAnchors: new Set(), mentionsRecords: false, sections: [], links: [] };
  if (fromLine >= lines.lineCount) return facts;
  // (A large body is cut even for a whole check: a section beyond MAX_SECTION_CHARS is not parsed.)
  const whole = options.whole && text.length - lines.lineStarts[fromLine] <= MAX_SECTION_CHARS;
  // The same document's previous sections, matched from the front by index and from the back by index
  // from the end: an edit leaves all but one or two sections as they were, at known places.
  const prev = uri && !options.whole ? lastSections.get(uri) : undefined;
  // After a known change, the cut is made again from the heading before it to the first heading after it.
  const recut = prev?.cut && options.prev && prev.cut.text === options.prev.text;
  const starts = whole ? [fromLine] : recut ? sectionStartsAfterChange(lines, fromLine, prev.cut!, options.prev!.change) : sectionStarts(lines, fromLine);
  const { key: ctx, cache: byText } = sectionCache(config);
  const usable = prev && prev.ctx === ctx ? prev : undefined;
  // Indexed by the section a checked chunk starts at (a chunk is several sections when one's parse is open).
  const texts: (string | undefined)[] = [];
  const results: (SectionResult | undefined)[] = [];
  const find = (i: number, j: number): [SectionResult, string] => {
    const [start, end] = span(lines, starts, i, j);
    let sectionText: string | undefined;
    if (usable) {
      // (slice + === compares with memcmp; startsWith(t, start) is several times slower on long strings)
      const fromBack = i - starts.length + usable.count;
      let t = usable.texts[i];
      let k = i;
      if (t === undefined || t.length !== end - start) {
        t = usable.texts[fromBack];
        k = fromBack;
      }
      if (t !== undefined && t.length === end - start) {
        sectionText = text.slice(start, end);
        if (sectionText === t) return [usable.results[k]!, t];
        if (k === i && usable.texts[fromBack]?.length === end - start && sectionText === usable.texts[fromBack]) return [usable.results[fromBack]!, sectionText];
      }
    }
    sectionText ??= text.slice(start, end);
    if (options.whole) return [checkSection(sectionText, config), sectionText];
    let res = byText.get(sectionText);
    if (!res) {
      sectionText = detach(sectionText);
      byText.set(sectionText, (res = checkSection(sectionText, config)));
    }
    return [res, sectionText];
  };
  for (let i = 0; i < starts.length; ) {
    let j = i + 1;
    let [res, sectionText] = find(i, j);
    for (let step = 1; res.open && j < starts.length; step *= 2) [res, sectionText] = find(i, (j = grow(lines, starts, i, j, step)));
    texts[i] = sectionText;
    results[i] = res;
    const line = starts[i];
    const start = lines.lineStarts[line];
    i = j;
    let shifted = res.last;
    if (!shifted || shifted.line !== line) res.last = shifted = { line, findings: res.findings.map((f) => shiftFinding(f, line)) };
    for (const f of shifted.findings) r.findings.push(f);
    if (res.refs.length) facts.sections.push({ base: start, refs: res.refs, keys: res.keys });
    for (const h of res.headings) facts.headings.push({ ...h, line: h.line + line, start: h.start + start, end: h.end + start });
    for (const a of res.anchors) facts.htmlAnchors.add(a);
    if (res.records) facts.mentionsRecords = true;
    for (const l of res.links) facts.links.push({ dest: l.dest, raw: l.raw, at: l.at + start });
  }
  if (uri && !options.whole) {
    lastSections.delete(uri);
    lastSections.set(uri, { ctx, texts, results, count: starts.length, cut: { text, starts, lineCount: lines.lineCount } });
    if (lastSections.size > 64) lastSections.delete(lastSections.keys().next().value!);
  }
  return facts;
}


const LIST_ITEM_START = /(?:^|\n)[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+$/;

/**
 * The frameworks the context of each prose segment names, which tie its bare tokens as a name on their own
 * line would: the heading above it ("## ISO/IEC 27001 Annex A controls"), and for the items of a list, the
 * lead-in paragraph before the list when it ends with a colon ("This policy implements these SP 800-53
 * controls:"). Tokens whose shape is distinctive do not need it; it decides only for shapes other catalogs
 * share ("A 5.38", "A1.4"), which stay silent in prose that names no framework.
 */
function contextTies(text: string, syntax: SectionSyntax): FrameworkId[][] {
  const out: FrameworkId[][] = [];
  const headings = syntax.headings;
  let h = -1;
  let heading: FrameworkId[] = [];
  let lead: FrameworkId[] = [];
  let inList = false;
  for (const seg of syntax.segments) {
    while (h + 1 < headings.length && headings[h + 1].start <= seg.start) {
      h++;
      heading = frameworksNamed(headings[h].text);
      lead = [];
      inList = false;
    }
    const isHeading = h >= 0 && headings[h].start >= seg.start && headings[h].start < seg.start + seg.text.length;
    const item = LIST_ITEM_START.test(text.slice(Math.max(0, seg.start - 24), seg.start));
    if (item && !inList) inList = true;
    else if (!item && inList) {
      inList = false;
      lead = [];
    }
    const ties = item ? [...new Set([...heading, ...lead])] : isHeading ? [] : heading;
    out.push(ties);
    if (!item && !isHeading) lead = /:\s*$/.test(seg.text) ? frameworksNamed(seg.text) : [];
  }
  return out;
}
