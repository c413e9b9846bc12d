/**
 * A parsed YAML block mapping with the document offsets of its keys and values: what the rules read an
 * identity or a front matter through, and the edits their fixes make (insert a key, replace a value).
 * Also the small readers of YAML values as plain text.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Reporter } from '../report';
import type { TextEdit } from '../types';

/** One key of a mapping, offsets in the reporter's document. */
export interface MappingEntry {
  key: string;
  pair: Pair;
  keyStart: number;
  keyEnd: number;
  value: Node | null;
  /** Offsets of the value's own text (trimmed); for an empty value both equal the end of `key:`. */
  valueStart: number;
  valueEnd: number;
  /** An explicit null written as `~` or `null`: empty, but a value that fills it replaces this text. */
  nullToken?: [number, number];
}

/**
 * A parsed YAML block mapping plus where its text sits in the reporter's document. `base` is the
 * document offset of the text `map` was parsed from (0 for a whole file, the front matter start for
 * Markdown).
 */
export class YamlMapping {
  private readonly entries = new Map<string, MappingEntry>();

  constructor(
    readonly map: YAMLMap,
    readonly base: number,
    readonly r: Reporter,
  ) {
    const text = r.lines.text;
    for (const pair of map.items) {
      if (!isScalar(pair.key) || !pair.key.range) continue;
      const key = String(pair.key.value);
      if (this.entries.has(key)) continue;
      const keyStart = base + pair.key.range[0];
      const keyEnd = base + pair.key.range[1];
      const value = (pair.value as Node | null) ?? null;
      let valueStart: number;
      let valueEnd: number;
      if (value && value.range && !(isScalar(value) && value.value === null)) {
        valueStart = base + value.range[0];
        valueEnd = trimEnd(text, base + value.range[1], valueStart);
        // A block mapping or sequence that starts on its key's line (`key: other: value`) is a syntax error the
        // parser recovers by running the value over the next lines, which are the mapping's own keys: the value
        // is the rest of the line only, so a fix that sets it never replaces the keys after it.
        if ((isMap(value) || isSeq(value)) && !value.flow) {
          const eol = lineEnd(text, valueStart);
          if (eol < valueEnd && !/[\r\n]/.test(text.slice(keyEnd, valueStart))) valueEnd = trimEnd(text, eol, valueStart);
        }
      } else {
        let p = keyEnd;
        while (p < text.length && text[p] !== ':' && text[p] !== '\n' && text[p] !== '\r') p++;
        if (text[p] === ':') p++;
        valueStart = valueEnd = p;
      }
      const entry: MappingEntry = { key, pair, keyStart, keyEnd, value, valueStart, valueEnd };
      if (value && value.range && isScalar(value) && value.value === null && value.range[1] > value.range[0]) {
        entry.nullToken = [base + value.range[0], trimEnd(text, base + value.range[1], base + value.range[0])];
      }
      this.entries.set(key, entry);
    }
  }

  get(key: string): MappingEntry | undefined {
    return this.entries.get(key);
  }

  /** The first of `keys` present. */
  find(...keys: string[]): MappingEntry | undefined {
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e) return e;
    }
    return undefined;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Document offsets of the first key and the end of the last value (trimmed). */
  get start(): number {
    return this.base + (this.map.range?.[0] ?? 0);
  }

  get end(): number {
    let end = this.start;
    for (const e of this.entries.values()) end = Math.max(end, e.valueEnd, e.keyEnd);
    return end;
  }

  /** Column of the mapping's keys. */
  get indent(): number {
    const first = this.map.items[0];
    const s = first && isScalar(first.key) && first.key.range ? this.base + first.key.range[0] : this.start;
    return this.r.lines.positionAt(s).character;
  }

  /**
   * An edit inserting `key: value` as a new line after the mapping's last line, at the mapping's
   * indentation, with the document's line break. Comments and blank lines after the mapping stay after.
   */
  insertEdit(key: string, value: string, eol: string): TextEdit {
    if (this.map.flow) return this.insertFlowEdit(key, value);
    const lines = this.r.lines;
    const lastLine = lines.positionAt(this.end).line;
    const line = `${' '.repeat(this.indent)}${key}:${value === '' ? '' : ' ' + value}`;
    if (lastLine + 1 < lines.lineCount) {
      const at = lines.lineStarts[lastLine + 1];
      return this.r.edit(at, at, line + eol);
    }
    const at = lines.lineEnd(lastLine);
    return this.r.edit(at, at, eol + line);
  }

  /** In a flow mapping (`- { id: a }`): `, key: value` before its closing brace (`key: value` in `{}`). */
  private insertFlowEdit(key: string, value: string): TextEdit {
    const text = this.r.lines.text;
    const [s, e] = this.map.range ? [this.base + this.map.range[0], this.base + this.map.range[1]] : [this.start, this.end];
    let close = text.lastIndexOf('}', e);
    if (close < s) close = e;
    let p = close;
    while (p > s && /\s/.test(text[p - 1])) p--;
    const empty = text[p - 1] === '{';
    return this.r.edit(p, p, `${empty ? ' ' : ', '}${key}: ${value === '' ? '""' : value}${empty ? ' ' : ''}`);
  }

  /** An edit replacing the value of `entry` (or filling an empty one, or an explicit `~` / `null`) with `text`. */
  setValueEdit(entry: MappingEntry, text: string): TextEdit {
    if (entry.nullToken) return this.r.edit(entry.nullToken[0], entry.nullToken[1], text);
    if (entry.valueStart === entry.valueEnd) {
      const sep = /[ \t]/.test(this.r.lines.text[entry.valueStart - 1] ?? '') ? '' : ' ';
      return this.r.edit(entry.valueStart, entry.valueEnd, sep + text);
    }
    return this.r.edit(entry.valueStart, entry.valueEnd, text);
  }
}

