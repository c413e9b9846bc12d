/** nhi-reuse: one identity used by more than one consumer. */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiReuse = defineRule({
  id: 'nhi-reuse',
  description: 'More than one consumer in `used_by` (OWASP NHI9).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI9'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
});

export const reuse: RuleUnit = {
  meta: [nhiReuse],
  identity(c) {
    const consumers = c.effList('used_by');
    if (consumers.length > 1) {
      c.report(nhiReuse, ...c.at('used_by'), `${c.subject} is used by ${consumers.length} consumers (${consumers.join(', ')}): activity cannot be attributed and one compromise reaches all. Give each consumer its own identity`, [], { consumers });
    }
  },
};
