/**
 * NHI inventories, analysed per identity. `splitInventory` is a line scanner that cuts the top-level
 * `identities:` block sequence into one chunk per item; each chunk is parsed on its own and checked by
 * `checkIdentity`, and the result (ranges relative to the chunk) is cached by chunk text, so on a
 * keystroke only the identity being edited is parsed again. Cross-identity rules run on the facts after.
 * Files the scanner cannot cut (flow style, tabs, anchors and aliases) are parsed whole, same rules.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import type { Config } from '../config';
import { todayOf } from '../dates';
import type { ControlRef } from '../refs/scan';
import { Reporter, type RawFinding } from '../report';
import { LineIndex, type TextChange } from '../text';
import type { Range } from '../types';
import { checkDefaults, checkIdentity, defaultsOf, reportDuplicateIds, type IdentityFacts } from '../rules/nhi';
import { analyzeYaml, shiftRef } from './yaml-controls';
import { reportSecrets } from '../rules/secrets';
import { detach, LruCache, shiftFinding, shiftRange, WOULD_BLOCK } from '../chunks';

export interface InventoryChunk {
  /** header: everything before the first identity; item: one identity; trailing: after the sequence; whole: the file could not be cut. */
  kind: 'header' | 'item' | 'trailing' | 'whole';
  /** Offsets in the file; `start` is always a line start. */
  start: number;
  end: number;
  /** Line of `start`. */
  line: number;
}

