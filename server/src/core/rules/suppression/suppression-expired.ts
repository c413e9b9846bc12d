/**
 * suppression-expired: a suppression whose expiry has passed. From the day after it, the findings it covered
 * are reported again, and this finding says why: an accepted risk that nobody re-approves is not accepted.
 */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { findingsWord, rulesNamed } from './context';

export const suppressionExpired = defineRule({
  id: 'suppression-expired',
  description: 'A suppression expired (`(expires YYYY-MM-DD)` or `until:` before today): the findings it covered are reported again.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  controls: ['ISO27001:6.1.3', 'ISO27001:8.3'],
});

export const expired: RuleUnit = {
  meta: [suppressionExpired],
  suppressions(c) {
    for (const u of c.uses) {
      if (!u.expired) continue;
      const d = u.directive;
      const back = u.lapsed ? `${findingsWord(u.lapsed)} ${u.lapsed === 1 ? 'is' : 'are'} reported again` : 'it covers no finding any more';
      c.add(
        suppressionExpired.id,
        d.expiresRange ?? d.range,
        `This suppression of ${rulesNamed(d)} expired on ${d.expires} (${back}): fix the finding, or have the risk accepted again with a new date.`,
        [],
        { expires: d.expires, reported: u.lapsed },
      );
    }
  },
};
