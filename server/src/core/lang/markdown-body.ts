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
import { scanReferences, type ControlRef } from '../refs/scan';
import { reportControlRefs } from '../rules/controls';
import { reportSecrets } from '../rules/secrets';
import { LruCache, shiftFinding } from '../chunks';
import { proseSegments, type Segment } from './markdown-prose';
import { scanBody, type Heading } from './document';
import { shiftRef } from './yaml-controls';
import { placeholder } from '../rules/document';

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
  refs: ControlRef[];
  links: BodyLink[];
}

interface SectionResult {
  findings: RawFinding[];
  refs: ControlRef[];
  headings: Heading[];
  anchors: string[];
  records: boolean;
  links: BodyLink[];
}

const cache = new LruCache<SectionResult>(20_000);

export function clearBodyCache(): void {
  cache.clear();
}

export function bodyCacheSize(): number {
  return cache.size;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}#{1,6}(?:[ \t]|$)/;

/** First lines of the sections of the body that starts at `fromLine`. */
export function sectionStarts(lines: LineIndex, fromLine: number): number[] {
  const starts = [fromLine];
  let fence: string | undefined;
  let inComment = false;
  for (let ln = fromLine; ln < lines.lineCount; ln++) {
    const text = lines.lineText(ln);
    const f = FENCE.exec(text);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && text.trim() === f[1]) fence = undefined;
      continue;
    }
    if (!inComment && ATX.test(text) && ln > fromLine) starts.push(ln);
    if (inComment) {
      const e = text.indexOf('-->');
      if (e < 0) continue;
      inComment = false;
      if (text.lastIndexOf('<!--') > e) inComment = !text.slice(text.lastIndexOf('<!--')).includes('-->');
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    const open = text.lastIndexOf('<!--');
    if (open >= 0 && !text.slice(open).includes('-->')) inComment = true;
  }
  return starts;
}

const RECORDS = /\b(?:evidence|records|audit trail|audit log|retention|retained|retain)\b/i;
/** Marker words count in capitals only ("a todo list" is prose); template markup in any case. */
const PLACEHOLDER_WORDS = /\b(?:TODO|TBD|TBC|FIXME|XXX)\b/g;
const PLACEHOLDER_MARKUP = /<insert[^>]*>|\[(?:owner|approver|name|date|team|email|system|insert[^\]]*|your [^\]]*)\](?![([:])/gi;
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
  return { findings: r.findings, refs, headings: body.headings, anchors: [...body.htmlAnchors], records, links };
}

export interface BodyOptions {
  /** One section, no cache: the reference result the sectioned one must equal. */
  whole?: boolean;
}

/**
 * Checks the body of a process document from line `fromLine` of `lines`, reporting into `r` the
 * per-section findings (control references, placeholders, inline secrets) and returning the facts the
 * document-level rules use.
 */
export function analyzeBody(lines: LineIndex, fromLine: number, config: Config, r: Reporter, options: BodyOptions = {}): BodyFacts {
  const text = lines.text;
  const facts: BodyFacts = { headings: [], htmlAnchors: new Set(), mentionsRecords: false, refs: [], links: [] };
  if (fromLine >= lines.lineCount) return facts;
  const starts = options.whole ? [fromLine] : sectionStarts(lines, fromLine);
  const ctx = config.frameworks.join(',') + '\u0000';
  for (let i = 0; i < starts.length; i++) {
    const line = starts[i];
    const start = lines.lineStarts[line];
    const end = i + 1 < starts.length ? lines.lineStarts[starts[i + 1]] : text.length;
    const sectionText = text.slice(start, end);
    let res: SectionResult | undefined;
    if (!options.whole) res = cache.get(ctx + sectionText);
    if (!res) {
      res = checkSection(sectionText, config);
      if (!options.whole) cache.set(ctx + sectionText, res);
    }
    for (const f of res.findings) r.findings.push(shiftFinding(f, line));
    for (const ref of res.refs) facts.refs.push(shiftRef(ref, start));
    for (const h of res.headings) facts.headings.push({ ...h, line: h.line + line, start: h.start + start, end: h.end + start });
    for (const a of res.anchors) facts.htmlAnchors.add(a);
    if (res.records) facts.mentionsRecords = true;
    for (const l of res.links) facts.links.push({ dest: l.dest, at: l.at + start });
  }
  return facts;
}
