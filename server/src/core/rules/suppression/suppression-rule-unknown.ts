/**
 * suppression-rule-unknown: a suppression names a rule ID that does not exist (a typo suppresses nothing), or
 * a suppression rule, which cannot be suppressed.
 */
import { closest } from '../../lang/document';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { SUPPRESSION_PREFIX } from './context';

export const suppressionRuleUnknown = defineRule({
  id: 'suppression-rule-unknown',
  description: 'A suppression names a rule ID that does not exist (with "did you mean"), or a `suppression-*` rule, which cannot be suppressed.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
});

export const ruleUnknown: RuleUnit = {
  meta: [suppressionRuleUnknown],
  suppressions(c) {
    for (const u of c.uses) {
      for (const r of u.directive.rules) {
        if (r.id.startsWith(SUPPRESSION_PREFIX) && c.known(r.id)) {
          c.add(suppressionRuleUnknown.id, r.range, `'${r.id}' cannot be suppressed: a suppression's own findings are what an auditor reads about it.`, [], { rule: r.id });
          continue;
        }
        if (c.known(r.id)) continue;
        const near = closest(r.id.toLowerCase(), c.ruleIds.filter((x) => !x.startsWith(SUPPRESSION_PREFIX)));
        c.add(
          suppressionRuleUnknown.id,
          r.range,
          `Unknown rule '${r.id}'${near ? ` (did you mean '${near}'?)` : ''}: this suppression covers no finding of it.`,
          near ? [{ title: `Change to '${near}'`, edits: [{ range: r.range, newText: near }], isPreferred: true }] : [],
          { rule: r.id, ...(near ? { suggestion: near } : {}) },
        );
      }
    }
  },
};
