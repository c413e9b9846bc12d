/**
 * A fast reader for the plain block YAML that inventories are written in. `parseDocument` spends ~250 µs
 * on a 21-line identity chunk, most of it in its generic lexer and CST parser; this reads the lines
 * directly and builds the same nodes: the `yaml` library's own classes, with the same ranges, scalar
 * types, sources, values (YAML 1.2 core schema) and number formats, in the same order.
 *
 * It reads a strict subset and returns undefined for anything else, and the caller parses with the
 * library: block maps and sequences, single-line plain, single-quoted and double-quoted scalars (the
 * library's one-character and \x \u \U escapes), single-line flow sequences of such scalars, single-line
 * flow maps of plain keys to such scalars (`{ review_cadence: quarterly }`), empty values, comments and
 * blank lines, LF or CRLF. Not: anchors, aliases, tags, block scalars, multi-line scalars, other flow maps,
 * nested flow collections, `?` keys, document markers, directives, tabs, duplicate keys, nor anything the
 * library reports as an error or a warning. test/fast-yaml.test.ts compares
 * both on generated and mutated documents.
 *
 * Comments are not attached (`comment`, `commentBefore`, `spaceBefore` stay unset: nothing in the engine
 * reads them), though they count in ranges exactly as in the library. The documents are for reading:
 * do not stringify them.
 */
import type { TextSource } from '../text';
import { Document, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq, type Schema } from 'yaml';

/**
 * The library's node constructors record each node's kind with Object.defineProperty (an own, hidden symbol property):
 * a runtime call per node, a tenth of reading an inventory. The reader makes its nodes as the constructors would, with
 * that property on each class's prototype instead (the same value, defined once, hidden too: the library's type
 * checks read it through the prototype; nodes the library makes keep their own). Checked once at load: if the library
 * no longer recognises such a node, the constructors are used.
 */
const NODE_TYPE = Symbol.for('yaml.node.type');
function kindOnPrototype(proto: object, instance: object): void {
  if (!Object.prototype.hasOwnProperty.call(proto, NODE_TYPE)) Object.defineProperty(proto, NODE_TYPE, { value: (instance as Record<symbol, unknown>)[NODE_TYPE] });
}
const PROTOTYPES = (() => {
  try {
    kindOnPrototype(Scalar.prototype, new Scalar(null));
    kindOnPrototype(Pair.prototype, new Pair(null));
    kindOnPrototype(YAMLMap.prototype, new YAMLMap());
    kindOnPrototype(YAMLSeq.prototype, new YAMLSeq());
    return isScalar(Object.create(Scalar.prototype)) && isPair(Object.create(Pair.prototype)) && isMap(Object.create(YAMLMap.prototype)) && isSeq(Object.create(YAMLSeq.prototype));
  } catch {
    return false;
  }
})();

function newScalar(value: unknown): Scalar {
  if (!PROTOTYPES) return new Scalar(value);
  const s = Object.create(Scalar.prototype) as Scalar;
  s.value = value;
  return s;
}

function newPair(key: unknown, value: unknown): Pair {
  if (!PROTOTYPES) return new Pair(key, value);
  const p = Object.create(Pair.prototype) as Pair;
  p.key = key;
  p.value = value;
  return p;
}

/** A collection as its constructor makes it: a hidden, writable `schema`, then `items`. */
function newCollection<C extends YAMLMap | YAMLSeq>(Kind: new (schema?: Schema) => C, schema: Schema | undefined): C {
  if (!PROTOTYPES) return new Kind(schema);
  const c = Object.create(Kind.prototype) as C;
  Object.defineProperty(c, 'schema', { value: schema, configurable: true, enumerable: false, writable: true });
  c.items = [];
  return c;
}

/** The options analyzeYaml parses with; the reader reproduces parseDocument with exactly these. */
export const PARSE_OPTIONS = { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false } as const;

/** Characters the reader leaves to the library: tabs, a BOM, control characters, Unicode line breaks, a lone CR. */
const BEYOND = /[\t\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]|\r(?!\n)/;

const BLANK = 0;
const COMMENT = 1;
const CONTENT = 2;

/** Deeper nesting is left to the library (and keeps the recursion bounded). */
const MAX_DEPTH = 64;

type Block = Scalar | YAMLMap | YAMLSeq;

/** Parses `text` as parseDocument(text, PARSE_OPTIONS) would, or returns undefined when it is beyond the subset. */
export function fastParseDocument(text: string): Document.Parsed | undefined {
  if (BEYOND.test(text)) return undefined;
  const r = new Reader(text);
  if (!r.lines()) return undefined;
  const first = r.nextContent(0);
  if (first === r.n) return undefined;
  const doc = new Document(undefined, PARSE_OPTIONS);
  r.schema = doc.schema;
  const root = r.collection(first, r.ind[first], 0);
  if (!root || r.li < r.n) return undefined;
  doc.contents = root;
  const end = root.range![2];
  // Trailing lines no collection kept go to the document's end (Parser#pop).
  doc.range = [r.ls[first], end, r.pendAny ? text.length : end];
  return doc as unknown as Document.Parsed;
}

