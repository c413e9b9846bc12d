/** syntax-error: the YAML of an inventory or of a document's front matter cannot be parsed. */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const syntaxError = defineRule({
  id: 'syntax-error',
  description: 'The YAML of an inventory or of a document\'s front matter cannot be parsed.',
  defaultSeverity: 'error',
  scope: 'both',
  fixable: false,
});

export const syntax: RuleUnit = {
  meta: [syntaxError],
  yaml({ errors, base, r }) {
    for (const e of errors) {
      const [s, t] = e.pos;
      r.add(syntaxError.id, base + s, base + Math.max(t, s + 1), `YAML syntax error: ${e.message.split('\n')[0]}`);
    }
  },
};
