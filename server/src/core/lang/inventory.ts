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
import { LineIndex } from '../text';
import type { Range } from '../types';
import { checkDefaults, checkIdentity, defaultsOf, reportDuplicateIds, type IdentityFacts } from '../rules/nhi';
import { analyzeYaml, shiftRef } from './yaml-controls';

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
const ITEM = /^( *)-(?:[ \t]|$)/;
/** An anchor or alias anywhere: chunks could not resolve it, so such files are parsed whole. */
const ANCHOR_OR_ALIAS = /(?:^|[\s[{,])[&*][A-Za-z0-9_][^\s,[\]{}]*/m;

/**
 * Cuts an inventory into chunks: header, one per identity, trailing. An identity's chunk runs from its
 * `- ` line to the next `- ` line at the same indentation (comments and blank lines in between go with
 * it) or the end of the sequence. Returns one `whole` chunk when the file has no block `identities:`
 * sequence or anything the scanner cannot cut safely.
 */
export function splitInventory(text: string): InventoryChunk[] {
  const whole: InventoryChunk[] = [{ kind: 'whole', start: 0, end: text.length, line: 0 }];
  if (ANCHOR_OR_ALIAS.test(text)) return whole;
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  const n = starts.length;
  const lineText = (i: number) => {
    let e = i + 1 < n ? starts[i + 1] : text.length;
    while (e > starts[i] && (text.charCodeAt(e - 1) === 10 || text.charCodeAt(e - 1) === 13)) e--;
    return text.slice(starts[i], e);
  };
  const blank = (s: string) => /^[ \t]*(?:#.*)?$/.test(s);
  let idLine = -1;
  for (let i = 0; i < n; i++) {
    const t = lineText(i);
    if (IDENTITIES_BLOCK.test(t)) {
      idLine = i;
      break;
    }
    if (IDENTITIES_ANY.test(t)) return whole;
  }
  if (idLine < 0) return whole;
  let j = idLine + 1;
  while (j < n && blank(lineText(j))) j++;
  if (j >= n) return whole;
  const first = ITEM.exec(lineText(j));
  if (!first) return whole;
  const indent = first[1].length;
  const items = [j];
  let endLine = n;
  for (let k = j + 1; k < n; k++) {
    const t = lineText(k);
    if (blank(t)) continue;
    if (/^ *\t/.test(t)) return whole;
    const ind = /^ */.exec(t)![0].length;
    if (ind > indent) continue;
    if (ind === indent && ITEM.test(t)) {
      items.push(k);
      continue;
    }
    endLine = k;
    break;
  }
  const at = (line: number) => (line < n ? starts[line] : text.length);
  const out: InventoryChunk[] = [{ kind: 'header', start: 0, end: starts[j], line: 0 }];
  for (let x = 0; x < items.length; x++) {
    const s = items[x];
    const e = x + 1 < items.length ? items[x + 1] : endLine;
    out.push({ kind: 'item', start: starts[s], end: at(e), line: s });
  }
  if (endLine < n) out.push({ kind: 'trailing', start: starts[endLine], end: text.length, line: endLine });
  return out;
}

interface ChunkResult {
  findings: RawFinding[];
  refs: ControlRef[];
  facts: (IdentityFacts & { start: number; end: number; line: number })[];
}

/** Chunk results by defaults/config key + chunk text. Bounded; least recently used entries go first. */
const cache = new Map<string, ChunkResult>();
export const INVENTORY_CACHE_MAX = 20_000;

export function clearInventoryCache(): void {
  cache.clear();
}

export function inventoryCacheSize(): number {
  return cache.size;
}

export interface InventoryAnalysis {
  refs: ControlRef[];
  identities: IdentitySummary[];
}

export interface InventoryOptions {
  /** Parse and check the file as one document, without chunks or cache (tests compare both). */
  whole?: boolean;
}

/**
 * Runs syntax, control-reference, ownership and nhi-* checks on an inventory and reports into `r`
 * (whose LineIndex is `lines`). Returns the control references and a summary per identity.
 */
export function analyzeInventory(text: string, lines: LineIndex, config: Config, r: Reporter, options: InventoryOptions = {}): InventoryAnalysis {
  const today = todayOf(config);
  const eol = lines.eol;
  const chunks = options.whole ? [{ kind: 'whole' as const, start: 0, end: text.length, line: 0 }] : splitInventory(text);
  const refs: ControlRef[] = [];
  const facts: (IdentityFacts & { start: number; end: number; line: number })[] = [];

  if (chunks[0].kind === 'whole') {
    const { doc, refs: found } = analyzeYaml(text, 0, config, r);
    refs.push(...found);
    const { defaults, items, defaultsNode } = partsOf(doc);
    if (defaultsNode) checkDefaults(defaultsNode, 0, r);
    for (const item of items) {
      if (!isMap(item) || !item.range) continue;
      const f = checkIdentity({ map: item, base: 0, defaults, config, today, eol }, r);
      facts.push({ ...f, ...spanOf(item, text, 0, lines) });
    }
  } else {
    let defaults: Record<string, unknown> = {};
    for (const chunk of chunks) {
      if (chunk.kind === 'item') continue;
      const { doc, refs: found } = analyzeYaml(text.slice(chunk.start, chunk.end), chunk.start, config, r);
      refs.push(...found);
      if (chunk.kind === 'header') {
        const parts = partsOf(doc);
        defaults = parts.defaults;
        if (parts.defaultsNode) checkDefaults(parts.defaultsNode, chunk.start, r);
      }
    }
    const ctxKey = JSON.stringify([defaults, config.frameworks, config.nhi, today, eol]);
    for (const chunk of chunks) {
      if (chunk.kind !== 'item') continue;
      const chunkText = text.slice(chunk.start, chunk.end);
      const key = ctxKey + '\u0000' + chunkText;
      let res = cache.get(key);
      if (res) {
        cache.delete(key);
        cache.set(key, res);
      } else {
        res = checkChunk(chunkText, defaults, config, today, eol);
        cache.set(key, res);
        if (cache.size > INVENTORY_CACHE_MAX) cache.delete(cache.keys().next().value!);
      }
      const dl = chunk.line;
      for (const f of res.findings) {
        r.findings.push({
          ...f,
          range: shiftRange(f.range, dl),
          fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: shiftRange(e.range, dl) })) })),
        });
      }
      for (const ref of res.refs) refs.push(shiftRef(ref, chunk.start));
      for (const f of res.facts) {
        facts.push({
          ...f,
          start: f.start + chunk.start,
          end: f.end + chunk.start,
          line: f.line + dl,
          ...(f.idStart !== undefined ? { idStart: f.idStart + chunk.start, idEnd: f.idEnd! + chunk.start } : {}),
        });
      }
    }
  }

  reportDuplicateIds(facts.map((f) => ({ id: f.id, start: f.idStart, end: f.idEnd, line: f.line })), r);
  const identities: IdentitySummary[] = facts.map((f) => ({
    ...(f.id !== undefined ? { id: f.id, idRange: lines.range(f.idStart!, f.idEnd!) } : {}),
    range: lines.range(f.start, f.end),
    ...(f.name !== undefined ? { name: f.name } : {}),
    ...(f.type !== undefined ? { type: f.type } : {}),
    owners: f.owners,
    consumers: f.consumers,
    controls: f.controls,
  }));
  return { refs, identities };
}

/** Parses one identity chunk and checks it; ranges relative to the chunk. */
function checkChunk(chunkText: string, defaults: Record<string, unknown>, config: Config, today: string, eol: string): ChunkResult {
  const lines = new LineIndex(chunkText);
  const r = new Reporter(lines);
  const { doc, refs } = analyzeYaml(chunkText, 0, config, r);
  const facts: ChunkResult['facts'] = [];
  const items = isSeq(doc.contents) ? doc.contents.items : [];
  for (const item of items) {
    if (!isMap(item) || !item.range) continue;
    const f = checkIdentity({ map: item, base: 0, defaults, config, today, eol }, r);
    facts.push({ ...f, ...spanOf(item, chunkText, 0, lines) });
  }
  return { findings: r.findings, refs, facts };
}

function spanOf(item: YAMLMap, text: string, base: number, lines: LineIndex): { start: number; end: number; line: number } {
  const start = base + item.range![0];
  let end = base + item.range![1];
  while (end > start && /[\s]/.test(text[end - 1])) end--;
  return { start, end, line: lines.positionAt(start).line };
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

function shiftRange(r: Range, lines: number): Range {
  return lines === 0 ? r : { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
}