class Reader {
  /** Per line: start, end of its content (before \r\n), start of the next line, leading spaces, BLANK / COMMENT / CONTENT. */
  readonly ls: number[] = [];
  readonly le: number[] = [];
  readonly ln: number[] = [];
  readonly ind: number[] = [];
  readonly kind: number[] = [];
  n = 0;
  schema: Schema | undefined;
  /** The next content line once a node has been read. */
  li = 0;
  /**
   * The blank and comment lines after the last value that no node has taken yet (the library's pending
   * start-only item): the largest indentation of their comments (-1 for none), and whether there are any.
   */
  pendMax = -1;
  pendAny = false;
  /** Where the last quoted scalar or flow sequence read ends (after its closing character). */
  private close = 0;

  constructor(readonly text: string) {}

  /** Cuts the lines; false on a document marker (`---`, `...`). */
  lines(): boolean {
    const text = this.text;
    const len = text.length;
    let p = 0;
    while (p < len) {
      let e = text.indexOf('\n', p);
      const next = e === -1 ? len : e + 1;
      if (e === -1) e = len;
      else if (e > p && text.charCodeAt(e - 1) === 13) e--;
      let i = p;
      while (i < e && text.charCodeAt(i) === 32) i++;
      const kind = i === e ? BLANK : text.charCodeAt(i) === 35 ? COMMENT : CONTENT;
      if (kind === CONTENT && i === p && (text.startsWith('---', p) || text.startsWith('...', p))) return false;
      this.ls.push(p);
      this.le.push(e);
      this.ln.push(next);
      this.ind.push(i - p);
      this.kind.push(kind);
      p = next;
    }
    this.n = this.ls.length;
    return true;
  }

  nextContent(i: number): number {
    while (i < this.n && this.kind[i] !== CONTENT) i++;
    return i;
  }

  private hasComment(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (this.kind[i] === COMMENT) return true;
    return false;
  }

  /** A `-` item indicator at column `col` of line `li`. */
  private isDash(li: number, col: number): boolean {
    const p = this.ls[li] + col;
    return this.text.charCodeAt(p) === 45 && (p + 1 === this.le[li] || this.text.charCodeAt(p + 1) === 32);
  }

  /** A block sequence or map whose first item is at column `col` of line `li`. */
  collection(li: number, col: number, depth: number): YAMLMap | YAMLSeq | undefined {
    if (depth > MAX_DEPTH) return undefined;
    return this.isDash(li, col) ? this.seq(li, col, depth) : this.map(li, col, depth);
  }

  private map(li: number, col: number, depth: number): YAMLMap | undefined {
    const text = this.text;
    const map = newCollection(YAMLMap, this.schema);
    const start = this.ls[li] + col;
    // The keys so far (a duplicate is left to the library): a list while short, then a Set, both by SameValueZero.
    const keys: unknown[] = [];
    let keySet: Set<unknown> | undefined;
    for (;;) {
      const e = this.le[li];
      const key = this.key(this.ls[li] + col, e);
      if (!key) return undefined;
      const kv = key.value;
      if (keySet) {
        if (keySet.has(kv)) return undefined;
        keySet.add(kv);
      } else {
        for (let i = 0; i < keys.length; i++) if (keys[i] === kv || (keys[i] !== keys[i] && kv !== kv)) return undefined;
        keys.push(kv);
        if (keys.length >= 32) keySet = new Set(keys);
      }
      let q = key.range![1] + 1;
      while (q < e && text.charCodeAt(q) === 32) q++;
      let value: Block | undefined;
      if (q === e || text.charCodeAt(q) === 35) {
        // No value on the line: a nested collection (more indented, or a sequence at the key's column), else empty.
        const nx = this.nextContent(li + 1);
        if (nx < this.n && (this.ind[nx] > col || (this.ind[nx] === col && this.isDash(nx, col)))) value = this.collection(nx, this.ind[nx], depth + 1);
        else value = this.empty(li, q, nx, col, nx < this.n && this.ind[nx] === col, false);
      } else value = this.inline(li, q, col);
      if (!value) return undefined;
      map.items.push(newPair(key, value));
      const offset = value.range![2];
      const nx = this.li;
      if (nx < this.n && this.ind[nx] >= col) {
        if (this.ind[nx] > col || this.isDash(nx, col)) return undefined;
        this.pendMax = -1;
        this.pendAny = false;
        li = nx;
        continue;
      }
      map.range = [start, offset, this.end(col, offset)];
      return map;
    }
  }

  private seq(li: number, col: number, depth: number): YAMLSeq | undefined {
    const text = this.text;
    const seq = newCollection(YAMLSeq, this.schema);
    const start = this.ls[li] + col;
    /** Comment lines left pending before this item: they go to the item's own props (Parser#blockSequence). */
    let before = false;
    for (;;) {
      const e = this.le[li];
      let q = this.ls[li] + col + 1;
      while (q < e && text.charCodeAt(q) === 32) q++;
      let item: Block | undefined;
      if (q === e || text.charCodeAt(q) === 35) {
        const nx = this.nextContent(li + 1);
        if (nx < this.n && this.ind[nx] > col) return undefined; // a node under a bare `-`
        item = this.empty(li, q, nx, col, false, before);
      } else {
        const c = text.charCodeAt(q);
        if (c === 45 && (q + 1 === e || text.charCodeAt(q + 1) === 32)) return undefined;
        const colon = this.colonAt(q, e);
        if (colon === -2) return undefined;
        item = colon >= 0 ? this.map(li, q - this.ls[li], depth + 1) : this.inline(li, q, col);
      }
      if (!item) return undefined;
      seq.items.push(item);
      const offset = item.range![2];
      const nx = this.li;
      if (nx < this.n && this.ind[nx] >= col) {
        if (this.ind[nx] === col && this.isDash(nx, col)) {
          before = this.pendMax >= 0;
          this.pendMax = -1;
          this.pendAny = false;
          li = nx;
          continue;
        }
        if (this.ind[nx] > col) return undefined;
      }
      seq.range = [start, offset, this.end(col, offset)];
      return seq;
    }
  }

