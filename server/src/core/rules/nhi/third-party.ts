/** nhi-third-party: a third-party identity without scoped privilege or without an expiry. */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiThirdParty = defineRule({
  id: 'nhi-third-party',
  description: 'A third-party identity without scoped privilege or without `expires` (OWASP NHI3).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI3'],
  controls: ['CSF:GV.SC-07', 'ISO27001:A.5.19'],
});

export const thirdParty: RuleUnit = {
  meta: [nhiThirdParty],
  identity(c) {
    if (c.effBool('third_party') !== true) return;
    const privilege = c.effText('privilege')?.toLowerCase();
    const problems: string[] = [];
    if (privilege !== 'scoped' && privilege !== 'read-only') problems.push(privilege ? `its privilege is '${privilege}'` : 'no privilege is recorded');
    if (c.effText('expires') === undefined) problems.push('it has no expiry');
    if (problems.length) {
      c.report(nhiThirdParty, ...c.at('third_party'), `${c.subject} is a third-party identity and ${problems.join(' and ')}: access you cannot rotate or revoke yourself must be scoped and time-bound`, [], { problems });
    }
  },
};
