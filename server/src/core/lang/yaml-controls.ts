/**
 * Reads a YAML text (an inventory, a part of one, or a front matter block): parses it (the fast reader
 * for plain block YAML, else the library) and finds every control list with the control references of
 * each item: a `controls:` or `satisfies:` value (block or flow list, a comma-separated string, or a map of
 * framework -> list as comply writes `satisfies: {TSC: [CC6.1]}`, whose key names the framework of bare
 * numbers). Reports nothing: the rules judge what this returns (analysis/yaml.ts runs them).
 */
import { isCollection, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { scanReferences, type ControlRef } from '../refs/scan';
import type { Config, FrameworkId } from '../config';
import { FRAMEWORKS, frameworkOfName } from '../catalog/frameworks';
import { fastParseDocument, PARSE_OPTIONS } from './fast-yaml';

/** Keys whose values are control lists (at any depth). */
export const CONTROL_LIST_KEYS: ReadonlySet<string> = new Set(['controls', 'satisfies']);

/**
 * The references of one list item `src` (at `at` in the document). A bare ID that only a framework's prefix
 * makes readable (`5.16` under `ISO27002:`) is read with the framework the list's key names.
 */
export function scanListItem(src: string, at: number, frameworks: readonly FrameworkId[], hint?: FrameworkId): ControlRef[] {
  const opts = { frameworks, mode: 'list' as const };
  const found = scanReferences(src, opts, undefined, at);
  if (found.length || !hint || src.includes(':')) return found;
  const prefix = `${FRAMEWORKS[hint].prefix}:`;
  return scanReferences(prefix + src, opts, undefined, at - prefix.length).map((r) =>
    r.start < at ? { ...r, start: at, raw: r.raw.slice(at - r.start) } : r,
  );
}

/** The scalar items of a control list's value, each with the framework its key names (a framework map's key). */
export function listItems(v: Node | null): { item: Node; hint?: FrameworkId }[] {
  if (isSeq(v)) return v.items.map((item) => ({ item: item as Node }));
  if (isScalar(v)) return [{ item: v }];
  if (!isMap(v)) return [];
  const out: { item: Node; hint?: FrameworkId }[] = [];
  for (const p of v.items) {
    const hint = isScalar(p.key) ? frameworkOfName(String((p.key as Scalar).value)) : undefined;
    const val = p.value as Node | null;
    const items = isSeq(val) ? (val.items as Node[]) : isScalar(val) ? [val] : [];
    for (const item of items) out.push(hint ? { item, hint } : { item });
  }
  return out;
}

/** One item of a `controls:` value; offsets relative to the YAML text, references in document offsets. */
export interface ControlsItem {
  s: number;
  e: number;
  src: string;
  /** A null item (`- ` with nothing after it). */
  empty: boolean;
  found: ControlRef[];
}

/** One `controls:` value: its node and its items (undefined for an item that is not a scalar). */
export interface ControlsList {
  /** The key as written (`controls`, `satisfies`). */
  key: string;
  value: Node | null;
  items: (ControlsItem | undefined)[];
}

export interface YamlRead {
  doc: Document.Parsed;
  lists: ControlsList[];
  /** Every reference of every list, in document offsets (base applied), in order. */
  refs: ControlRef[];
}

/** Parses `yamlText`, which starts at offset `base` of the document, and reads its `controls:` values. */
export function readYaml(yamlText: string, base: number, config: Config): YamlRead {
  const doc = fastParseDocument(yamlText) ?? parseDocument(yamlText, PARSE_OPTIONS);
  const lists: ControlsList[] = [];
  const refs: ControlRef[] = [];
  // Every pair at any depth, in document order: what yaml's `visit(doc, { Pair })` reaches, without its
  // frozen path arrays per collection (a walk of the same nodes in the same order).
  const walk = (node: unknown): void => {
    if (isCollection(node)) {
      for (const item of node.items) walk(item);
      return;
    }
    if (!isPair(node)) return;
    const pair = node;
    if (isScalar(pair.key) && CONTROL_LIST_KEYS.has(String(pair.key.value).toLowerCase())) {
      const v = (pair.value as Node | null) ?? null;
      const items = listItems(v).map(({ item, hint }): ControlsItem | undefined => {
        if (!isScalar(item) || !item.range) return undefined;
        const [s, e] = item.range;
        const src = yamlText.slice(s, e);
        return { s, e, src, empty: item.value === null, found: scanListItem(src, s + base, config.frameworks, hint) };
      });
      lists.push({ key: String(pair.key.value), value: v, items });
      for (const it of items) if (it) for (const ref of it.found) refs.push(ref);
    }
    walk(pair.key);
    walk(pair.value);
  };
  walk(doc.contents);
  return { doc, lists, refs };
}