  /**
   * Where a collection at `col` that ends here ends: the pending lines stay with it (and it runs to the
   * next content) when one of their comments is at least as indented as it, else they go to its parent.
   */
  private end(col: number, offset: number): number {
    if (col !== 0 && this.pendMax >= col) {
      this.pendMax = -1;
      this.pendAny = false;
      return this.li < this.n ? this.ls[this.li] + this.ind[this.li] : this.text.length;
    }
    return offset;
  }

  /**
   * An empty value at `p` (after `key:` or `-` and their spaces) on line `li`, in a collection at column
   * `col`; the next content line is `nx`, a key of the same map when `nextKey`. The library gives it the
   * comments among the lines up to the next content (and, for an item, `before` it), and then runs its
   * node over those lines; before the next key, only up to the second line break after the last comment
   * more indented than the map (Parser#blockMap moves the rest to the next key).
   */
  private empty(li: number, p: number, nx: number, col: number, nextKey: boolean, before: boolean): Scalar {
    let cut = -1;
    if (nextKey) {
      let r = li;
      for (let i = li + 1; i < nx; i++) if (this.kind[i] === COMMENT && this.ind[i] > col) r = i;
      if (r + 1 < nx) cut = r + 1;
    }
    const commented = before || p < this.le[li] || this.hasComment(li + 1, cut >= 0 ? cut + 1 : nx);
    const end = !commented ? p : cut >= 0 ? this.le[cut] : nx < this.n ? this.ls[nx] + this.ind[nx] : this.text.length;
    const s = newScalar(null);
    s.range = [p, p, end];
    s.source = '';
    s.type = Scalar.PLAIN;
    this.li = nx;
    this.pendMax = -1;
    this.pendAny = false;
    return s;
  }

  /**
   * After a value that ends line `li`, in a collection at column `col`: the end of the value's node. Comment
   * lines more indented than the collection, before any that is not, extend it (with the blank lines
   * between); the lines after are pending. Sets `li` to the next content line.
   */
  private trailing(li: number, col: number): number {
    let end = this.ln[li];
    let merging = true;
    let max = -1;
    let any = false;
    let i = li + 1;
    for (; i < this.n && this.kind[i] !== CONTENT; i++) {
      if (this.kind[i] === COMMENT) {
        if (merging && this.ind[i] > col) {
          end = this.ln[i];
          any = false;
          continue;
        }
        merging = false;
        if (this.ind[i] > max) max = this.ind[i];
      }
      any = true;
    }
    this.li = i;
    this.pendMax = max;
    this.pendAny = any;
    return end;
  }

