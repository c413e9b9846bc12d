/**
 * placeholder: TODO, TBD, TBC, FIXME, XXX, `<insert ...>` or a template field such as `[owner]` left in the
 * prose of a section, or in a front matter value ("owner: TODO" inserted by a quick fix and never filled in).
 */
import { isScalar, isSeq } from 'yaml';
import { PLACEHOLDER_MARKUP, PLACEHOLDER_WORDS } from '../../lang/words';
import { trimEnd } from '../../lang/yaml-mapping';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

const DOC_CONTROL = ['ISO27001:7.5.3'];

export const placeholder = defineRule({
  id: 'placeholder',
  description: 'TODO, TBD, TBC, FIXME, XXX, `<insert ...>` or a template field such as `[owner]` left in the prose.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: false,
  controls: DOC_CONTROL,
});

export const PLACEHOLDER_MESSAGE = (s: string) => `'${s}' is placeholder text: an auditor reads an unfinished document as a control that is not yet operating.`;

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
    const { text, r } = c;
    const front = c.front;
    if (front && !front.broken) {
      for (const e of front.entries) {
        const v = e.value;
        const items = v && isSeq(v) ? v.items : v ? [v] : [];
        for (const item of items) {
          if (!isScalar(item) || typeof item.value !== 'string' || !item.range) continue;
          const s0 = front.start + item.range[0];
          const src = text.slice(s0, trimEnd(text, front.start + item.range[1]));
          for (const m of [...src.matchAll(PLACEHOLDER_WORDS), ...src.matchAll(PLACEHOLDER_MARKUP)]) {
            r.add(placeholder.id, s0 + m.index!, s0 + m.index! + m[0].length, `'${m[0]}' in '${e.key}' is placeholder text: an auditor reads it as a field nobody filled in.`);
          }
        }
      }
    }
  },
};
