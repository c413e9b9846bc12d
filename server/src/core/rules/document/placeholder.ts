/**
 * placeholder: TODO, TBD, TBC, FIXME, XXX, `<insert ...>` or a template field such as `[owner]` left in the
 * prose of a section, in a front matter value ("owner: TODO" inserted by a quick fix and never filled in), or in
 * any value of an inventory's identities and `defaults:`; a value that is nothing but `...` or `<fill me>` too.
 * Such a value also counts as missing for the rules that read it (lang/words.ts isPlaceholderValue).
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { isPlaceholderValue, PLACEHOLDER_MARKUP, PLACEHOLDER_WORDS } from '../../lang/words';
import type { Reporter } from '../../report';
import { trimEnd } from '../../lang/yaml-mapping';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

const DOC_CONTROL = ['ISO27001:7.5.3'];

export const placeholder = defineRule({
  id: 'placeholder',
  description: 'TODO, TBD, TBC, FIXME, XXX, `<insert ...>`, `<fill me>`, `...` or a template field such as `[owner]` left in the prose, a front matter value or an inventory value.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  controls: DOC_CONTROL,
});

export const PLACEHOLDER_MESSAGE = (s: string) => `'${s}' is placeholder text: an auditor reads an unfinished document as a control that is not yet operating.`;

const VALUE_MESSAGE = (s: string, key: string) => `'${s}' in '${key}' is placeholder text: an auditor reads it as a field nobody filled in.`;

/**
 * Reports the placeholders in the string scalars of a YAML value (items of lists and values of mappings, at any
 * depth; keys are not values): marker words and template markup inside the text, or a whole value that is a
 * placeholder (`...`, `<fill me>`). `base` is the document offset of the text the node was parsed from.
 */
/** Some text PLACEHOLDER_WORDS, PLACEHOLDER_MARKUP or isPlaceholderValue can match contains one of these. */
const MAYBE_PLACEHOLDER = /TODO|TBD|TBC|FIXME|XXX|[<[\u2026]|\.\.\./;

function scanValue(root: Node | null, key: string, base: number, r: Reporter): void {
  const text = r.lines.text;
  const stack: (Node | null)[] = [root];
  let steps = 0;
  while (stack.length && steps++ < 10_000) {
    const n = stack.pop();
    if (!n) continue;
    if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i] as Node | null);
      continue;
    }
    if (isMap(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i].value as Node | null);
      continue;
    }
    if (!isScalar(n) || typeof n.value !== 'string' || !n.range) continue;
    const s0 = base + n.range[0];
    const e0 = trimEnd(text, base + n.range[1], s0);
    // (Most values have none of what the patterns below start with: one scan says so. A value written as it reads, a
    // plain scalar on one line, is its own source: then neither the copy of the source nor a second scan is needed.)
    const v = n.value;
    const same = e0 - s0 === v.length && text.startsWith(v, s0);
    if (!MAYBE_PLACEHOLDER.test(v) && (same || !MAYBE_PLACEHOLDER.test(text.slice(s0, e0)))) continue;
    const src = same ? v : text.slice(s0, e0);
    const marks = [...src.matchAll(PLACEHOLDER_WORDS), ...src.matchAll(PLACEHOLDER_MARKUP)].sort((a, b) => a.index! - b.index!);
    for (const m of marks) r.add(placeholder.id, s0 + m.index!, s0 + m.index! + m[0].length, VALUE_MESSAGE(m[0], key));
    if (!marks.length && isPlaceholderValue(n.value)) r.add(placeholder.id, s0, s0 + src.length, VALUE_MESSAGE(n.value.trim(), key));
  }
}

/** Every value of a mapping (identity, `defaults:`), each under its key's name. */
function scanMapping(map: YAMLMap, base: number, r: Reporter): void {
  for (const p of map.items) {
    if (!isScalar(p.key)) continue;
    scanValue(p.value as Node | null, String(p.key.value), base, r);
  }
}

export const placeholders: RuleUnit = {
  meta: [placeholder],
  section(c) {
    for (const seg of c.syntax.segments) {
      const marks = [...seg.text.matchAll(PLACEHOLDER_WORDS), ...seg.text.matchAll(PLACEHOLDER_MARKUP)].sort((a, b) => a.index! - b.index!);
      for (const m of marks) {
        const s = seg.start + m.index!;
        c.r.add(placeholder.id, s, s + m[0].length, PLACEHOLDER_MESSAGE(m[0]));
      }
    }
  },
  document(c) {
    const front = c.readable;
    if (!front) return;
    for (const e of front.entries) {
      const v = e.value;
      // (A list's items and a single value; the front matter's nested mappings are another tool's.)
      const items = v && isSeq(v) ? v.items : v ? [v] : [];
      for (const item of items) if (isScalar(item)) scanValue(item as Node, e.key, front.start, c.r);
    }
  },
  identity(c) {
    scanMapping(c.map, c.base, c.r);
  },
  defaults(c) {
    scanMapping(c.m.map, c.m.base, c.r);
  },
};
