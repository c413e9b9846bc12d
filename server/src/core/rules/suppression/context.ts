/** What the suppression rules share: how a directive is named in their messages. */
import type { SuppressionDirective } from '../../lang/suppressions';

/** The prefix of every suppression rule: these rules cannot be suppressed themselves. */
export const SUPPRESSION_PREFIX = 'suppression-';

/** "'a', 'b'" or "every rule". */
export function rulesNamed(d: SuppressionDirective): string {
  return d.rules.length ? d.rules.map((r) => `'${r.id}'`).join(', ') : 'every rule';
}

/** How many findings, in words. */
export function findingsWord(n: number): string {
  return `${n} finding${n === 1 ? '' : 's'}`;
}
