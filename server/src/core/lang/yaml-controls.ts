/**
 * Control references in YAML: every `controls:` value (block or flow list, or a comma-separated
 * string) anywhere in the document. Used for NHI inventories and Markdown front matter.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import { scanReferences, type ControlRef } from '../refs/scan';
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
      for (const item of items) {
        if (!isScalar(item) || !item.range) continue;
        const [s, e] = item.range;
        const src = yamlText.slice(s, e);
        const found = scanReferences(src, { frameworks: config.frameworks, mode: 'list' }).map((x) => shift(x, s + base));
        if (found.length === 0 && src.trim() !== '' && item.value !== null) {
          r.add(controlUnknown.id, base + s, base + e, `'${src.trim()}' is not a control reference of any known framework (e.g. CSF:PR.AA-01, ISO27001:A.5.16, SOC2:CC6.1, NHI7).`, [], {});
        }
        reportControlRefs(found, 0, r);
        refs.push(...found);
      }
      if (v && !isSeq(v) && !isScalar(v) && !isMap(v)) return;
    },
  });
  return { doc, refs };
}

function shift(ref: ControlRef, by: number): ControlRef {
  return { ...ref, start: ref.start + by, end: ref.end + by, bodyStart: ref.bodyStart + by, bodyEnd: ref.bodyEnd + by };
}

export { shift as shiftRef };

function firstLine(s: string): string {
  return s.split('\n')[0];
}
