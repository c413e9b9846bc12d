/**
 * The nesting guard of the Markdown readers. Block quotes and list items nest as deep as the text says:
 * `>>>>...` or `- - - ...` 10,000 times on one 20 KB line is 10,000 containers. micromark then takes
 * time that grows with the square of the depth (a minute for 10,000 list levels) and every walk of its
 * tree must be iterative. Before remark reads a section, this finds, in one linear pass over the line
 * prefixes, the lines that could nest deeper than MAX_NESTING, and blanks them (offsets and line breaks
 * kept) so that remark reads the rest; the caller reports what was not read.
 *
 * The depth of a line is bounded from its own prefix (the run of spaces, tabs, `>` and list markers it
 * starts with) and one number carried from line to line, never by parsing:
 *
 * - each `>` and each list marker of the prefix continues or opens at most one container;
 * - a list item continues on a later line only if that line is indented to the item's content, at least
 *   two columns (a marker and a space) past its parent's: so the prefix's whitespace continues at most
 *   half its width in list items (a tab counts as four columns);
 * - the list items open at a line form one chain, opened on earlier lines: at most as many as the
 *   deepest chain of items any earlier line held (`items`, below), so a deeply indented code line after
 *   a flat list stays shallow;
 * - a lazy continuation line opens no container: it is as deep as the paragraph it continues.
 *
 * So the bound is never below the depth remark finds (tested on random container soups), and blanking a
 * line never deepens another (what takes its place ends every container and opens none).
 */

/** Lines that may nest deeper than this are not handed to remark (markdown-fast reads up to 48). */
export const MAX_NESTING = 64;

/** What a section's nesting guard blanked: the first run of deep lines, and how many lines in all. */
export interface DeepPart {
  /** Offsets of the first run of consecutive deep lines (from its first line's start to its last line's end). */
  start: number;
  end: number;
  /** The largest bound of any blanked line (the depth the text asks for, or a little more). */
  depth: number;
  /** Lines blanked in all. */
  lines: number;
}

const SP = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const GT = 62;

/** At most how deep each line of `text` nests (block quotes and list items), and where the lines are. */
function lineBounds(text: string, visit: (start: number, end: number, depth: number) => void): void {
  const n = text.length;
  let items = 0; // the deepest chain of list items a line so far held
  let p = 0;
  while (p <= n) {
    const start = p;
    let ws = 0;
    let quotes = 0;
    let markers = 0;
    // The prefix: spaces, tabs, `>`, bullets and ordered markers (each followed by a space, a tab or the end of the line).
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === SP) {
        ws++;
        p++;
      } else if (c === TAB) {
        ws += 4;
        p++;
      } else if (c === GT) {
        quotes++;
        p++;
      } else if ((c === 45 || c === 43 || c === 42) && endsMarker(text.charCodeAt(p + 1))) {
        markers++;
        p++;
      } else if (c >= 48 && c <= 57) {
        let q = p + 1;
        while (q < n && q - p < 9 && isDigit(text.charCodeAt(q))) q++;
        const d = text.charCodeAt(q);
        if ((d === 46 || d === 41) && endsMarker(text.charCodeAt(q + 1))) {
          markers++;
          p = q + 1;
        } else break;
      } else break;
    }
    let end = p;
    while (end < n) {
      const c = text.charCodeAt(end);
      if (c === LF || c === CR) break;
      end++;
    }
    const chain = markers + Math.min(items, ws >> 1);
    if (chain > items) items = chain;
    visit(start, end, quotes + chain);
    if (end >= n) break;
    p = end + (text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? 2 : 1);
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A list marker ends at a space, a tab, a line break or the end of the text. */
function endsMarker(c: number): boolean {
  return c === SP || c === TAB || c === LF || c === CR || Number.isNaN(c);
}

/** The bound of each line of `text`, line by line (lines end at \n, \r\n or \r, as in micromark): for tests and measurements. */
export function nestingBounds(text: string): number[] {
  const out: number[] = [];
  lineBounds(text, (_s, _e, d) => out.push(d));
  return out;
}

/**
 * What a line of `n` characters not to be read becomes: an empty processing instruction at column 0
 * (`<?  ...  ?>`), or spaces when it is shorter than 6. It holds no prose, heading or link, ends every
 * container, opens nothing it does not close, and closes nothing but a processing instruction (an HTML
 * comment would end a comment the line was in). And it costs micromark one pass: a line of spaces would
 * be a blank line inside every container still open, which micromark matches container by container,
 * space by space (2 s for 600 lines 64 deep).
 */
function filler(n: number): string {
  return n >= 6 ? '<?' + ' '.repeat(n - 4) + '?>' : ' '.repeat(n);
}

/**
 * `text` with every line that may nest deeper than `limit` blanked (see `filler`: offsets and line
 * breaks kept), and what was blanked; undefined when no line is that deep.
 */
