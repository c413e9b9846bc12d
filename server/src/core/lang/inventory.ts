/**
 * NHI inventories cut into identities. `splitInventory` is a line scanner that cuts the top-level
 * `identities:` block sequence into one chunk per item (comments and blank lines go with the item before
 * them); files it cannot cut safely (flow style, tabs, anchors and aliases) are one `whole` chunk.
 * `splitAfterChange` re-cuts only around an edit. `partsOf` reads a parsed inventory's `defaults:` and
 * identities. A reader: analysis/inventory.ts parses, checks and caches each chunk.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { LineIndex, type TextChange, type TextSource } from '../text';
import { plainValue } from './yaml-mapping';

export interface InventoryChunk {
  /** header: everything before the first identity; item: one identity; trailing: after the sequence; whole: the file could not be cut. */
  kind: 'header' | 'item' | 'trailing' | 'whole';
  /** Offsets in the file; `start` is always a line start. */
  start: number;
  end: number;
  /** Line of `start`. */
  line: number;
}

const IDENTITIES_BLOCK = /^identities[ \t]*:[ \t]*(?:#.*)?$/;
const IDENTITIES_ANY = /^identities[ \t]*:/;

/**
 * Cuts an inventory into chunks: header, one per identity, trailing. An identity's chunk runs from its
 * `- ` line to the next `- ` line at the same indentation (comments and blank lines in between go with
 * it) or the end of the sequence. Returns one `whole` chunk when the file has no block `identities:`
 * sequence or anything the scanner cannot cut safely.
 */
export function splitInventory(text: string, lineStarts?: ArrayLike<number>): InventoryChunk[] {
  return splitWithIndent(text, lineStarts).chunks;
}

export const WHOLE = (len: number): { chunks: InventoryChunk[]; indent: number } => ({ chunks: [{ kind: 'whole', start: 0, end: len, line: 0 }], indent: -1 });

/** splitInventory, and the indentation of the items (-1 for a whole file). */
export function splitWithIndent(text: string, lineStarts?: ArrayLike<number>): { chunks: InventoryChunk[]; indent: number } {
  const len = text.length;
  if (hasAnchorOrAlias(text)) return WHOLE(len);
  // Line starts (the caller's LineIndex has them when there is no lone \r, which falls back to whole below).
  let starts: ArrayLike<number>;
  if (lineStarts) starts = lineStarts;
  else {
    const s = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) s.push(i + 1);
    starts = s;
  }
  if (hasLoneCr(text)) return WHOLE(len); // old Mac line breaks: let the parser decide
  const sc = new LineScan(text, starts);
  const n = starts.length;
  let idLine = -1;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(starts[i]) !== 105 /* i */ || !text.startsWith('identities', starts[i])) continue;
    const t = text.slice(starts[i], sc.lineEnd(i));
    if (IDENTITIES_BLOCK.test(t)) {
      idLine = i;
      break;
    }
    if (IDENTITIES_ANY.test(t)) return WHOLE(len);
  }
  if (idLine < 0) return WHOLE(len);
  let j = idLine + 1;
  while (j < n && sc.indentOf(j) === -1) j++;
  if (j >= n) return WHOLE(len);
  const indent = sc.indentOf(j);
  if (indent < 0 || !sc.isItem(j, indent)) return WHOLE(len);
  const items: number[] = [];
  const endLine = sc.items(j, n, indent, items);
  if (endLine < 0) return WHOLE(len);
  const out: InventoryChunk[] = [{ kind: 'header', start: 0, end: starts[j], line: 0 }];
  itemChunks(items, endLine, starts, len, out);
  if (endLine < n) out.push({ kind: 'trailing', start: starts[endLine], end: len, line: endLine });
  return { chunks: out, indent };
}

/** Pushes one item chunk per item line: from it to the next, the last to `endLine` (or the end of the text). */
function itemChunks(items: readonly number[], endLine: number, starts: ArrayLike<number>, len: number, out: InventoryChunk[]): void {
  const at = (line: number) => (line < starts.length ? starts[line] : len);
  for (let x = 0; x < items.length; x++) {
    const e = x + 1 < items.length ? items[x + 1] : endLine;
    out.push({ kind: 'item', start: starts[items[x]], end: at(e), line: items[x] });
  }
}

function hasLoneCr(text: string): boolean {
  return text.indexOf('\r') !== -1 && /\r(?!\n)/.test(text);
}

/** Line-by-line questions the cut asks of a text. */
class LineScan {
  constructor(
    readonly text: TextSource,
    readonly starts: ArrayLike<number>,
  ) {}

  lineEnd(i: number): number {
    const { text, starts } = this;
    let e = i + 1 < starts.length ? starts[i + 1] - 1 : text.length;
    if (e > starts[i] && text.charCodeAt(e - 1) === 13) e--;
    return e;
  }

  /** Indentation of a line, -1 for blank or comment lines, -2 for a tab in the indentation. */
  indentOf(i: number): number {
    const { text, starts } = this;
    const e = this.lineEnd(i);
    let p = starts[i];
    while (p < e && text.charCodeAt(p) === 32) p++;
    if (p === e) return -1;
    const c = text.charCodeAt(p);
    if (c === 35 /* # */) return -1;
    if (c === 9 /* tab */) {
      while (p < e && (text.charCodeAt(p) === 9 || text.charCodeAt(p) === 32)) p++;
      return p === e || text.charCodeAt(p) === 35 ? -1 : -2;
    }
    return p - starts[i];
  }

  isItem(i: number, ind: number): boolean {
    const p = this.starts[i] + ind;
    if (this.text.charCodeAt(p) !== 45 /* - */) return false;
    const c = p + 1 < this.text.length ? this.text.charCodeAt(p + 1) : 10;
    return c === 32 || c === 9 || c === 10 || c === 13;
  }

