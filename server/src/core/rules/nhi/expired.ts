/** nhi-expired: the credential's `expires` date has passed. */
import { daysBetween, parseDate } from '../../dates';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiExpired = defineRule({
  id: 'nhi-expired',
  description: 'The `expires` date has passed (OWASP NHI7).',
  defaultSeverity: 'error',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI7'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
});

export const expired: RuleUnit = {
  meta: [nhiExpired],
  identity(c) {
    const expires = c.effText('expires');
    if (!expires || parseDate(expires) === undefined) return;
    const ago = daysBetween(expires, c.today)!;
    if (ago > 0) {
      c.report(nhiExpired, ...c.at('expires'), `${c.subject} expired ${ago} ${ago === 1 ? 'day' : 'days'} ago (${expires.slice(0, 10)}): either it was renewed and the inventory is out of date, or it should be offboarded`, [], { daysExpired: ago });
    }
  },
};