export function blankDeepLines(text: string, limit = MAX_NESTING): { text: string; part: DeepPart } | undefined {
  const pieces: string[] = [];
  let kept = 0;
  let part: DeepPart | undefined;
  let lastEnd = -1;
  lineBounds(text, (start, end, depth) => {
    if (depth <= limit) return;
    if (!part) part = { start, end, depth, lines: 0 };
    else if (lastEnd >= 0 && part.end === lastEnd && /^(?:\r\n|\r|\n)$/.test(text.slice(lastEnd, start))) part.end = end;
    if (depth > part.depth) part.depth = depth;
    part.lines++;
    lastEnd = end;
    pieces.push(text.slice(kept, start), filler(end - start));
    kept = end;
  });
  if (!part) return undefined;
  pieces.push(text.slice(kept));
  return { text: pieces.join(''), part };
}

// ---------------------------------------------------------------------------------------------------------
// Inline density

/**
 * Paragraphs whose links and emphasis nest deeper than this are not handed to remark. micromark resolves
 * a link or image label by looking back over the labels still open, and a closing emphasis mark by
 * looking back over the marks still open: time that grows with the square of how many are open at once
 * (nested images 1,000 deep: 1 s; 10,000: 4 minutes). Ordinary prose keeps a few open; tables of links
 * and bold cells, a few per row.
 */
export const MAX_INLINE_OPEN = 256;

/** Past this sum of squares of what the paragraphs keeping more than 64 open keep open, a section's later dense paragraphs are not read either (about half a second of micromark). */
const INLINE_BUDGET = 1 << 19;

/** What the inline guard blanked: the first paragraph, how much it kept open, and how many lines in all. */
export interface DensePart {
  start: number;
  end: number;
  open: number;
  lines: number;
}

/**
 * How much a paragraph [s, e) keeps open at most: label brackets nested (`[`, `![` not yet closed) or
 * emphasis marks waiting for their closer (`*`, `_` runs that can open, less those closed), whichever is
 * more. An upper bound of what micromark keeps (it counts in code spans too); linear.
 */
function inlineOpen(text: string, s: number, e: number): number {
  let brackets = 0;
  let most = 0;
  let star = 0;
  let under = 0;
  for (let p = s; p < e; p++) {
    const c = text.charCodeAt(p);
    if (c === 92 /* \ */) p++;
    else if (c === 91 /* [ */) {
      if (++brackets > most) most = brackets;
    } else if (c === 93 /* ] */) {
      if (brackets > 0) brackets--;
    } else if (c === 42 /* * */ || c === 95 /* _ */) {
      let q = p;
      while (q < e && text.charCodeAt(q) === c) q++;
      const run = q - p;
      const before = p > s ? text.charCodeAt(p - 1) : 32;
      const after = q < e ? text.charCodeAt(q) : 32;
      const canClose = !isSpaceCode(before);
      const canOpen = !isSpaceCode(after);
      let pending = c === 42 ? star : under;
      if (canClose && pending > 0) pending = Math.max(0, pending - run);
      else if (canOpen) pending += run;
      if (c === 42) star = pending;
      else under = pending;
      if (star + under > most) most = star + under;
      p = q - 1;
    }
  }
  return most;
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === LF || c === CR;
}

/**
 * `text` with every paragraph (a run of non-blank lines) that keeps more than `limit` links or emphasis
 * marks open blanked line by line as blankDeepLines blanks a line (fence lines kept, so that code stays
 * code), and the dense paragraphs past the section's budget too; undefined when none is blanked.
 */
export function blankDenseParagraphs(text: string, limit = MAX_INLINE_OPEN): { text: string; part: DensePart } | undefined {
  const n = text.length;
  const lineEnd = (a: number) => {
    while (a < n && text.charCodeAt(a) !== LF && text.charCodeAt(a) !== CR) a++;
    return a;
  };
  const next = (b: number) => (b >= n ? n + 1 : b + (text.charCodeAt(b) === CR && text.charCodeAt(b + 1) === LF ? 2 : 1));
  const blank = (a: number, b: number) => {
    for (let q = a; q < b; q++) if (text.charCodeAt(q) !== SP && text.charCodeAt(q) !== TAB) return false;
    return true;
  };
  let spent = 0;
  let part: DensePart | undefined;
  const pieces: string[] = [];
  let kept = 0;
  let p = 0;
  while (p <= n) {
    // A paragraph: the non-blank lines from p on.
    const s = p;
    let e = p;
    while (p <= n) {
      const b = lineEnd(p);
      if (blank(p, b)) break;
      e = b;
      p = next(b);
    }
    if (e === s) {
      p = next(lineEnd(p));
      continue;
    }
    const open = inlineOpen(text, s, e);
    const cost = open > 64 ? open * open : 0;
    if (open <= limit && spent + cost <= INLINE_BUDGET) {
      spent += cost;
      continue;
    }
    if (!part) part = { start: s, end: e, open, lines: 0 };
    if (open > part.open) part.open = open;
    for (let a = s; a < e; a = next(lineEnd(a))) {
      const b = lineEnd(a);
      if (FENCE.test(text.slice(a, Math.min(b, a + 8)))) continue;
      pieces.push(text.slice(kept, a), filler(b - a));
      kept = b;
      part.lines++;
    }
  }
  if (!part) return undefined;
  pieces.push(text.slice(kept));
  return { text: pieces.join(''), part };
}

const FENCE = /^ {0,3}(?:`{3}|~{3})/;