/** A scalar's value as text (numbers and booleans too); undefined for empty values and collections. */
export function scalarText(node: Node | null | undefined): string | undefined {
  if (!node || !isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const v = node.value;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** A list of scalars (or one scalar) as strings; empty items dropped. */
export function listText(node: Node | null | undefined): string[] {
  if (!node) return [];
  if (isSeq(node)) {
    const out: string[] = [];
    for (const i of node.items) {
      const s = scalarText(i as Node);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  const s = scalarText(node);
  return s === undefined ? [] : [s];
}

/**
 * A YAML value as a plain, JSON-able value: scalar, list of scalars, or a mapping of those (no aliases
 * expanded). Iterative: a value nests as deep as its text says (fast-yaml's guard bounds it, this does not rely on it).
 */
export function plainValue(node: Node | null | undefined): unknown {
  let result: unknown = null;
  // Post-order with an explicit stack: a collection's items are converted first (into `vals`), then the
  // collection is built from them exactly as a recursive conversion would (same assignments, same order).
  type Frame = { node: Node | null | undefined; set: (v: unknown) => void; vals?: unknown[] };
  const work: Frame[] = [{ node, set: (v) => (result = v) }];
  for (let w = work.pop(); w; w = work.pop()) {
    const n = w.node;
    if (w.vals) {
      const vals = w.vals;
      if (isSeq(n)) w.set(vals);
      else {
        const out: Record<string, unknown> = {};
        (n as YAMLMap).items.forEach((p, i) => {
          if (isScalar(p.key)) out[String(p.key.value)] = vals[i];
        });
        w.set(out);
      }
    } else if (!n) w.set(null);
    else if (isScalar(n)) w.set(n.value instanceof Date ? n.value.toISOString().slice(0, 10) : (n.value ?? null));
    else if (isSeq(n) || isMap(n)) {
      const vals: unknown[] = new Array(n.items.length).fill(null);
      work.push({ node: n, set: w.set, vals });
      n.items.forEach((item, i) => {
        if (isSeq(n)) work.push({ node: item as Node, set: (v) => (vals[i] = v) });
        else if (isScalar((item as Pair).key)) work.push({ node: (item as Pair).value as Node, set: (v) => (vals[i] = v) });
      });
    } else w.set(null);
  }
  return result;
}

/** The offset of the end of the line `at` is on (before its line break). */
function lineEnd(text: string, at: number): number {
  const n = text.indexOf('\n', at);
  const end = n < 0 ? text.length : n;
  return text[end - 1] === '\r' ? end - 1 : end;
}

/** `end` moved back over trailing blanks and line breaks, not below `min`. */
export function trimEnd(text: string, end: number, min = 0): number {
  for (let c = text.charCodeAt(end - 1); end > min && (c === 32 || c === 10 || c === 13 || c === 9); c = text.charCodeAt(end - 1)) end--;
  return end;
}

/**
 * A value written in block context (`key: <value>`): plain when YAML reads it back as exactly that string, else
 * double-quoted (a leading indicator such as `@` or `-`, `: `, ` #`, or a trailing blank).
 */
export function yamlValue(s: string): string {
  return /^[\w@.+/ -]*[\w.]$/.test(s) && !/^[-?:,[\]{}#&*!|>'"%@`\s]/.test(s) && !/: | #/.test(s) ? s : JSON.stringify(s);
}