  /** A scalar, flow sequence or flow map from `q` to the end of line `li`, in a collection at column `col`. */
  private inline(li: number, q: number, col: number): Scalar | YAMLSeq | YAMLMap | undefined {
    const text = this.text;
    const e = this.le[li];
    const c = text.charCodeAt(q);
    let node: Scalar | YAMLSeq | YAMLMap | undefined;
    let ve: number;
    if (c === 34 || c === 39) {
      node = this.quoted(q, e);
      ve = this.close;
    } else if (c === 91) {
      node = this.flowSeq(q, e);
      ve = this.close;
    } else if (c === 123) {
      node = this.flowMap(q, e);
      ve = this.close;
    } else {
      if (!plainStart(text, q, e, false)) return undefined;
      let last = q;
      for (let i = q + 1; i < e; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 32) {
          if (text.charCodeAt(i + 1) === 35) break;
          continue;
        }
        if (ch === 58 && (i + 1 === e || text.charCodeAt(i + 1) === 32)) return undefined; // `a: b: c`
        last = i;
      }
      ve = last + 1;
      node = this.plain(text.slice(q, ve));
    }
    if (!node || !restOk(text, ve, e)) return undefined;
    node.range = [q, ve, this.trailing(li, col)];
    return node;
  }

  /** The key at `p` (the line's `key:`), or undefined. */
  private key(p: number, e: number): Scalar | undefined {
    const colon = this.colonAt(p, e);
    if (colon < 0 || colon - p > 1000) return undefined; // the library warns past 1024 characters
    const c = this.text.charCodeAt(p);
    let k: Scalar | undefined;
    if (c === 34 || c === 39) k = this.quoted(p, e);
    else {
      const src = this.text.slice(p, colon);
      if (src === '<<') return undefined; // a merge key in some schemas
      k = this.plain(src);
    }
    if (k) k.range = [p, colon, colon];
    return k;
  }

  /**
   * Whether a `key:` starts at `p`: the position of its `:`, -1 when the line holds a scalar, -2 when it
   * is beyond the subset (a space before the colon, an odd first character).
   */
  private colonAt(p: number, e: number): number {
    const text = this.text;
    const c = text.charCodeAt(p);
    if (c === 34 || c === 39) {
      if (!this.quoted(p, e)) return -2;
      let i = this.close;
      if (text.charCodeAt(i) === 58 && (i + 1 === e || text.charCodeAt(i + 1) === 32)) return i;
      while (i < e && text.charCodeAt(i) === 32) i++;
      return text.charCodeAt(i) === 58 ? -2 : -1;
    }
    if (c === 91) return -1; // a flow sequence, never a key here
    if (!plainStart(text, p, e, false)) return -2;
    for (let i = p + 1; i < e; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 58 && (i + 1 === e || text.charCodeAt(i + 1) === 32)) return text.charCodeAt(i - 1) === 32 ? -2 : i;
      if (ch === 32 && text.charCodeAt(i + 1) === 35) return -1;
    }
    return -1;
  }

  /** A quoted scalar at `q` closed on its line (its end in `close`), or undefined. */
  private quoted(q: number, e: number): Scalar | undefined {
    const text = this.text;
    const dq = text.charCodeAt(q) === 34;
    let out = '';
    let from = q + 1;
    let i = from;
    for (;;) {
      if (i >= e) return undefined;
      const c = text.charCodeAt(i);
      if (dq) {
        if (c === 34) break;
        if (c === 92) {
          const x = i + 1 < e ? text.charCodeAt(i + 1) : -1;
          const n = x === 120 ? 2 : x === 117 ? 4 : x === 85 ? 8 : 0; // \x, \u, \U
          const ch = n ? codePoint(text, i + 2, n, e) : escape(x);
          if (ch === undefined) return undefined;
          out += text.slice(from, i) + ch;
          i += 2 + n;
          from = i;
          continue;
        }
      } else if (c === 39) {
        if (i + 1 < e && text.charCodeAt(i + 1) === 39) {
          out += text.slice(from, i + 1);
          i += 2;
          from = i;
          continue;
        }
        break;
      }
      i++;
    }
    out += text.slice(from, i);
    this.close = i + 1;
    const s = newScalar(out);
    s.source = out;
    s.type = dq ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
    return s;
  }

  /**
   * A flow collection's scalar at `i`, with its range, `close` past it and the spaces after it: quoted, or plain up to
   * `,` `[` `]` `{` `}` (trailing spaces left out of its value); undefined where it is not one the reader takes (a
   * comment after it, a `key: value` pair).
   */
  private flowScalar(i: number, e: number): Scalar | undefined {
    const text = this.text;
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) return this.placed(this.quoted(i, e), i, e);
    if (!plainStart(text, i, e, true)) return undefined;
    let last = i;
    for (let j = i + 1; j < e; j++) {
      const ch = text.charCodeAt(j);
      if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
      if (ch === 32) {
        if (text.charCodeAt(j + 1) === 35) return undefined;
        continue;
      }
      if (ch === 58 && (j + 1 === e || isFlowBreak(text.charCodeAt(j + 1)))) return undefined; // a pair
      last = j;
    }
    this.close = last + 1;
    return this.placed(this.plain(text.slice(i, last + 1)), i, e);
  }

  /** `s` (from `i` to `close`) with its range, the spaces after it included; `close` moves past them. */
  private placed(s: Scalar | undefined, i: number, e: number): Scalar | undefined {
    if (!s) return undefined;
    const ve = this.close;
    let k = ve;
    while (k < e && this.text.charCodeAt(k) === 32) k++;
    s.range = [i, ve, k];
    this.close = k;
    return s;
  }

  /** The first entry's start in a flow collection opened at `q`, or -1 when it ends at once with `end` (its end in `close`). */
  private firstEntry(q: number, e: number, end: number): number {
    const text = this.text;
    let i = q + 1;
    while (i < e && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) === end && i < e) {
      this.close = i + 1;
      return -1;
    }
    return i;
  }

  /**
   * After a flow collection's entry (at `k`, past its spaces): -1 when the collection ends there with `end` (`]` or
   * `}`; after a trailing comma too: no entry, no error), its end in `close`; the next entry's start after a comma; else
   * undefined.
   */
  private afterEntry(k: number, e: number, end: number): number | undefined {
    const text = this.text;
    const d = k < e ? text.charCodeAt(k) : -1;
    if (d === end) {
      this.close = k + 1;
      return -1;
    }
    if (d !== 44) return undefined;
    let i = k + 1;
    while (i < e && text.charCodeAt(i) === 32) i++;
    if (i < e && text.charCodeAt(i) === end) {
      this.close = i + 1;
      return -1;
    }
    return i;
  }

  /** A flow sequence of scalars at `q`, closed on its line (its end in `close`), or undefined. */
  private flowSeq(q: number, e: number): YAMLSeq | undefined {
    const seq = newCollection(YAMLSeq, this.schema);
    seq.flow = true;
    let i = this.firstEntry(q, e, 93);
    if (i < 0) return seq;
    for (;;) {
      if (i >= e) return undefined;
      const item = this.flowScalar(i, e);
      if (!item) return undefined;
      seq.items.push(item);
      const next = this.afterEntry(this.close, e, 93);
      if (next === undefined) return undefined;
      if (next < 0) return seq;
      i = next;
    }
  }

  /**
   * A flow map at `q` closed on its line (its end in `close`), or undefined: `{ key: value, ... }` with plain keys
   * (each followed at once by `: `, none twice) and values that are plain or quoted scalars, as a flow sequence's items
   * are; no empty value, no nested collection, no comment inside.
   */
  private flowMap(q: number, e: number): YAMLMap | undefined {
    const text = this.text;
    const map = newCollection(YAMLMap, this.schema);
    map.flow = true;
    let i = this.firstEntry(q, e, 125);
    if (i < 0) return map;
    const keys: unknown[] = [];
    for (;;) {
      if (i >= e || !plainStart(text, i, e, true)) return undefined;
      // The key: plain, up to a `:` followed by a space.
      let colon = -1;
      for (let j = i + 1; j < e; j++) {
        const ch = text.charCodeAt(j);
        if (ch === 58) {
          if (text.charCodeAt(j + 1) !== 32 || text.charCodeAt(j - 1) === 32) return undefined;
          colon = j;
          break;
        }
        if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125 || ch === 35) return undefined;
      }
      if (colon < 0 || colon - i > 1000) return undefined;
      const src = text.slice(i, colon);
      if (src === '<<') return undefined; // (a merge key in some schemas)
      const key = this.plain(src);
      if (keys.includes(key.value) || key.value !== key.value) return undefined; // (a duplicate, or NaN: the library's)
      keys.push(key.value);
      key.range = [i, colon, colon];
      // The value: a scalar as a flow sequence's item is.
      i = colon + 1;
      while (i < e && text.charCodeAt(i) === 32) i++;
      if (i >= e) return undefined;
      const value = this.flowScalar(i, e);
      if (!value) return undefined;
      map.items.push(newPair(key, value));
      const next = this.afterEntry(this.close, e, 125);
      if (next === undefined) return undefined;
      if (next < 0) return map;
      i = next;
    }
  }

  /** A plain scalar resolved as the core schema does (null, booleans, numbers, else a string). */
  private plain(src: string): Scalar {
    const s = resolvePlain(src);
    s.source = src;
    s.type = Scalar.PLAIN;
    return s;
  }
}

