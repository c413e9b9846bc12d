/** nhi-stale: `last_used` older than `nhi.staleAfterDays`. */
import { daysBetween, parseDate } from '../../dates';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiStale = defineRule({
  id: 'nhi-stale',
  description: '`last_used` older than `nhi.staleAfterDays` (default 90) (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-05', 'ISO27001:A.5.18'],
});

export const stale: RuleUnit = {
  meta: [nhiStale],
  identity(c) {
    if (c.retired) return; // (revoked or decommissioned: kept as evidence, nothing left to rotate or to go stale)
    const lastUsed = c.effText('last_used');
    if (!lastUsed || parseDate(lastUsed) === undefined) return;
    const idle = daysBetween(lastUsed, c.today)!;
    const max = c.config.nhi.staleAfterDays;
    if (idle > max) {
      c.report(nhiStale, ...c.at('last_used'), `${c.subject} was last used ${idle} days ago (${lastUsed.slice(0, 10)}), more than the ${max} days allowed: disable and offboard it, or record why it is kept`, [], { daysUnused: idle });
    }
  },
};