  /**
   * The item lines of a block sequence at `indent` in lines [from, to), pushed to `items` (`from` must
   * be one). Returns the line that ends the sequence, `to` when none in the range does, or -1 when
   * the scanner cannot cut safely (a tab in the indentation, an end that is not a top-level key).
   */
  items(from: number, to: number, indent: number, items: number[]): number {
    items.push(from);
    for (let k = from + 1; k < to; k++) {
      const ind = this.indentOf(k);
      if (ind === -1 || ind > indent) continue;
      if (ind === -2) return -1;
      if (ind === indent && this.isItem(k, ind)) {
        items.push(k);
        continue;
      }
      // What ends the sequence must be a top-level key or a document marker; anything else (a flow
      // collection's closing bracket, a scalar's continuation) is left to the parser of the whole file.
      if (!/^(?:[A-Za-z_"'][^#]*?:(?:[ \t]|$)|---|\.\.\.)/.test(this.text.slice(this.starts[k] + ind, this.lineEnd(k)))) return -1;
      return k;
    }
    return to;
  }
}

/** The cut of the text before a change, and how to find its chunks in the cut after it. */
export interface PreviousCut {
  chunks: InventoryChunk[];
  indent: number;
  lineCount: number;
}

/** Test hook: the cut of `text` made from the cut of `before` and the change between them (undefined: cut it all). */
export function splitInventoryAfterChange(before: string, text: string, change: TextChange): InventoryChunk[] | undefined {
  const prev = splitWithIndent(before);
  return splitAfterChange({ ...prev, lineCount: new LineIndex(before).lineCount }, text, new LineIndex(text).lineStarts, change)?.chunks;
}

/**
 * splitInventory of a text that is `prev`'s text changed by `change`, by re-scanning only the items
 * the change touches: the chunks before them are kept, those after shifted. Returns undefined when
 * the change reaches the header or the end of the sequence, or could change how the rest is cut; the
 * caller then cuts the whole text. Also returns the item indices: items [0, from) are the previous
 * ones, and item k >= to is the previous item k + shift.
 */
export function splitAfterChange(prev: PreviousCut, text: TextSource, starts: ArrayLike<number>, change: TextChange): { chunks: InventoryChunk[]; from: number; to: number; shift: number } | undefined {
  const old = prev.chunks;
  if (old[0].kind === 'whole') return undefined;
  // Items i..j (chunk indices) are the ones the change touches or borders.
  let i = 0;
  while (i < old.length && old[i].end < change.start) i++;
  let j = i;
  while (j + 1 < old.length && old[j + 1].start <= change.oldEnd) j++;
  if (i >= old.length || old[i].kind !== 'item' || old[j].kind !== 'item') return undefined;
  // (The text before the change had neither, or its cut would be whole: only the change and the characters beside it
  // can make one. A slice treats its first character as a line's first, so the check errs toward a whole cut.)
  const near = text.slice(Math.max(0, change.start - 1), change.newEnd + 2);
  if (hasAnchorOrAlias(near) || hasLoneCr(near)) return undefined;
  const delta = change.newEnd - change.oldEnd;
  const dl = starts.length - prev.lineCount;
  const n = starts.length;
  const sc = new LineScan(text, starts);
  const first = old[i].line;
  const last = j + 1 < old.length ? old[j + 1].line + dl : n; // old[j].end is after the change: it moved by delta, dl
  if (first >= n || sc.indentOf(first) !== prev.indent || !sc.isItem(first, prev.indent)) return undefined;
  const items: number[] = [];
  if (sc.items(first, last, prev.indent, items) !== last) return undefined;
  const chunks = old.slice(0, i);
  itemChunks(items, last, starts, text.length, chunks);
  for (let k = j + 1; k < old.length; k++) {
    const c = old[k];
    chunks.push({ kind: c.kind, start: c.start + delta, end: c.end + delta, line: c.line + dl });
  }
  const from = i - 1; // (chunk 0 is the header)
  return { chunks, from, to: from + items.length, shift: j - i + 1 - items.length };
}

/** An anchor (`&a`) or alias (`*a`) token: chunks could not resolve it, so such files are parsed whole. */
function hasAnchorOrAlias(text: string): boolean {
  for (const ch of ['&', '*']) {
    for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) {
      const prev = i === 0 ? 10 : text.charCodeAt(i - 1);
      const next = text.charCodeAt(i + 1);
      const prevOk = prev === 32 || prev === 9 || prev === 10 || prev === 13 || prev === 91 || prev === 123 || prev === 44;
      const nextOk = (next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 95;
      if (prevOk && nextOk) return true;
    }
  }
  return false;
}

/** The `defaults:` (as plain values and as a node) and the identity items of a parsed inventory. */
export function partsOf(doc: Document.Parsed): { defaults: Record<string, unknown>; defaultsNode?: YAMLMap; items: Node[] } {
  const c = doc.contents;
  if (isSeq(c)) return { defaults: {}, items: c.items as Node[] };
  if (!isMap(c)) return { defaults: {}, items: [] };
  let defaultsNode: YAMLMap | undefined;
  let items: Node[] = [];
  for (const p of c.items) {
    if (!isScalar(p.key)) continue;
    const k = String(p.key.value);
    if (k === 'defaults' && isMap(p.value)) defaultsNode = p.value;
    if (k === 'identities' && isSeq(p.value)) items = p.value.items as Node[];
  }
  return { defaults: defaultsOf(defaultsNode), ...(defaultsNode ? { defaultsNode } : {}), items };
}

/** `defaults:` as plain values. */
export function defaultsOf(node: Node | null | undefined): Record<string, unknown> {
  const v = plainValue(node);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