/** What the editor knows of one identity (hover, document symbols, workspace-wide id and owner lists). */
export interface IdentitySummary {
  id?: string;
  idRange?: Range;
  /** From the first key of the identity to the end of its last value. */
  range: Range;
  name?: string;
  type?: string;
  owners: string[];
  consumers: string[];
  controls: string[];
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

const WHOLE = (len: number): { chunks: InventoryChunk[]; indent: number } => ({ chunks: [{ kind: 'whole', start: 0, end: len, line: 0 }], indent: -1 });

/** splitInventory, and the indentation of the items (-1 for a whole file). */
function splitWithIndent(text: string, lineStarts?: ArrayLike<number>): { chunks: InventoryChunk[]; indent: number } {
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
    readonly text: string,
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
interface PreviousCut {
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
function splitAfterChange(prev: PreviousCut, text: string, starts: ArrayLike<number>, change: TextChange): { chunks: InventoryChunk[]; from: number; to: number; shift: number } | undefined {
  const old = prev.chunks;
  if (old[0].kind === 'whole') return undefined;
  // Items i..j (chunk indices) are the ones the change touches or borders.
  let i = 0;
  while (i < old.length && old[i].end < change.start) i++;
  let j = i;
  while (j + 1 < old.length && old[j + 1].start <= change.oldEnd) j++;
  if (i >= old.length || old[i].kind !== 'item' || old[j].kind !== 'item') return undefined;
  if (hasAnchorOrAlias(text) || hasLoneCr(text)) return undefined;
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

interface ChunkResult {
  /** The chunk's text (its own copy: the cache key; never a slice that would keep a whole file alive). */
  text: string;
  /** Ranges relative to the chunk's first line; offsets relative to its start. */
  findings: RawFinding[];
  refs: ControlRef[];
  identities: IdentitySummary[];
  /** The same results shifted to where the chunk last was (reused while it does not move). */
  last?: { line: number; findings: RawFinding[]; identities: IdentitySummary[] };
}

/**
 * Chunk results: context key (defaults, frameworks, nhi settings, today, line break) -> chunk text ->
 * result. Bounded: at most CONTEXTS contexts and INVENTORY_CACHE_MAX chunks each (least recently used
 * dropped first).
 */
const CONTEXTS = 8;
export const INVENTORY_CACHE_MAX = 20_000;
const cache = new LruCache<LruCache<ChunkResult>>(CONTEXTS);

/** The chunk cache of one context, and its key. */
function contextCache(defaults: Record<string, unknown>, config: Config, today: string, eol: string): { key: string; ctx: LruCache<ChunkResult> } {
  const key = JSON.stringify([defaults, config.frameworks, config.nhi, today, eol]);
  let ctx = cache.get(key);
  if (!ctx) cache.set(key, (ctx = new LruCache<ChunkResult>(INVENTORY_CACHE_MAX)));
  return { key, ctx };
}

export function clearInventoryCache(): void {
  cache.clear();
  outsideCache.clear();
  lastRun.clear();
}

/** Number of cached chunk results (all contexts). */
export function inventoryCacheSize(): number {
  let n = 0;
  for (const m of cache.values()) n += m.size;
  return n;
}

export interface InventoryAnalysis {
  /** Every control reference with document offsets (materialised on first use). */
  readonly refs: ControlRef[];
  /** The same, per chunk (built on first use: a keystroke needs none of them). */
  readonly sections: RefSection[];
  identities: IdentitySummary[];
}

export interface InventoryOptions {
  /** Parse and check the file as one document, without chunks or cache (tests compare both). */
  whole?: boolean;
  /** The text this file had at its last analysis, and where it changed since: only the items around the change are cut again. */
  prev?: { text: string; change: TextChange };
  /** Throw WOULD_BLOCK rather than parse a part this long or longer at once (the whole file, a long trailing part). */
  inlineLimit?: number;
}

/**
 * Runs syntax, control-reference, ownership and nhi-* checks on an inventory and reports into `r`
 * (whose LineIndex is `lines`). Returns the control references and a summary per identity.
 */
export function analyzeInventory(
  text: string,
  lines: LineIndex,
  config: Config,
  r: Reporter,
  options: InventoryOptions = {},
  uri = '',
): InventoryAnalysis {
  const today = todayOf(config);
  const eol = lines.eol;
  const prevRun = uri && !options.whole ? lastRun.get(uri) : undefined;
  // After a known change, re-cut only around it (and reuse the other chunks' results by index).
  const cut = prevRun && options.prev && prevRun.text === options.prev.text ? splitAfterChange(prevRun.cut, text, lines.lineStarts, options.prev.change) : undefined;
  const { chunks, indent } = options.whole ? WHOLE(text.length) : cut ? { chunks: cut.chunks, indent: prevRun!.cut.indent } : splitWithIndent(text, lines.lineStarts);
  /** Sections of the parts outside the identities (or of the whole file); those of the items are added on demand. */
  const sections: RefSection[] = [];
  let itemSections: (() => RefSection[]) | undefined;
  const identities: IdentitySummary[] = [];

  if (chunks[0].kind === 'whole') {
    if (text.length >= (options.inlineLimit ?? Infinity)) throw WOULD_BLOCK;
    const { doc, refs: found } = analyzeYaml(text, 0, config, r);
    sections.push({ base: 0, refs: found });
    reportSecrets(text, 0, r);
    const { defaults, items, defaultsNode } = partsOf(doc);
    if (defaultsNode) checkDefaults(defaultsNode, 0, r);
    for (const item of items) {
      if (!isMap(item) || !item.range) continue;
      identities.push(summary(checkIdentity({ map: item, base: 0, defaults, config, today, eol }, r), item, text, lines));
    }
  } else {
    let defaults: Record<string, unknown> = {};
    for (const chunk of chunks) {
      if (chunk.kind === 'item') continue;
      const res = checkOutside(text.slice(chunk.start, chunk.end), chunk.kind === 'header', config, options.inlineLimit);
      for (const f of res.findings) r.findings.push(shiftFinding(f, chunk.line));
      if (res.refs.length) sections.push({ base: chunk.start, refs: res.refs });
      if (chunk.kind === 'header') defaults = res.defaults;
    }
    const { key: ctxKey, ctx } = contextCache(defaults, config, today, eol);
    // This file's chunks of the last analysis, matched by index from the front and from the back: an
    // edit leaves all but one chunk as they were, found with one string comparison (slice + ===; no
    // hashing of the whole file as a Map lookup per chunk would do). After a known change the index
    // alone says which chunks are unchanged.
    const prev = prevRun && prevRun.ctxKey === ctxKey ? prevRun : undefined;
    const itemCount = chunks.length - chunks.filter((c) => c.kind !== 'item').length;
    const known = prev && cut ? cut : undefined;
    const results: ChunkResult[] = [];
    let k = 0;
    for (const chunk of chunks) {
      if (chunk.kind !== 'item') continue;
      let res: ChunkResult | undefined;
      if (known && (k < known.from || k >= known.to)) res = prev!.results[k < known.from ? k : k + known.shift];
      else {
        const chunkText = text.slice(chunk.start, chunk.end);
        if (prev && !known) {
          const back = k - itemCount + prev.results.length;
          if (prev.results[k]?.text === chunkText) res = prev.results[k];
          else if (prev.results[back]?.text === chunkText) res = prev.results[back];
        }
        if (!res) res = ctx.get(chunkText);
        if (!res) {
          const own = detach(chunkText);
          res = checkChunk(own, defaults, config, today, eol);
          ctx.set(own, res);
        }
      }
      results.push(res);
      k++;
      const dl = chunk.line;
      const last = res.last;
      const moved = !last || last.line !== dl;
      const out = moved ? { line: dl, findings: res.findings.map((f) => shiftFinding(f, dl)), identities: res.identities.map((x) => shiftSummary(x, dl)) } : last;
      res.last = out;
      for (const f of out.findings) r.findings.push(f);
      for (const x of out.identities) identities.push(x);
    }
    itemSections = () => {
      const out = sections.slice();
      let i = 0;
      for (const chunk of chunks) if (chunk.kind === 'item' && results[i++].refs.length) out.push({ base: chunk.start, refs: results[i - 1].refs });
      return out;
    };
    if (uri) {
      lastRun.delete(uri);
      lastRun.set(uri, { ctxKey, results, text, cut: { chunks, indent, lineCount: lines.lineCount } });
      if (lastRun.size > 64) lastRun.delete(lastRun.keys().next().value!);
    }
  }

  reportDuplicateIds(identities, r);
  let refs: ControlRef[] | undefined;
  let all: RefSection[] | undefined;
  return {
    identities,
    get sections() {
      return (all ??= itemSections ? itemSections() : sections);
    },
    get refs() {
      return (refs ??= materialize(this.sections));
    },
  };
}

/**
 * Checks and caches the identities of an inventory a few at a time, until `stop()` says so; returns
 * true when every identity is cached (the next analysis is then fast). Lets a host keep answering
 * while it opens a large file: call it between events until it returns true.
 */
export function warmInventory(text: string, lines: LineIndex, config: Config, stop: () => boolean): boolean {
  // The cut and the position reached survive between calls for the same text: a slice must not start
  // by re-splitting a 12 MB file.
  let st = warmState;
  if (!st || st.text !== text || st.config !== config) {
    const chunks = splitInventory(text, lines.lineStarts);
    if (chunks[0].kind === 'whole') return true;
    const header = chunks.find((c) => c.kind === 'header');
    const defaults = header ? checkOutside(text.slice(header.start, header.end), true, config).defaults : {};
    st = warmState = { text, config, chunks, next: 0, defaults, today: todayOf(config), eol: lines.eol };
  }
  const { ctx } = contextCache(st.defaults, config, st.today, st.eol);
  for (; st.next < st.chunks.length; st.next++) {
    const chunk = st.chunks[st.next];
    if (chunk.kind !== 'item') continue;
    const chunkText = text.slice(chunk.start, chunk.end);
    if (ctx.get(chunkText)) continue;
    if (stop()) return false;
    const own = detach(chunkText);
    ctx.set(own, checkChunk(own, st.defaults, config, st.today, st.eol));
  }
  warmState = undefined;
  return true;
}

/** Where warmInventory stopped (one file at a time: the host warms one file until it is ready). */
let warmState:
  | { text: string; config: Config; chunks: InventoryChunk[]; next: number; defaults: Record<string, unknown>; today: string; eol: string }
  | undefined;

/** References of a chunk, offsets relative to `base` (shifted only when someone asks for them). */
export interface RefSection {
  base: number;
  refs: readonly ControlRef[];
}

function materialize(sections: readonly RefSection[]): ControlRef[] {
  const out: ControlRef[] = [];
  for (const s of sections) for (const ref of s.refs) out.push(s.base === 0 ? ref : shiftRef(ref, s.base));
  return out;
}

/** The chunks of each file's last analysis (by URI), for reuse by position. */
const lastRun = new Map<string, { ctxKey: string; results: ChunkResult[]; text: string; cut: PreviousCut }>();

/** Drops what is kept of a file's last analysis (it was closed). */
export function forgetInventory(uri: string): void {
  lastRun.delete(uri);
}

/** The result of a part outside the identities (header, trailing part); relative to the part, as ChunkResult. */
interface OutsideResult {
  findings: RawFinding[];
  refs: ControlRef[];
  /** The header's `defaults` ({} for other parts). */
  defaults: Record<string, unknown>;
}

/** Results of the parts outside the identities, by frameworks and kind, then by text (a keystroke in an identity re-parses no header). */
const outsideCache = new Map<string, LruCache<OutsideResult>>();

/** Parses and checks the header or the trailing part of an inventory (cached by text). */
function checkOutside(partText: string, header: boolean, config: Config, inlineLimit = Infinity): OutsideResult {
  const key = `${header ? 'header' : 'other'}:${config.frameworks.join(',')}`;
  let byText = outsideCache.get(key);
  if (!byText) {
    if (outsideCache.size >= CONTEXTS) outsideCache.clear();
    outsideCache.set(key, (byText = new LruCache<OutsideResult>(8)));
  }
  let res = byText.get(partText);
  if (res) return res;
  if (partText.length >= inlineLimit) throw WOULD_BLOCK;
  const own = detach(partText);
  const { r, doc, refs } = parsePart(own, config);
  let defaults: Record<string, unknown> = {};
  if (header) {
    const parts = partsOf(doc);
    defaults = parts.defaults;
    if (parts.defaultsNode) checkDefaults(parts.defaultsNode, 0, r);
  }
  byText.set(own, (res = { findings: r.findings, refs, defaults }));
  return res;
}

/** Parses a part of an inventory on its own (syntax, control references, inline secrets); results relative to it. */
function parsePart(text: string, config: Config): { r: Reporter; doc: Document.Parsed; refs: ControlRef[] } {
  const r = new Reporter(new LineIndex(text));
  const { doc, refs } = analyzeYaml(text, 0, config, r);
  reportSecrets(text, 0, r);
  return { r, doc, refs };
}

/** Parses one identity chunk and checks it; ranges relative to the chunk. */
function checkChunk(chunkText: string, defaults: Record<string, unknown>, config: Config, today: string, eol: string): ChunkResult {
  const { r, doc, refs } = parsePart(chunkText, config);
  const lines = r.lines;
  const identities: IdentitySummary[] = [];
  const items = isSeq(doc.contents) ? doc.contents.items : [];
  for (const item of items) {
    if (!isMap(item) || !item.range) continue;
    identities.push(summary(checkIdentity({ map: item, base: 0, defaults, config, today, eol }, r), item, chunkText, lines));
  }
  return { text: chunkText, findings: r.findings, refs, identities, last: undefined };
}

function summary(f: IdentityFacts, item: YAMLMap, text: string, lines: LineIndex): IdentitySummary {
  const start = item.range![0];
  let end = item.range![1];
  while (end > start && /\s/.test(text[end - 1])) end--;
  const out: IdentitySummary = { range: lines.range(start, end), owners: f.owners, consumers: f.consumers, controls: f.controls };
  if (f.id !== undefined) {
    out.id = f.id;
    out.idRange = lines.range(f.idStart!, f.idEnd!);
  }
  if (f.name !== undefined) out.name = f.name;
  if (f.type !== undefined) out.type = f.type;
  return out;
}

function partsOf(doc: Document.Parsed): { defaults: Record<string, unknown>; defaultsNode?: YAMLMap; items: Node[] } {
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

function shiftSummary(s: IdentitySummary, dl: number): IdentitySummary {
  if (dl === 0) return s;
  const out = { ...s, range: shiftRange(s.range, dl) };
  if (s.idRange) out.idRange = shiftRange(s.idRange, dl);
  return out;
}
