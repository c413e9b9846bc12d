import type { Position, Range } from './types';

/**
 * Where a text differs from an earlier version of it: [start, oldEnd) of the earlier text became
 * [start, newEnd) of this one; everything before and after is the same.
 */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Line starts: a typed array, so that a 40,000-line index is one off-heap block, not a large heap object per version. */
export type LineStarts = Uint32Array;

/** Pushes to `out` the start of each line that a \n, \r\n or \r beginning in [from, to) ends. */
function lineBreaks(text: string, from: number, to: number, out: number[]): number[] {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) out.push(i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      out.push(i + 1);
    }
  }
  return out;
}

/** Maps between offsets and line/character positions of one text. Built once per text version. */
export class LineIndex {
  /** Offset at which each line starts. */
  readonly lineStarts: LineStarts;

  /**
   * The index of `text`, which is `prev.text` changed by `change`: the line starts before the change
   * are kept, those after it shifted, and only the changed lines scanned (a keystroke in a 40,000-line
   * file costs a copy of the array instead of a scan of the text).
   */
  static afterChange(prev: LineIndex, text: string, change: TextChange): LineIndex {
    const old = prev.lineStarts;
    const delta = change.newEnd - change.oldEnd;
    // Starts before the change's start are unchanged (a start depends on the characters around it);
    // those at or past oldEnd + 2 depend only on unchanged text; the lines between are scanned.
    let first = 0;
    let hi = old.length - 1;
    while (first < hi) {
      const mid = (first + hi + 1) >> 1;
      if (old[mid] <= change.start) first = mid;
      else hi = mid - 1;
    }
    // (a start at change.start itself can go: "\r" + an inserted "\n" is one line break)
    if (first > 0 && old[first] === change.start) first--;
    const scanned = lineBreaks(text, old[first], Math.min(change.newEnd + 1, text.length), []);
    // (a \r\n straddling scanEnd pushed scanEnd + 1, which the tail below would push again)
    const from = scanned.length ? scanned[scanned.length - 1] : old[first];
    let k = first + 1;
    while (k < old.length && (old[k] < change.oldEnd + 2 || old[k] + delta <= from)) k++;
    const out = new Uint32Array(first + 1 + scanned.length + old.length - k);
    out.set(old.subarray(0, first + 1));
    out.set(scanned, first + 1);
    const tail = first + 1 + scanned.length;
    if (delta === 0) out.set(old.subarray(k), tail);
    else for (let i = k, j = tail; i < old.length; i++, j++) out[j] = old[i] + delta;
    return new LineIndex(text, out);
  }

  constructor(
    readonly text: string,
    lineStarts?: LineStarts,
  ) {
    if (lineStarts) {
      this.lineStarts = lineStarts;
      return;
    }
    if (text.indexOf('\r') < 0) {
      // The common case, and 5-10x faster than looking at every character: count, then fill.
      let n = 1;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
      const starts = new Uint32Array(n);
      n = 1;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[n++] = i + 1;
      this.lineStarts = starts;
      return;
    }
    this.lineStarts = Uint32Array.from(lineBreaks(text, 0, text.length, [0]));
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.lineStarts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.lineStarts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.lineStarts[pos.line];
    const end = this.lineEnd(pos.line);
    return Math.min(start + Math.max(0, pos.character), end);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset of the end of a line's content (before its line break). */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }

  /** The line break the text uses most ("\n" when it has none). */
  get eol(): string {
    return /\r\n/.test(this.text) ? '\r\n' : '\n';
  }
}

export function rangeContains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return !(comparePos(a.end, b.start) < 0 || comparePos(b.end, a.start) < 0);
}

export function comparePos(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** A file as the engine receives it: its text, and the host's line index of it when the host keeps one. */
export interface SourceFile {
  /** A file:// URI or a workspace-relative path; the engine treats it as an opaque key. */
  uri: string;
  text: string;
  /** The host's line index of `text`, if it keeps one (the engine then does not index the text again). */
  lines?: LineIndex;
}

/** `text` with `edits` applied (non-overlapping edits, any order; positions in `text`). */
export function applyEdits(text: string, edits: readonly { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  if (!edits.length) return text;
  const lines = new LineIndex(text);
  const at = edits.map((e) => ({ s: lines.offsetAt(e.range.start), e: lines.offsetAt(e.range.end), t: e.newText })).sort((a, b) => a.s - b.s || a.e - b.e);
  let out = '';
  let pos = 0;
  for (const x of at) {
    if (x.s < pos) continue; // overlapping: the earlier edit wins (fix-all never yields these)
    out += text.slice(pos, x.s) + x.t;
    pos = x.e;
  }
  return out + text.slice(pos);
}
