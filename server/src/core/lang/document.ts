/**
 * Structure of an ISMS Markdown document for the document rules: where the front matter is, its
 * top-level entries (with offsets), headings and their GitHub slugs. The body itself is parsed by
 * markdown-syntax (remark-parse), section by section.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import type { LineIndex } from '../text';
import { TOO_DEEP } from './fast-yaml';

/**
 * `---` ... `---` (or `...`) at the top; an empty block (`---` right after `---`) counts; after a byte order
 * mark too (an editor may keep one: the CLI drops it, and so do most).
 */
const FRONT_MATTER = /^\ufeff?---[ \t]*\r?\n(?:(?=(?:---|\.\.\.)[ \t]*(?:\r?\n|$))|([\s\S]*?)\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Offsets of the YAML between the front matter fences, or undefined when the text has none. */
export function frontMatterRange(text: string): { start: number; end: number } | undefined {
  const m = FRONT_MATTER.exec(text);
  if (!m) return headerRange(text);
  const start = m[0].indexOf('\n') + 1;
  return { start, end: start + (m[1] ?? '').length };
}

/** A line of a YAML block mapping: a key at column 0, an indented line, a list item, a comment, a blank. */
const HEADER_LINE = /^(?:[A-Za-z_][\w.-]*[ \t]*:(?:[ \t].*)?|[ \t]+\S.*|-(?:[ \t].*)?|[ \t]*#.*|[ \t]*)$/;
/** Keys that mark a fence-less header as metadata rather than prose: ours, and the compliance tools'. */
const HEADER_KEYS = /^(?:title|name|acronym|type|owners?|approver|satisfies|controls|majorRevisions|review_cadence|last_reviewed|status|version)[ \t]*:/m;

/**
 * The header of a document written as comply writes its policies: YAML from the first line, closed by a `---`
 * line, with no opening fence. Read as front matter when it has at least two lines, every line is YAML-shaped,
 * and one of them is a metadata key (so `Note: ...` over a `---` stays a setext heading). Looks at most at the
 * first 200 lines.
 */
function headerRange(text: string): { start: number; end: number } | undefined {
  if (!/^[A-Za-z_][\w.-]*[ \t]*:(?:[ \t]|\r?\n)/.test(text)) return undefined;
  let pos = 0;
  for (let n = 0; n < 200 && pos < text.length; n++) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end).replace(/\r$/, '');
    if (/^---[ \t]*$/.test(line)) {
      const header = text.slice(0, Math.max(0, pos - 1)).replace(/\r$/, '');
      return n >= 2 && HEADER_KEYS.test(header) ? { start: 0, end: header.length } : undefined;
    }
    if (!HEADER_LINE.test(line)) return undefined;
    if (nl < 0) return undefined;
    pos = nl + 1;
  }
  return undefined;
}

/** The line the body starts at: the one after the front matter's last line (0 without front matter). */
export function bodyStartLine(lines: LineIndex, fm: { start: number; end: number } | undefined): number {
  return fm ? lines.positionAt(fm.end).line + 1 : 0;
}

export interface FmEntry {
  /** The key as written. */
  key: string;
  /** Document offsets of the key. */
  keyStart: number;
  keyEnd: number;
  /** The value node (offsets relative to the front matter body, which starts at `base`). */
  value: Node | null;
  base: number;
  /** First and last line (document) the entry covers. */
  line: number;
  lastLine: number;
}

export interface FrontMatter {
  /** Offsets of the body (between the fences). */
  start: number;
  end: number;
  entries: FmEntry[];
  /** The YAML could not be read as a mapping (syntax-error reports why). */
  broken: boolean;
  /** Line of the opening and closing fence. */
  openLine: number;
  closeLine: number;
  /** The parsed mapping (offsets relative to `start`), when the front matter is one. */
  map?: YAMLMap;
}

