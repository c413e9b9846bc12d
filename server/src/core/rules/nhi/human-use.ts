/** nhi-human-use: people use the non-human identity. */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiHumanUse = defineRule({
  id: 'nhi-human-use',
  description: '`human_use: true` (OWASP NHI10).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI10'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
});

export const humanUse: RuleUnit = {
  meta: [nhiHumanUse],
  identity(c) {
    if (c.effBool('human_use') === true) {
      c.report(nhiHumanUse, ...c.at('human_use'), `${c.subject} is also used by people: actions cannot be attributed to a person and the login bypasses MFA and joiner-leaver processes. Give people their own accounts`);
    }
  },
};
