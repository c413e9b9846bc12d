/**
 * Document symbols (the Outline view, breadcrumbs, Go to Symbol) and folding ranges, for process
 * documents (front matter, headings) and inventories (top-level keys, one symbol per identity).
 * The headings come from the document's analysis (cached per section); the rest are line scans.
 * Names and details never show a secret: what findSecrets detects in them, or on the line they were
 * read from, is masked as the secret-inline finding masks it (`ghp_… (40 chars)`).
 */
import { LineIndex } from '../text';
import { shiftRange } from '../chunks';
import type { Range } from '../types';
import type { Heading } from '../lang/document';
import { findSecrets } from '../rules/secrets/secret-inline';

/**
 * `shown` with every secret masked that findSecrets detects in it, or in `context` (the text it was read
 * from, where a key such as `api_token:` tells a random value is a secret) and `shown` contains.
 */
export function maskSecrets(shown: string, context?: string): string {
  let out = shown;
  if (!out) return out;
  if (context !== undefined && context !== shown) {
    for (const s of findSecrets(context)) {
      const v = context.slice(s.start, s.end);
      if (v && out.includes(v)) out = out.split(v).join(s.masked);
    }
  }
  const own = findSecrets(out);
  for (let k = own.length - 1; k >= 0; k--) out = out.slice(0, own[k].start) + own[k].masked + out.slice(own[k].end);
  return out;
}

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: 'front-matter' | 'section' | 'key' | 'identity';
  range: Range;
  selectionRange: Range;
  children: OutlineSymbol[];
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

function lineRange(lines: LineIndex, from: number, to: number): Range {
  return { start: { line: from, character: 0 }, end: { line: to, character: lines.lineText(to).length } };
}

function lastContentLine(lines: LineIndex, from: number, before: number): number {
  let l = before - 1;
  while (l > from && lines.lineText(l).trim() === '') l--;
  return Math.max(from, l);
}

/** Outline of a Markdown process document: the front matter, then the body's headings nested by level. */
export function markdownOutline(lines: LineIndex, fm: { start: number; end: number } | undefined, headings: readonly Heading[]): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  if (fm) {
    const open = Math.max(0, lines.positionAt(fm.start).line - 1);
    const close = fm.end > fm.start ? lines.positionAt(fm.end).line + 1 : open + 1;
    const keys = yamlOutline(lines, open + 1, close - 1);
    out.push({ name: 'Front matter', kind: 'front-matter', range: lineRange(lines, open, close), selectionRange: lineRange(lines, open, open), children: keys });
  }
  const stack: { level: number; sym: OutlineSymbol }[] = [];
  headings.forEach((h, i) => {
    // A section runs to the line before the next heading of the same or a higher level.
    let endLine = lines.lineCount - 1;
    for (let j = i + 1; j < headings.length; j++) {
      if (headings[j].level <= h.level) {
        endLine = headings[j].line - 1;
        break;
      }
    }
    endLine = lastContentLine(lines, h.line, endLine + 1);
    const sym: OutlineSymbol = {
      name: maskSecrets(h.text, lines.lineText(h.line)) || '(untitled)',
      kind: 'section',
      range: lineRange(lines, h.line, endLine),
      selectionRange: lines.range(h.start, h.end),
      children: [],
    };
    while (stack.length && stack[stack.length - 1].level >= h.level) stack.pop();
    (stack.length ? stack[stack.length - 1].sym.children : out).push(sym);
    stack.push({ level: h.level, sym });
  });
  return out;
}

const ENTRY = /^(\s*)(-\s+)?([A-Za-z_][\w.-]*)\s*:(?:\s+(.*?))?\s*(?:#.*)?$/;
/** The keys an item's symbol is made of, at the item's key column. */
const ITEM_KEY = /(?:id|name|type)\s*:/y;

/**
 * Outline of block YAML lines [first, last]: the top-level keys, and under a key holding a list of
 * mappings one symbol per item named by its `id` (else `name`).
 */
export function yamlOutline(lines: LineIndex, first = 0, last = lines.lineCount - 1): OutlineSymbol[] {
  return keysOutline(lines, topKeys(lines, first, last, []), last, (t, end) => listItems(lines, t.line + 1, end));
}

/**
 * yamlOutline of an inventory cut into identity items (analysis/inventory.ts InventoryItems), without reading every
 * line: the top-level keys are before and after the items (the cut ends the items at a top-level key), the key before
 * them holds them, and each item's symbol is made once per item text, relative to it, and placed at its line (the same
 * object while it does not move). Undefined when the lines between that key and the first item hold a list item, or
 * the items end at a line that is no top-level key (yamlOutline then decides).
 */
export function inventoryOutline(lines: LineIndex, items: { lines: readonly number[]; texts: readonly { readonly text: string }[]; first: number; end: number }): OutlineSymbol[] | undefined {
  const last = lines.lineCount - 1;
  const top = topKeys(lines, 0, items.first - 1, []);
  const holder = top[top.length - 1];
  const before = top.length;
  topKeys(lines, items.end, last, top);
  if (holder && listItems(lines, holder.line + 1, items.first - 1).length) return undefined;
  // (The cut also ends the items at a line it cannot read as one, such as an indented `---`: only a top-level key
  // ends the holder's list as a scan of the lines does.)
  if (items.end <= last && top[before]?.line !== items.end) return undefined;
  return keysOutline(lines, top, last, (t, end) => (t === holder ? placedItems(items) : listItems(lines, t.line + 1, end)));
}

/** The symbol of an item text (relative to its first line; null: it has none), by the item object. */
const itemSymbols = new WeakMap<object, OutlineSymbol | null>();
/** The symbol of an item object where it last was placed. */
const placedSymbols = new WeakMap<object, { line: number; symbol: OutlineSymbol }>();

function placedItems(items: { lines: readonly number[]; texts: readonly { readonly text: string }[] }): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (let k = 0; k < items.texts.length; k++) {
    const item = items.texts[k];
    let rel = itemSymbols.get(item);
    if (rel === undefined) {
      const own = new LineIndex(item.text);
      rel = listItems(own, 0, own.lineCount - 1)[0] ?? null;
      itemSymbols.set(item, rel);
    }
    if (!rel) continue;
    const line = items.lines[k];
    const kept = placedSymbols.get(item);
    if (kept && kept.line === line) {
      out.push(kept.symbol);
      continue;
    }
    const symbol: OutlineSymbol = { ...rel, range: shiftRange(rel.range, line), selectionRange: shiftRange(rel.selectionRange, line), children: [] };
    placedSymbols.set(item, { line, symbol });
    out.push(symbol);
  }
  return out;
}