/** The front matter's entries, from `fm.doc`: its YAML as parsed once by analyzeYaml. */
export function readFrontMatter(text: string, lines: LineIndex, fm: { start: number; end: number; doc: Document }): FrontMatter {
  const { doc } = fm;
  const body = text.slice(fm.start, fm.end);
  const openLine = Math.max(0, lines.positionAt(fm.start).line - 1);
  const closeLine = fm.end > fm.start ? lines.positionAt(fm.end).line + 1 : openLine + 1;
  const out: FrontMatter = { start: fm.start, end: fm.end, entries: [], broken: false, openLine, closeLine };
  // (A value nested too deep to parse is an error, but the rest of the mapping was read: not broken.)
  const errors = doc.errors.filter((e) => e.code !== TOO_DEEP).length;
  if (errors || (doc.contents && !isMap(doc.contents))) {
    out.broken = errors > 0 || doc.contents !== null;
    if (!isMap(doc.contents)) return out;
  }
  if (!isMap(doc.contents)) return out;
  out.map = doc.contents;
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    const [ks, ke] = pair.key.range;
    const value = (pair.value as Node | null) ?? null;
    const vEnd = value && value.range ? value.range[1] : ke;
    let endOff = Math.max(ke, vEnd);
    // A value's range may include its trailing line break; stay on the last line of content.
    while (endOff > ks && /[\r\n]/.test(body[endOff - 1] ?? '')) endOff--;
    out.entries.push({
      key: String(pair.key.value),
      keyStart: fm.start + ks,
      keyEnd: fm.start + ke,
      value,
      base: fm.start,
      line: lines.positionAt(fm.start + ks).line,
      lastLine: lines.positionAt(fm.start + endOff).line,
    });
  }
  return out;
}

export function scalarString(node: Node | null): string | undefined {
  if (!node || !isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

export function isEmptyValue(node: Node | null): boolean {
  if (!node) return true;
  if (isScalar(node)) return node.value === null || String(node.value).trim() === '';
  if (isSeq(node)) return node.items.length === 0;
  return false;
}

export interface Heading {
  level: number;
  text: string;
  line: number;
  /** Document offset of the heading text. */
  start: number;
  end: number;
  /** The heading normalised for matching required sections (set by the section scanner). */
  norm?: string;
  /** githubSlug(text), set by the section scanner. */
  slug?: string;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} \-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a document's headings, with GitHub's -1, -2 suffixes for repeats. */
export function headingSlugs(headings: readonly Heading[]): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings) {
    const base = h.slug ?? githubSlug(h.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate (the first of equals) within `max` edits; by default a distance that grows with the word's length. */
export function closest(word: string, candidates: Iterable<string>, max = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3): string | undefined {
  let best: string | undefined;
  let bound = max; // (a later candidate wins only when strictly closer: bound = best distance - 1)
  const w = word.toLowerCase();
  for (const c of candidates) {
    // (Lengths further apart than `max` are further apart than `max` edits: never the answer. A 1 MB key
    // is not compared in full with each known key.)
    const lc = c.toLowerCase();
    if (Math.abs(w.length - lc.length) > bound) continue;
    const d = boundedDistance(w, lc, bound);
    if (d <= bound) {
      best = c;
      if (d === 0) break;
      bound = d - 1;
    }
  }
  return best;
}

/**
 * editDistance(a, b) when it is at most `max`, else some number above `max`: only the diagonal band of width
 * 2 * max + 1 is computed (Ukkonen), and it stops at the first row whose every cell is past `max`.
 */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  const big = max + 1;
  // prev[j] = distance of a[0..i) and b[0..j), for j within the band; cells outside it count as big
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j <= max ? j : big;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(n, i + max);
    cur[0] = i <= max ? i : big;
    if (lo > 1) cur[lo - 1] = big;
    let rowMin = cur[0];
    const ai = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      let v = prev[j - 1] + (ai === b.charCodeAt(j - 1) ? 0 : 1);
      const del = (j <= i - 1 + max ? prev[j] : big) + 1;
      if (del < v) v = del;
      const ins = cur[j - 1] + 1;
      if (ins < v) v = ins;
      if (v > big) v = big;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < n) cur[hi + 1] = big;
    if (rowMin > max) return big;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}
