/** nhi-offboarding-missing: nothing says how the identity's access ends. */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiOffboardingMissing = defineRule({
  id: 'nhi-offboarding-missing',
  description: 'No `offboarding` runbook or steps (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.18', 'ISO27001:A.5.16'],
});

export const offboardingMissing: RuleUnit = {
  meta: [nhiOffboardingMissing],
  identity(c) {
    if (c.effText('offboarding') !== undefined) return;
    c.report(nhiOffboardingMissing, ...c.at('offboarding'), `${c.subject} has no offboarding: nothing says how its access ends when the workload is retired or the owner leaves`, [c.insertFix('offboarding', 'TODO')]);
  },
};
