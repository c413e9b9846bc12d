/**
 * suppression-unjustified: a suppression without a reason, with a placeholder for one (the quick fix inserts
 * "TODO: ..."), or with an expiry that is no date. The finding stays suppressed: this rule says why an
 * auditor cannot accept it as it is.
 */
import { isPlaceholderReason } from '../../lang/words';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { rulesNamed } from './context';

export const suppressionUnjustified = defineRule({
  id: 'suppression-unjustified',
  description: 'A suppression (`isms-disable…`) gives no reason, a placeholder (TODO, "n/a") instead of one, or an expiry that is not a `YYYY-MM-DD` date.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  controls: ['ISO27001:6.1.3', 'ISO27001:7.5.2'],
});

export const unjustified: RuleUnit = {
  meta: [suppressionUnjustified],
  suppressions(c) {
    for (const u of c.uses) {
      const d = u.directive;
      if (u.badExpiry) {
        c.add(
          suppressionUnjustified.id,
          d.expiresRange ?? d.range,
          `The expiry '${d.expires}' of this suppression is not a date written YYYY-MM-DD: an auditor cannot tell when the acceptance of ${rulesNamed(d)} ends.`,
          [],
          { expires: d.expires },
        );
      }
      if (!d.reason) {
        c.add(
          suppressionUnjustified.id,
          d.range,
          `This suppression of ${rulesNamed(d)} gives no reason: an accepted risk needs a reason an auditor can read. Write one after '--'${d.form === 'file' ? " (or as 'reason:')" : ''}.`,
        );
      } else if (isPlaceholderReason(d.reason)) {
        c.add(
          suppressionUnjustified.id,
          d.reasonRange ?? d.range,
          `'${d.reason}' is a placeholder, not a reason: say why ${rulesNamed(d)} is accepted here, in words an auditor can check.`,
          [],
          { reason: d.reason },
        );
      }
    }
  },
};