/** Space, `,`, `[`, `]`, `{`, `}`: what ends a `:` indicator in a flow collection. */
function isFlowBreak(c: number): boolean {
  return c === 32 || c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
}

/** Whether a plain scalar may start at `p` (not an indicator, nor a character the library rejects). */
function plainStart(text: string, p: number, e: number, inFlow: boolean): boolean {
  switch (text.charCodeAt(p)) {
    case 35: // #
    case 44: // ,
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case 39: // '
    case 34: // "
    case 37: // %
    case 64: // @
    case 96: // `
    case 63: // ?
    case 58: // :
      return false;
    case 45: {
      // `-` starts a scalar unless it is an item indicator.
      if (p + 1 >= e) return false;
      const n = text.charCodeAt(p + 1);
      return !(n === 32 || (inFlow && isFlowBreak(n)));
    }
  }
  return true;
}

/** After a value ending at `p`: only spaces, then the line's end or a comment after at least one space. */
function restOk(text: string, p: number, e: number): boolean {
  let i = p;
  while (i < e && text.charCodeAt(i) === 32) i++;
  return i === e || (i > p && text.charCodeAt(i) === 35);
}

/** `\x`, `\u`, `\U`: exactly `n` hex digits of a code point, before the line's end `e`. */
function codePoint(text: string, p: number, n: number, e: number): string | undefined {
  if (p + n > e) return undefined;
  let code = 0;
  for (let i = p; i < p + n; i++) {
    const c = text.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return undefined;
    code = code * 16 + d;
  }
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** The double-quoted escapes the library resolves to one character (line breaks excluded). */
function escape(c: number): string | undefined {
  switch (c) {
    case 48: return '\0';
    case 97: return '\x07';
    case 98: return '\b';
    case 101: return '\x1b';
    case 102: return '\f';
    case 110: return '\n';
    case 114: return '\r';
    case 116: return '\t';
    case 118: return '\v';
    case 78: return '\u0085';
    case 95: return '\u00a0';
    case 76: return '\u2028';
    case 80: return '\u2029';
    case 32: return ' ';
    case 34: return '"';
    case 47: return '/';
    case 92: return '\\';
  }
  return undefined;
}

// The core schema's scalar tests, in the library's order (yaml/dist/schema/core).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The node the core schema makes of a plain scalar; the first character rules out most tests. */
function resolvePlain(src: string): Scalar {
  const c = src.charCodeAt(0);
  switch (c) {
    case 126: // ~
    case 110: // n
    case 78: // N
      if (NULL.test(src)) return newScalar(null);
      break;
    case 116: // t
    case 84: // T
    case 102: // f
    case 70: // F
      if (BOOL.test(src)) return newScalar(c === 116 || c === 84);
      break;
    default:
      if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) break;
      if (INT_OCT.test(src)) return withFormat(newScalar(parseInt(src.substring(2), 8)), 'OCT');
      if (INT.test(src)) return newScalar(parseInt(src, 10));
      if (INT_HEX.test(src)) return withFormat(newScalar(parseInt(src.substring(2), 16)), 'HEX');
      if (FLOAT_NAN.test(src)) return newScalar(src.slice(-3).toLowerCase() === 'nan' ? NaN : src[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
      if (FLOAT_EXP.test(src)) return withFormat(newScalar(parseFloat(src)), 'EXP');
      if (FLOAT.test(src)) {
        const s = newScalar(parseFloat(src));
        const dot = src.indexOf('.');
        if (dot !== -1 && src[src.length - 1] === '0') s.minFractionDigits = src.length - dot - 1;
        return s;
      }
  }
  return newScalar(src);
}

function withFormat(s: Scalar, format: string): Scalar {
  s.format = format;
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// The nesting guard

/**
 * Collections nested deeper than this are not parsed. The library's composer recurses per level (it runs
 * out of stack near 870 flow levels, 1,250 block levels) and so does any walk of its nodes; real
 * inventories and front matter nest less than ten.
 */
export const MAX_YAML_DEPTH = 128;

/** The error code of a value not parsed because it nests too deep (the library's own, for its stack overflow). */
export const TOO_DEEP = 'RESOURCE_EXHAUSTION';

/** A value that nests deeper than MAX_YAML_DEPTH: offsets of its text, and how deep it goes. */
export interface DeepValue {
  start: number;
  end: number;
  depth: number;
}

/**
 * `text` with every value that nests deeper than `limit` blanked (its characters but line breaks
 * made spaces: offsets and lines kept), and those values; undefined when none does. What a parser can
 * read without going deeper than it survives; the caller says what was not read.
 */
export function shallowYaml(text: string, limit = MAX_YAML_DEPTH, deep: readonly DeepValue[] = deepValues(text, limit)): { text: string; deep: DeepValue[] } | undefined {
  if (!deep.length) return undefined;
  const pieces: string[] = [];
  let at = 0;
  for (const d of deep) {
    pieces.push(text.slice(at, d.start));
    for (let p = d.start; p < d.end; ) {
      const e = Math.min(lineEnd(text, p), d.end);
      pieces.push(' '.repeat(e - p));
      p = e < d.end ? nextLine(text, e) : e;
      pieces.push(text.slice(e, p));
    }
    at = d.end;
  }
  pieces.push(text.slice(at));
  return { text: pieces.join(''), deep: deep.slice() };
}

/**
 * Could `text` nest deeper than `limit` at all, as deepValues counts? Only if one of its lines could:
 *
 * - block collections open at a line were pushed at columns up to its indentation (at most two a column:
 *   a map and a sequence may share one) or on the line itself, by an indicator (`- `, `? `) or a key
 *   (`k: k: k:` nests, in the library too); so a line whose prefix of spaces, tabs and indicators is
 *   shorter than limit / 4 and which holds fewer than limit / 8 `: ` has fewer than 3/4 of the limit;
 * - when every line holding a `[` or `{`, read alone as deepValues reads it, closes its flow collections
 *   on that line, no flow collection goes on over lines: a line with flow collections no deeper than
 *   limit / 4 keeps the total under the limit.
 *
 * A few searches and a look at the lines with brackets: false for ordinary files, whose flow lists sit on
 * one line each.
 */
export function mayNestDeep(text: string, limit = MAX_YAML_DEPTH): boolean {
  // A prefix of limit / 4 spaces, tabs and indicators (at most 3 of them, else 4 in a row) has a run of
  // (limit / 4 - 3) / 4 blanks (8 for the default limit), or a tab.
  const blanks = ' '.repeat(Math.max(1, Math.ceil(((limit >> 2) - 3) / 4)));
  if ((text.indexOf(blanks) >= 0 || text.indexOf('\t') >= 0 || CHAIN.test(text)) && prefixAtLeast(limit >> 2).test(text)) return true;
  // (Line ends by a native search when the text has no CR, which only some files have.)
  const end = text.indexOf('\r') < 0 ? (p: number) => (p = text.indexOf('\n', p)) < 0 ? text.length : p : (p: number) => lineEnd(text, p);
  // Keys: the `:` followed by a blank or a line break, counted per line.
  let keys = 0;
  let lineEndAt = -1;
  for (let p = text.indexOf(':'); p >= 0; p = text.indexOf(':', p + 1)) {
    if (!isBreakOrSpace(text.charCodeAt(p + 1))) continue;
    if (p > lineEndAt) {
      keys = 0;
      lineEndAt = end(p);
    }
    if (++keys >= limit >> 3) return true;
  }
  let a = text.indexOf('[');
  let b = text.indexOf('{');
  while (a >= 0 || b >= 0) {
    const p = a < 0 ? b : b < 0 ? a : Math.min(a, b);
    const e = end(p);
    if (!flatLine(text, lineStart(text, p), e, limit >> 2)) return true;
    if (a >= 0 && a < e) a = text.indexOf('[', e);
    if (b >= 0 && b < e) b = text.indexOf('{', e);
  }
  return false;
}

/**
 * mayNestDeep for the one line holding offset `p`: when a text passed mayNestDeep and an edit changed
 * only this line (no line break removed or added), the text passes it iff this passes (every condition is
 * about one line).
 */
export function lineMayNestDeep(source: TextSource, p: number, limit = MAX_YAML_DEPTH): boolean {
  // (The line, and what follows it, read alone: a document's text is not read whole for a keystroke.)
  const from = lineStart(source, p);
  const text = source.slice(from, Math.min(lineEnd(source, p) + 2, source.length));
  const s = 0;
  const e = lineEnd(text, 0);
  let q = s;
  while (q < e && q - s < limit >> 2 && PREFIX_CHARS.has(text.charCodeAt(q))) q++;
  if (q - s >= limit >> 2) return true;
  let keys = 0;
  for (let c = text.indexOf(':', s); c >= 0 && c < e; c = text.indexOf(':', c + 1)) if (isBreakOrSpace(text.charCodeAt(c + 1)) && ++keys >= limit >> 3) return true;
  return !flatLine(text, s, e, limit >> 2);
}

/** mayNestDeep of the lines that hold offsets [start, end] of `text`: every condition of the look is about one line. */
export function linesMayNestDeep(text: TextSource, start: number, end: number, limit = MAX_YAML_DEPTH): boolean {
  return mayNestDeep(text.slice(lineStart(text, Math.min(start, text.length)), lineEnd(text, Math.min(end, text.length))), limit);
}

const PREFIX_CHARS = new Set([32, 9, 45, 63, 58]); // space, tab, - ? :

const CHAIN = /[-?:][ \t]+[-?:][ \t]+[-?:][ \t]+[-?:]/;
const PREFIXES = new Map<number, RegExp>();
/** A line starting with at least `n` spaces, tabs and indicator characters. */
function prefixAtLeast(n: number): RegExp {
  let re = PREFIXES.get(n);
  if (!re) PREFIXES.set(n, (re = new RegExp(`^[ \\t?:-]{${n}}`, 'm')));
  return re;
}

/** The start of the line holding offset `p`. */
function lineStart(text: TextSource, p: number): number {
  while (p > 0) {
    const c = text.charCodeAt(p - 1);
    if (c === LF || c === CR) break;
    p--;
  }
  return p;
}

/**
 * Does the line [s, e), read alone from block context as deepValues reads a line, close on it every flow
 * collection it opens, none nested deeper than `most`?
 */
function flatLine(text: string, s: number, e: number, most: number): boolean {
  let p = s;
  let atStart = true;
  while (p < e) {
    const c = text.charCodeAt(p);
    if (c === SP || c === TAB) {
      p++;
      continue;
    }
    if (c === HASH && (p === s || isSpace(text.charCodeAt(p - 1)))) return true;
    if (atStart && (c === DASH || c === QUESTION || c === COLON) && isBreakOrSpace(text.charCodeAt(p + 1))) {
      p++;
      continue;
    }
    if (atStart && (c === AMP || c === BANG)) {
      while (p < e && !isBreakOrSpace(text.charCodeAt(p))) p++;
      continue;
    }
    if (atStart && (c === BRACKET || c === BRACE)) {
      // The flow collection as scanFlow reads it, within the line.
      let level = 0;
      let inner = true;
      for (;;) {
        if (p >= e) return false;
        const d = text.charCodeAt(p);
        if (d === BRACKET || d === BRACE) {
          if (++level > most) return false;
          inner = true;
        } else if (d === CLOSE_BRACKET || d === CLOSE_BRACE) {
          inner = false;
          if (--level === 0) break;
        } else if (d === COMMA || d === COLON || d === QUESTION) inner = true;
        else if (d === HASH && isSpace(text.charCodeAt(p - 1))) return false;
        else if (inner && (d === DQUOTE || d === SQUOTE)) {
          p = skipQuoted(text, p);
          inner = false;
          continue;
        } else if (d !== SP && d !== TAB) inner = false;
        p++;
      }
      p++;
      atStart = false;
      continue;
    }
    if (atStart && (c === DQUOTE || c === SQUOTE)) {
      p = skipQuoted(text, p);
      atStart = false;
      continue;
    }
    if (c === COLON && isBreakOrSpace(text.charCodeAt(p + 1))) {
      p++;
      atStart = true;
      continue;
    }
    atStart = false;
    p++;
  }
  return true;
}

/**
 * The values of `text` nesting deeper than MAX_YAML_DEPTH, in one linear pass that tracks what nesting
 * depends on and no more: the block collections open (a stack of their columns, from indentation and
 * `- `, `? ` and `key:` indicators), flow brackets, and what hides them (quoted scalars and comments, each
 * to the end of its line at most; the lines of block scalars and multi-line quoted scalars are read as
 * structure, which can only count more). A block value too deep is cut from the line it goes too deep on with the lines indented under
 * it; a flow collection too deep, from its outermost bracket to its closing one (to the end of the text
 * when it never closes). Where the input is malformed the count follows the library's recovery only
 * roughly, erring on the deep side where it can; the library's own guard (an error TOO_DEEP where its
 * stack ends) is behind it.
 */
export function deepValues(text: string, limit = MAX_YAML_DEPTH): DeepValue[] {
  return mayNestDeep(text, limit) ? scanDeepValues(text, limit) : [];
}

/** deepValues without the cheap look first (for a caller that has had it). */
export function scanDeepValues(text: string, limit = MAX_YAML_DEPTH): DeepValue[] {
  const out: DeepValue[] = [];
  const n = text.length;
  const cols: number[] = [];
  const seqs: boolean[] = [];
  const push = (col: number, seq: boolean) => {
    const k = cols.length - 1;
    if (k >= 0 && cols[k] === col) {
      if (seqs[k] === seq) return;
      if (!seq) {
        // A key at the column of a sequence that is the value of the map's previous key: that sequence ended.
        cols.pop();
        seqs.pop();
        if (k > 0 && cols[k - 1] === col && !seqs[k - 1]) return;
      }
    }
    cols.push(col);
    seqs.push(seq);
  };
  /** The block value being cut: where it starts and ends, its line's indentation, how deep it goes, the stack before it. */
  let cut: { start: number; end: number; indent: number; depth: number; before: number } | undefined;
  let p = 0;
  while (p < n) {
    // A line of block context.
    const ls = p;
    while (p < n && text.charCodeAt(p) === SP) p++;
    const indent = p - ls;
    const c0 = text.charCodeAt(p);
    if (p >= n || c0 === LF || c0 === CR || c0 === HASH) {
      p = nextLine(text, lineEnd(text, p));
      continue;
    }
    if (cut && indent <= cut.indent) {
      out.push({ start: cut.start, end: cut.end, depth: cut.depth });
      cols.length = seqs.length = cut.before;
      cut = undefined;
    }
    if (indent === 0 && (text.startsWith('---', p) || text.startsWith('...', p)) && isBreakOrSpace(text.charCodeAt(p + 3))) {
      cols.length = seqs.length = 0;
      p += 3;
    }
    while (cols.length && cols[cols.length - 1] > indent) {
      cols.pop();
      seqs.pop();
    }
    const before = cols.length;
    let atStart = true;
    let keyCol = indent;
    let deepest = 0; // how deep this line goes
    // The tokens of the line (and of quoted scalars and flow collections that go on over lines).
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === LF || c === CR) break;
      if (c === SP || c === TAB) {
        p++;
        continue;
      }
      if (c === HASH && (p === ls || isSpace(text.charCodeAt(p - 1)))) {
        p = lineEnd(text, p);
        break;
      }
      const col = p - ls;
      if (atStart && (c === DASH || c === QUESTION || c === COLON) && isBreakOrSpace(text.charCodeAt(p + 1))) {
        if (c !== COLON) push(col, c === DASH);
        if (cols.length > deepest) deepest = cols.length;
        p++;
        continue;
      }
      if (atStart && (c === AMP || c === BANG)) {
        while (p < n && !isBreakOrSpace(text.charCodeAt(p))) p++;
        continue;
      }
      if (atStart && (c === BRACKET || c === BRACE)) {
        const flow = scanFlow(text, p, cols.length);
        // (Inside a block value being cut, or on a line going too deep anyway, it goes with that value.)
        if (flow.depth > limit && !cut && deepest <= limit) out.push({ start: p, end: flow.end, depth: flow.depth });
        else if (flow.depth > deepest) deepest = flow.depth;
        p = flow.end;
        atStart = false;
        continue;
      }
      if (atStart && (c === DQUOTE || c === SQUOTE)) {
        keyCol = col;
        p = skipQuoted(text, p);
        atStart = false;
        continue;
      }
      if (c === COLON && isBreakOrSpace(text.charCodeAt(p + 1))) {
        push(keyCol, false);
        if (cols.length > deepest) deepest = cols.length;
        p++;
        atStart = true;
        continue;
      }
      if (atStart) keyCol = col;
      atStart = false;
      p++;
    }
    const e = lineEnd(text, p);
    p = nextLine(text, e);
    if (cut) {
      if (deepest > cut.depth) cut.depth = deepest;
      cut.end = e;
    } else if (deepest > limit) cut = { start: ls + indent, end: e, indent, depth: deepest, before };
  }
  if (cut) out.push({ start: cut.start, end: cut.end, depth: cut.depth });
  return out;
}

/**
 * A flow collection from its opening bracket at `p`: where it ends (after its closing bracket; at the end
 * of the text's last content when it never closes) and how deep it nests (the block depth `base` plus its
 * brackets). Line breaks and indentation do not end it here: the library ends a flow collection at a line
 * indented too little only sometimes (a key line), and reads on in others (BAD_INDENT, and nesting on);
 * reading on is the side that never counts less.
 */
function scanFlow(text: string, p: number, base: number): { end: number; depth: number } {
  const n = text.length;
  let level = 0;
  let most = 0;
  let atStart = true;
  let lastContent = p;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR) {
      p++;
      continue;
    }
    if (c === BRACKET || c === BRACE) {
      level++;
      if (level > most) most = level;
      atStart = true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      level--;
      atStart = false;
      if (level === 0) return { end: p + 1, depth: base + most };
    } else if (c === COMMA || c === COLON || c === QUESTION) atStart = true;
    else if (c === HASH && isSpace(text.charCodeAt(p - 1))) {
      p = lineEnd(text, p);
      continue;
    } else if (atStart && (c === DQUOTE || c === SQUOTE)) {
      p = skipQuoted(text, p);
      lastContent = p;
      atStart = false;
      continue;
    } else if (c !== SP && c !== TAB) atStart = false;
    p++;
    if (c !== SP && c !== TAB) lastContent = p;
  }
  return { end: lastContent, depth: base + most };
}

