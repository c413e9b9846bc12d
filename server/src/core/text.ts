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

/**
 * What the engine reads of a file's text on its incremental paths: a string is one, and so is a PieceText (an editor's
 * document, kept without a copy of the whole text per version). `toString()` is the whole text as one string (for a
 * PieceText, built once and kept); everything that reads more than a window of the text asks for it.
 */
export interface TextSource {
  readonly length: number;
  charCodeAt(index: number): number;
  slice(start: number, end?: number): string;
  toString(): string;
}

/** The index of the last of `sorted` (ascending, its first at most `at`) that is at most `at`: a line or piece by its start. */
export function lastAtMost(sorted: ArrayLike<number>, at: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One piece of a PieceText: `s.slice(from, to)`; `id` names the string `s` (compared instead of its characters). */
interface Piece {
  s: string;
  id: number;
  from: number;
  to: number;
}

let nextPieceId = 1;
/** Above this many pieces, an edit makes a version of one piece (the whole text copied once). */
const MAX_PIECES = 96;

/**
 * A text kept as pieces of strings: the text the document was opened with (or last made whole) and the texts typed
 * since. An edit makes a new version sharing those strings, so a keystroke in a 12 MB inventory allocates the typed
 * characters and a short piece list, not a new 12 MB string (a JS string per version is one: an edit of a string is a
 * lazy concatenation that the first read copies whole). Versions never change what they read; `toString()` builds the
 * whole text once and the version then keeps that string as its only piece.
 *
 * `changeBetween` says where one version differs from another from their pieces alone (what is outside the region is
 * the same pieces of the same strings): the editor's change of a text is known exactly, without comparing texts.
 */
export class PieceText implements TextSource {
  private pieces: Piece[];
  /** The offset of each piece in this text. */
  private starts: number[];
  private flat: string | undefined;
  /**
   * The version this one was made from when it was made whole by an edit of it (one step only), and that edit. Weakly:
   * the document's current version must not keep the text it replaced alive.
   */
  private origin: { from: WeakRef<PieceText>; change: TextChange } | undefined;

  private constructor(
    pieces: Piece[],
    readonly length: number,
  ) {
    this.pieces = pieces;
    const starts = new Array<number>(pieces.length);
    for (let i = 0, at = 0; i < pieces.length; i++) {
      starts[i] = at;
      at += pieces[i].to - pieces[i].from;
    }
    this.starts = starts;
  }

  static of(text: string): PieceText {
    const t = new PieceText(text.length ? [{ s: text, id: nextPieceId++, from: 0, to: text.length }] : [], text.length);
    t.flat = text;
    return t;
  }

  /** How many pieces this version has (tests, and the bench). */
  get pieceCount(): number {
    return this.pieces.length;
  }

  /** The index of the piece holding offset `at` (the last piece for `at` = length). */
  private pieceAt(at: number): number {
    return lastAtMost(this.starts, at);
  }

  charCodeAt(index: number): number {
    if (this.flat !== undefined) return this.flat.charCodeAt(index);
    if (index < 0 || index >= this.length) return NaN;
    const i = this.pieceAt(index);
    const p = this.pieces[i];
    return p.s.charCodeAt(p.from + index - this.starts[i]);
  }

  slice(start = 0, end: number = this.length): string {
    if (this.flat !== undefined) return this.flat.slice(start, end);
    const n = this.length;
    start = start < 0 ? Math.max(0, n + start) : Math.min(start, n);
    end = end < 0 ? Math.max(0, n + end) : Math.min(end, n);
    if (end <= start) return '';
    let i = this.pieceAt(start);
    const p = this.pieces[i];
    const off = start - this.starts[i];
    if (end - this.starts[i] <= p.to - p.from) return p.s.slice(p.from + off, p.from + end - this.starts[i]);
    let out = p.s.slice(p.from + off, p.to);
    for (i++; i < this.pieces.length && this.starts[i] < end; i++) {
      const q = this.pieces[i];
      out += q.s.slice(q.from, Math.min(q.to, q.from + end - this.starts[i]));
    }
    return out;
  }

  toString(): string {
    if (this.flat !== undefined) return this.flat;
    // (join makes one flat string; `+=` would make a chain that the first read copies again. One piece then: what
    // was shared with other versions is theirs, this one no longer holds it.)
    const flat = this.pieces.map((p) => p.s.slice(p.from, p.to)).join('');
    this.flat = flat;
    this.pieces = flat.length ? [{ s: flat, id: nextPieceId++, from: 0, to: flat.length }] : [];
    this.starts = flat.length ? [0] : [];
    this.origin = undefined;
    return flat;
  }

  /** This text with [start, end) replaced by `text`: a new version (this one is unchanged). */
  edit(start: number, end: number, text: string): PieceText {
    const n = this.length;
    start = Math.max(0, Math.min(start, n));
    end = Math.max(start, Math.min(end, n));
    const out: Piece[] = [];
    const pieces = this.pieces;
    let i = 0;
    for (; i < pieces.length && this.starts[i] + pieces[i].to - pieces[i].from <= start; i++) out.push(pieces[i]);
    // The piece the edit starts in: its part before the edit.
    if (i < pieces.length && this.starts[i] < start) {
      const p = pieces[i];
      out.push({ s: p.s, id: p.id, from: p.from, to: p.from + start - this.starts[i] });
    }
    if (text.length) {
      const last = out[out.length - 1];
      // (Typing at the end of text typed before: one piece of both, so that a word is one piece, not one per letter.)
      if (last && last.from === 0 && last.to === last.s.length && last.s.length + text.length <= 256) {
        const s = last.s + text;
        out[out.length - 1] = { s, id: nextPieceId++, from: 0, to: s.length };
      } else out.push({ s: text, id: nextPieceId++, from: 0, to: text.length });
    }
    // The piece the edit ends in: its part after the edit; then the pieces after it.
    let j = i;
    while (j < pieces.length && this.starts[j] + pieces[j].to - pieces[j].from <= end) j++;
    if (j < pieces.length) {
      const p = pieces[j];
      const from = p.from + Math.max(0, end - this.starts[j]);
      push(out, { s: p.s, id: p.id, from, to: p.to });
      for (j++; j < pieces.length; j++) out.push(pieces[j]);
    }
    const length = n - (end - start) + text.length;
    const next = new PieceText(out, length);
    if (out.length > MAX_PIECES) {
      next.toString();
      next.origin = { from: new WeakRef(this), change: { start, oldEnd: end, newEnd: start + text.length } };
    }
    return next;
  }

  /**
   * Where `b` differs from `a`, both versions of one document: [start, oldEnd) of `a` became [start, newEnd) of `b`,
   * the rest being the same pieces of the same strings. Undefined when they share nothing known (one was made whole
   * since), and the caller compares the texts.
   */
  static changeBetween(a: PieceText, b: PieceText): TextChange | undefined {
    if (a === b) return { start: 0, oldEnd: 0, newEnd: 0 };
    if (b.origin && b.origin.from.deref() === a) return b.origin.change;
    const pa = a.pieces;
    const pb = b.pieces;
    if (!pa.length || !pb.length) return undefined;
    if (pa[0].id !== pb[0].id && pa[pa.length - 1].id !== pb[pb.length - 1].id) return undefined;
    // The same text from the front: the same string at the same place in it, piece by piece.
    let prefix = 0;
    for (let i = 0, j = 0; i < pa.length && j < pb.length; ) {
      const x = pa[i];
      const y = pb[j];
      const xo = x.from + prefix - a.starts[i];
      const yo = y.from + prefix - b.starts[j];
      if (x.id !== y.id || xo !== yo) break;
      const step = Math.min(x.to - xo, y.to - yo);
      prefix += step;
      if (xo + step === x.to) i++;
      if (yo + step === y.to) j++;
    }
    // And from the back, not into the common front.
    const max = Math.min(a.length, b.length) - prefix;
    let suffix = 0;
    for (let i = pa.length - 1, j = pb.length - 1; i >= 0 && j >= 0 && suffix < max; ) {
      const x = pa[i];
      const y = pb[j];
      const xe = x.from + (a.length - suffix) - a.starts[i]; // (exclusive end in x.s)
      const ye = y.from + (b.length - suffix) - b.starts[j];
      if (x.id !== y.id || xe !== ye) break;
      const step = Math.min(xe - x.from, ye - y.from, max - suffix);
      suffix += step;
      if (xe - step === x.from) i--;
      if (ye - step === y.from) j--;
    }
    return { start: prefix, oldEnd: a.length - suffix, newEnd: b.length - suffix };
  }
}

/** Appends `p` to `out`, as one piece with the last when it continues it in the same string. */
function push(out: Piece[], p: Piece): void {
  const last = out[out.length - 1];
  if (last && last.id === p.id && last.to === p.from) out[out.length - 1] = { s: p.s, id: p.id, from: last.from, to: p.to };
  else out.push(p);
}

/** Line starts: a typed array, so that a 40,000-line index is one off-heap block, not a large heap object per version. */
export type LineStarts = Uint32Array;

/** Pushes to `out` the start of each line that a \n, \r\n or \r beginning in [from, to) ends (offsets plus `base`). */
function lineBreaks(text: string, from: number, to: number, out: number[], base = 0): number[] {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) out.push(base + i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      out.push(base + i + 1);
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
  static afterChange(prev: LineIndex, text: TextSource, change: TextChange): LineIndex {
    const old = prev.lineStarts;
    const delta = change.newEnd - change.oldEnd;
    // Starts before the change's start are unchanged (a start depends on the characters around it);
    // those at or past oldEnd + 2 depend only on unchanged text; the lines between are scanned.
    let first = lastAtMost(old, change.start);
    // (a start at change.start itself can go: "\r" + an inserted "\n" is one line break)
    if (first > 0 && old[first] === change.start) first--;
    const scanFrom = old[first];
    const scanTo = Math.min(change.newEnd + 1, text.length);
    // (The changed lines as one slice, and the character after them: a document of pieces is not read a character at a time.)
    const scanned = lineBreaks(text.slice(scanFrom, scanTo + 1), 0, scanTo - scanFrom, [], scanFrom);
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
    const next = new LineIndex(text, out);
    // ("\r\n" pairs starting in the changed region, before and after: the others are in text that did not change)
    if (prev.crlf !== undefined) next.crlf = prev.crlf - crlfPairs(prev.source, change.start - 1, change.oldEnd) + crlfPairs(text, change.start - 1, change.newEnd);
    return next;
  }

  /** The text indexed (a string, or a document's PieceText: `text` is then built from it once, when asked for). */
  readonly source: TextSource;
  /** How many "\r\n" the text has (counted when first asked; kept up to date by afterChange). */
  private crlf: number | undefined;

  constructor(source: TextSource, lineStarts?: LineStarts) {
    this.source = source;
    if (lineStarts) {
      this.lineStarts = lineStarts;
      return;
    }
    const text = source.toString();
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

  /** The whole text, as one string. */
  get text(): string {
    const s = this.source;
    return typeof s === 'string' ? s : s.toString();
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.source.length));
    const line = lastAtMost(this.lineStarts, offset);
    return { line, character: offset - this.lineStarts[line] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.lineStarts.length) return this.source.length;
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
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.source.length;
    let end = next;
    if (end > this.lineStarts[line] && this.source.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStarts[line] && this.source.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.source.slice(this.lineStarts[line], this.lineEnd(line));
  }

  /** The line break of the text: "\r\n" when it has one, else "\n". */
  get eol(): string {
    if (this.crlf === undefined) {
      const text = this.text;
      let n = 0;
      for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', i + 2)) n++;
      this.crlf = n;
    }
    return this.crlf > 0 ? '\r\n' : '\n';
  }
}

/** The "\r\n" pairs of `text` that start in [from, to). */
function crlfPairs(text: TextSource, from: number, to: number): number {
  let n = 0;
  for (let i = Math.max(0, from); i < to; i++) if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) n++;
  return n;
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
  /** The whole text (with `source`, it may be a getter that builds it: the engine reads it only where it needs it whole). */
  readonly text: string;
  /** The text as the host keeps it, when that is not one string (an editor's PieceText); the engine's incremental paths read this. */
  source?: TextSource;
  /** The host's line index of the text (of `source` when given), if it keeps one (the engine then does not index the text again). */
  lines?: LineIndex;
}

/** What the engine reads of `file`'s text on its incremental paths (`source`, else the string). */
export function sourceOf(file: SourceFile): TextSource {
  return file.source ?? file.text;
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
