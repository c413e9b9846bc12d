/**
 * Small helpers over the `yaml` library's nodes for the discovery readers: a mapping's value by key, a
 * scalar's text, a node's source offsets. Nothing here expands aliases or throws on odd shapes.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';

export function pairOf(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  for (const p of (map as YAMLMap).items) if (isPair(p) && isScalar(p.key) && String(p.key.value) === key) return p as Pair;
  return undefined;
}

export function get(map: unknown, key: string): Node | undefined {
  const p = pairOf(map, key);
  return (p?.value ?? undefined) as Node | undefined;
}

/** The text of a scalar (strings, numbers, booleans as written), else undefined. */
export function text(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function path(map: unknown, ...keys: string[]): Node | undefined {
  let n: unknown = map;
  for (const k of keys) {
    n = get(n, k);
    if (n === undefined) return undefined;
  }
  return n as Node;
}

/** [start, end) of a node's value in the source, when the parser recorded it. */
export function span(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** The items of a sequence (empty for anything else). */
export function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/** The keys of a mapping that are scalars, with their pairs. */
export function entries(node: unknown): { key: string; pair: Pair }[] {
  if (!isMap(node)) return [];
  const out: { key: string; pair: Pair }[] = [];
  for (const p of (node as YAMLMap).items) if (isPair(p) && isScalar(p.key)) out.push({ key: String(p.key.value), pair: p as Pair });
  return out;
}
