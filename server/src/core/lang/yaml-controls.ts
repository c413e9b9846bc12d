/**
 * Reads a YAML text (an inventory, a part of one, or a front matter block): parses it (the fast reader
 * for plain block YAML, else the library) and finds every `controls:` value (block or flow list, or a
 * comma-separated string) with the control references of each item. Reports nothing: the rules judge
 * what this returns (analysis/yaml.ts runs them).
 */
import { isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { scanReferences, type ControlRef } from '../refs/scan';
import type { Config } from '../config';
import { fastParseDocument, PARSE_OPTIONS } from './fast-yaml';

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
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || String(pair.key.value).toLowerCase() !== 'controls') return;
      const v = (pair.value as Node | null) ?? null;
      const nodes = isSeq(v) ? v.items : isScalar(v) ? [v] : [];
      const items = nodes.map((item): ControlsItem | undefined => {
        if (!isScalar(item) || !item.range) return undefined;
        const [s, e] = item.range;
        const src = yamlText.slice(s, e);
        return { s, e, src, empty: item.value === null, found: scanReferences(src, { frameworks: config.frameworks, mode: 'list' }, undefined, s + base) };
      });
      lists.push({ value: v, items });
      for (const it of items) if (it) for (const ref of it.found) refs.push(ref);
    },
  });
  return { doc, lists, refs };
}