/** The top-level keys of lines [first, last] (a key starting its line), pushed to `out`. */
function topKeys(lines: LineIndex, first: number, last: number, out: { line: number; key: string; value?: string }[]): { line: number; key: string; value?: string }[] {
  const src = lines.source;
  for (let l = first; l <= last; l++) {
    const c = src.charCodeAt(lines.lineStarts[l]);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) continue; // (a top-level key starts the line: [A-Za-z_])
    const m = ENTRY.exec(lines.lineText(l));
    if (m && m[1] === '' && !m[2]) out.push({ line: l, key: m[3], value: m[4] });
  }
  return out;
}

/** One symbol per top-level key, each running to the line before the next, with the children `childrenOf` gives. */
function keysOutline(lines: LineIndex, top: readonly { line: number; key: string; value?: string }[], last: number, childrenOf: (t: { line: number; key: string }, end: number) => OutlineSymbol[]): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  top.forEach((t, i) => {
    const end = lastContentLine(lines, t.line, i + 1 < top.length ? top[i + 1].line : last + 1);
    const keyStart = lines.lineStarts[t.line] + lines.lineText(t.line).indexOf(t.key);
    const line = lines.lineText(t.line);
    out.push({
      name: maskSecrets(t.key, line),
      detail: t.value && t.value.length <= 60 ? maskSecrets(t.value, line) : undefined,
      kind: 'key',
      range: lineRange(lines, t.line, end),
      selectionRange: lines.range(keyStart, keyStart + t.key.length),
      children: childrenOf(t, end),
    });
  });
  return out;
}

function listItems(lines: LineIndex, first: number, last: number): OutlineSymbol[] {
  const starts: number[] = [];
  let col = -1;
  for (let l = first; l <= last; l++) {
    const t = lines.lineText(l);
    const m = /^(\s*)-(\s+|$)/.exec(t);
    if (!m) continue;
    if (col < 0) col = m[1].length;
    if (m[1].length === col) starts.push(l);
  }
  const items: OutlineSymbol[] = [];
  starts.forEach((s, i) => {
    const end = lastContentLine(lines, s, i + 1 < starts.length ? starts[i + 1] : last + 1);
    let name: string | undefined;
    let detail: string | undefined;
    let nameLine = s;
    let detailLine = s;
    let sel = lineRange(lines, s, s);
    for (let l = s; l <= end; l++) {
      ITEM_KEY.lastIndex = lines.lineStarts[l] + col + 2;
      if (!ITEM_KEY.test(lines.text)) continue; // (only id, name and type lines matter; most lines are others)
      const m = ENTRY.exec(lines.lineText(l));
      if (!m || (m[1].length + (m[2]?.length ?? 0)) !== col + 2 || !m[4]) continue;
      const value = m[4].replace(/^["']|["']$/g, '');
      if (m[3] === 'id' || (m[3] === 'name' && name === undefined)) {
        if (m[3] === 'id' || !name) {
          name = value;
          nameLine = l;
          const at = lines.lineStarts[l] + lines.lineText(l).indexOf(m[4]);
          sel = lines.range(at, at + m[4].length);
        }
      }
      if (m[3] === 'type') {
        detail = value;
        detailLine = l;
      }
    }
    if (name === undefined) return; // a list of scalars: no symbols
    items.push({
      name: maskSecrets(name, lines.lineText(nameLine)),
      detail: detail === undefined ? undefined : maskSecrets(detail, lines.lineText(detailLine)),
      kind: 'identity',
      range: lineRange(lines, s, end),
      selectionRange: sel,
      children: [],
    });
  });
  return items;
}

/** Folding ranges from an outline: every symbol spanning more than one line. */
export function foldingFromOutline(symbols: readonly OutlineSymbol[], out: FoldingRange[] = []): FoldingRange[] {
  for (const s of symbols) {
    if (s.range.end.line > s.range.start.line) out.push({ startLine: s.range.start.line, endLine: s.range.end.line, kind: s.kind === 'front-matter' ? 'region' : undefined });
    foldingFromOutline(s.children, out);
  }
  return out;
}
