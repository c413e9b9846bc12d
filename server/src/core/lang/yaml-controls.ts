/**
 * Control references in YAML: every `controls:` value (block or flow list, or a comma-separated
 * string) anywhere in the document. Used for NHI inventories and Markdown front matter.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Scalar, type YAMLSeq } from 'yaml';
import { refIds, scanReferences, type ControlRef } from '../refs/scan';
import type { Config } from '../config';
import type { Reporter } from '../report';
import { controlUnknown, reportControlRefs } from '../rules/controls';
import { defineRule } from '../rules/registry';
import { fastParseDocument, PARSE_OPTIONS } from './fast-yaml';

export const syntaxError = defineRule({
  id: 'syntax-error',
  description: 'The YAML (an inventory or a front matter block) cannot be parsed.',
  defaultSeverity: 'error',
  scope: 'both',
  fixable: false,
});

export interface YamlAnalysis {
  doc: Document.Parsed;
  /** References with offsets relative to the whole document (base applied). */
  refs: ControlRef[];
}

/**
 * Parses `yamlText` (which starts at offset `base` of the document) and reports syntax errors and references.
 * The fast reader takes the plain block YAML of most inventory chunks; the library parses the rest.
 */
export function analyzeYaml(yamlText: string, base: number, config: Config, r: Reporter): YamlAnalysis {
  const doc = fastParseDocument(yamlText) ?? parseDocument(yamlText, PARSE_OPTIONS);
  for (const e of doc.errors) {
    const [s, t] = e.pos;
    r.add(syntaxError.id, base + s, base + Math.max(t, s + 1), `YAML syntax error: ${firstLine(e.message)}`);
  }
  const refs: ControlRef[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || String(pair.key.value).toLowerCase() !== 'controls') return;
      const v = pair.value;
      const items = isSeq(v) ? v.items : isScalar(v) ? [v] : [];
      const perItem = items.map((item) => {
        if (!isScalar(item) || !item.range) return undefined;
        const [s, e] = item.range;
        const src = yamlText.slice(s, e);
        return { s, e, src, empty: item.value === null, found: scanReferences(src, { frameworks: config.frameworks, mode: 'list' }, undefined, s + base) };
      });
      // What the list already names (a legacy item's fix removes it rather than list its successor twice).
      const listed = new Set<string>();
      for (const it of perItem) for (const ref of it?.found ?? []) if (ref.status === 'ok') for (const id of refIds(ref)) listed.add(`${ref.framework}:${id}`);
      const coming = new Map<string, string>();
      perItem.forEach((it, i) => {
        if (!it) return;
        const { s, e, src, found } = it;
        if (found.length === 0 && src.trim() !== '' && !it.empty) {
          r.add(controlUnknown.id, base + s, base + e, `'${src.trim()}' is not a control reference of any known framework (e.g. CSF:PR.AA-01, ISO27001:A.5.16, SOC2:CC6.1, NHI7).`, [], {});
        }
        const removal = isSeq(v) && found.length === 1 && found[0].status === 'legacy' ? itemRemoval(yamlText, v, i) : undefined;
        reportControlRefs(found, 0, r, removal && { listed, coming, start: base + removal[0], end: base + removal[1] });
        // A legacy item with one successor: its fix lists it, so a later item with the same one is removed.
        const only = found.length === 1 && found[0].status === 'legacy' && found[0].legacy!.successors.length === 1 ? `${found[0].framework}:${found[0].legacy!.successors[0]}` : undefined;
        if (only && !listed.has(only) && !coming.has(only)) coming.set(only, found[0].raw);
        refs.push(...found);
      });
      if (v && !isSeq(v) && !isScalar(v) && !isMap(v)) return;
    },
  });
  return { doc, refs };
}

/**
 * The text that removing item `i` of a list takes out: in a flow list the item and the comma after it (the
 * comma before it for the last); in a block list its whole line, when the line holds nothing else. Undefined
 * when neither applies (the fix then replaces the ID).
 */
function itemRemoval(text: string, seq: YAMLSeq, i: number): [number, number] | undefined {
  const range = (k: number) => seq.items[k] && isScalar(seq.items[k]) ? (seq.items[k] as Scalar).range : undefined;
  const own = range(i);
  if (!own) return undefined;
  if (seq.flow) {
    const next = range(i + 1);
    if (next) return [own[0], next[0]];
    const prev = range(i - 1);
    return prev ? [prev[1], own[1]] : undefined;
  }
  const lineStart = text.lastIndexOf('\n', own[0] - 1) + 1;
  if (!/^[ \t]*-[ \t]+$/.test(text.slice(lineStart, own[0]))) return undefined;
  const nl = text.indexOf('\n', own[1]);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  if (!/^[ \t]*(?:#.*)?\r?$/.test(text.slice(own[1], nl < 0 ? text.length : nl))) return undefined;
  return [lineStart, lineEnd];
}

function shift(ref: ControlRef, by: number): ControlRef {
  return { ...ref, start: ref.start + by, end: ref.end + by, bodyStart: ref.bodyStart + by, bodyEnd: ref.bodyEnd + by };
}

export { shift as shiftRef };

function firstLine(s: string): string {
  return s.split('\n')[0];
}
