/**
 * review-period-gap: over the SOC 2 Type II period (`audit_period` in .isms.yaml), each window of an item's review
 * cadence (and, for a long-lived secret, of its rotation cadence) that has ended without a date in its history.
 * The windows are core/period.ts's, the same the SOC 2 matrix counts (docs/coverage.md); off without a period.
 */
import { todayOf } from '../../dates';
import { recordedHistory } from '../../lang/history';
import { occurrenceWindows, windowText, type OccurrenceWindow } from '../../period';
import type { AuditPeriod } from '../../config';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const reviewPeriodGap = defineRule({
  id: 'review-period-gap',
  description: 'With `audit_period` set: a review (or rotation) cadence window inside the period that ended with no date in `last_reviewed` / `reviews` (`last_rotated` / `rotations`).',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  controls: ['ISO27001:A.5.18', 'ISO27001:A.5.1', 'SOC2:CC6.2'],
});

/** At most this many windows are named in a message; the rest are counted. */
const NAMED = 6;

function missingWindows(period: AuditPeriod, days: number | undefined, dates: readonly string[], today: string): OccurrenceWindow[] {
  return days === undefined ? [] : occurrenceWindows(period, days, dates, today).filter((w) => w.state === 'missing');
}

function listed(ws: readonly OccurrenceWindow[]): string {
  const named = ws.slice(0, NAMED).map((w) => windowText(w) + (w.partial ? ' (partial)' : ''));
  return ws.length > NAMED ? `${named.join(', ')} and ${ws.length - NAMED} more` : named.join(', ');
}

function message(subject: string, what: 'review' | 'rotation', ws: readonly OccurrenceWindow[], period: AuditPeriod, cadence: string): string {
  const n = ws.length;
  return `${subject} has no ${what} on record in ${n} ${n === 1 ? 'window' : 'windows'} of its ${cadence} cadence in the audit period ${windowText(period)}: ${listed(ws)}. A SOC 2 Type II examination samples every occurrence; record each ${what} done (date, by) in '${what === 'review' ? 'reviews' : 'rotations'}', or explain the gap.`;
}

export const periodGap: RuleUnit = {
  meta: [reviewPeriodGap],
  identity(c) {
    const period = c.config.auditPeriod;
    if (!period) return;
    const h = recordedHistory((k) => c.own(k), c.defaults, c.today, c.longLived);
    const data = { ...c.data, period: windowText(period) };
    const reviews = missingWindows(period, h.reviewCadenceDays, h.reviews, c.today);
    if (reviews.length) {
      const e = c.own('reviews') ?? c.own('last_reviewed');
      const [s, t] = e ? [e.keyStart, e.keyEnd] : [c.anchor.start, c.anchor.end];
      c.r.add(reviewPeriodGap.id, s, t, message(c.subject, 'review', reviews, period, c.effText('review_cadence') ?? ''), [], { ...data, activity: 'review', missing: reviews.map(windowText) });
    }
    const rotations = missingWindows(period, h.rotationCadenceDays, h.rotations, c.today);
    if (rotations.length) {
      const e = c.own('rotations') ?? c.own('last_rotated');
      const [s, t] = e ? [e.keyStart, e.keyEnd] : [c.anchor.start, c.anchor.end];
      c.r.add(reviewPeriodGap.id, s, t, message(c.subject, 'rotation', rotations, period, c.effText('rotation') ?? ''), [], { ...data, activity: 'rotation', missing: rotations.map(windowText) });
    }
  },
  document(c) {
    const period = c.config.auditPeriod;
    const fm = c.readable;
    if (!period || !fm || !fm.entries.length) return;
    // A record is not reviewed for content; a draft or retired document is not an operating control.
    const status = c.byKey.get('status');
    const statusText = status?.value && 'value' in status.value ? String((status.value as { value: unknown }).value ?? '').toLowerCase() : '';
    if (c.type === 'record' || statusText === 'draft' || statusText === 'retired') return;
    const today = todayOf(c.config);
    const h = recordedHistory((k) => c.byKey.get(k), undefined, today, false);
    const ws = missingWindows(period, h.reviewCadenceDays, h.reviews, today);
    if (!ws.length) return;
    const e = c.byKey.get('reviews') ?? c.byKey.get('last_reviewed') ?? c.byKey.get('review_cadence');
    const cadence = c.byKey.get('review_cadence');
    const cadenceText = cadence?.value && 'value' in cadence.value ? String((cadence.value as { value: unknown }).value) : '';
    const [s, t] = e ? [e.keyStart, e.keyEnd] : [fm.entries[0].keyStart, fm.entries[0].keyEnd];
    c.r.add(reviewPeriodGap.id, s, t, message(c.type ? `This ${c.type}` : 'This document', 'review', ws, period, cadenceText), [], { period: windowText(period), activity: 'review', missing: ws.map(windowText) });
  },
};