/**
 * After a quoted scalar that opens at `p`, or at the end of its line when it goes on over lines: what
 * is skipped is never more than the rest of one line, so a quote misread (or a line of a multi-line
 * scalar read as structure) costs at most a line's count, on the side of counting more.
 */
function skipQuoted(text: string, p: number): number {
  const n = text.length;
  const q = text.charCodeAt(p);
  p++;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR) return p;
    if (q === DQUOTE && c === BACKSLASH && text.charCodeAt(p + 1) !== LF && text.charCodeAt(p + 1) !== CR) p += 2;
    else if (c === q) {
      if (q === SQUOTE && text.charCodeAt(p + 1) === SQUOTE) p += 2;
      else return p + 1;
    } else p++;
  }
  return n;
}

/** The end of the line at `p` (before its line break). */
function lineEnd(text: TextSource, p: number): number {
  const n = text.length;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR) return p;
    p++;
  }
  return n;
}

/** The start of the next line, from the end of a line. */
function nextLine(text: string, e: number): number {
  if (text.charCodeAt(e) === CR && text.charCodeAt(e + 1) === LF) return e + 2;
  return e < text.length ? e + 1 : e;
}

function isSpace(c: number): boolean {
  return c === SP || c === TAB;
}

function isBreakOrSpace(c: number): boolean {
  return c === SP || c === TAB || c === LF || c === CR || Number.isNaN(c);
}

const SP = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const DASH = 45;
const QUESTION = 63;
const COLON = 58;
const AMP = 38;
const BANG = 33;
const BRACKET = 91;
const BRACE = 123;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;
const COMMA = 44;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
