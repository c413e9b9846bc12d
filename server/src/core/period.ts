/**
 * Cadence occurrences inside a period (a SOC 2 Type II period): the windows in which a review or a rotation of a
 * given cadence must have happened, and which of them the history evidences. Pure; docs/coverage.md defines the
 * windows exactly ("Occurrence windows"), and the SOC 2 matrix (coverage/soc2.ts) and review-period-gap both read
 * them from here.
 *
 * - A cadence that is a whole number of months (30 days per month: monthly, P60D, quarterly, P3M, semiannual) or of
 *   years (365 days: annual, P1Y) steps in calendar months from the period start (quarterly from 2026-01-01:
 *   Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec). Window i starts i steps after the start, on the start's day of the month
 *   (the month's last day when it has no such day: from 01-31, monthly windows start 02-28, 03-31, 04-30 ...), and
 *   ends the day before the next window starts. Any other cadence (weekly, P45D) steps in days.
 * - The last window ends at the period end at the latest. When the period cuts it short (it is shorter than the
 *   cadence, a partial window), a date in the full cadence length that ends on its end day also evidences it:
 *   what matters is that the item is not overdue when the period ends.
 * - A window is `evidenced` when a history date falls in it (for a partial window: in its extended window),
 *   `missing` when none does and it ended before today, and `open` when it has not ended yet (its end is today or
 *   later): nothing is missing until the window is over.
 */
import type { AuditPeriod } from './config';
import { formatDate, parseDate } from './dates';

export type OccurrenceState = 'evidenced' | 'missing' | 'open';

export interface OccurrenceWindow {
  /** First and last day of the window (YYYY-MM-DD, both included). */
  start: string;
  end: string;
  /** The period cut the window short (shorter than the cadence): `from` is where its evidence may start. */
  partial: boolean;
  /** The first day a date evidencing the window may fall on (the window start, earlier for a partial window). */
  from: string;
  state: OccurrenceState;
  /** The history date that evidences it (the latest inside the window). */
  date?: string;
}

/** Calendar months a cadence of `days` steps in (30 days a month, 365 a year), or undefined: it steps in days. */
export function cadenceMonths(days: number): number | undefined {
  if (days >= 365 && days % 365 === 0) return (days / 365) * 12;
  if (days >= 30 && days % 30 === 0) return days / 30;
  return undefined;
}

function ymd(day: number): [number, number, number] {
  const d = new Date(day * 86_400_000);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}

/** The day `months` calendar months after `day`, on the same day of the month, or the month's last day. */
export function addMonths(day: number, months: number): number {
  const [y, m, d] = ymd(day);
  const t = new Date(0);
  t.setUTCFullYear(y, m + months, 1);
  const last = new Date(0);
  last.setUTCFullYear(t.getUTCFullYear(), t.getUTCMonth() + 1, 0);
  t.setUTCDate(Math.min(d, last.getUTCDate()));
  return Math.round(t.getTime() / 86_400_000);
}

/**
 * The occurrence windows of a cadence of `cadenceDays` inside `period`, each judged against the history `dates`
 * (YYYY-MM-DD; others ignored) and `today`. Empty for an unreadable period or a cadence below one day.
 */
export function occurrenceWindows(period: AuditPeriod, cadenceDays: number, dates: readonly string[], today: string): OccurrenceWindow[] {
  const start = parseDate(period.start);
  const end = parseDate(period.end);
  const now = parseDate(today);
  if (start === undefined || end === undefined || now === undefined || end < start || !(cadenceDays >= 1)) return [];
  const days = [...new Set(dates.map((d) => parseDate(d)).filter((d): d is number => d !== undefined))].sort((a, b) => a - b);
  const months = cadenceMonths(cadenceDays);
  const step = (from: number, i: number) => (months ? addMonths(from, i * months) : from + i * cadenceDays);
  const out: OccurrenceWindow[] = [];
  for (let i = 0; ; i++) {
    const s = step(start, i);
    if (s > end) break;
    const natural = step(start, i + 1) - 1;
    const e = Math.min(natural, end);
    const partial = e < natural;
    // A partial window: the full cadence length that ends on its end day.
    const from = partial ? (months ? addMonths(e + 1, -months) : e + 1 - cadenceDays) : s;
    // The latest date <= e (binary search over the sorted days), if it is not before `from`.
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid] <= e) lo = mid + 1;
      else hi = mid;
    }
    const hit = lo > 0 && days[lo - 1] >= from ? days[lo - 1] : undefined;
    const state: OccurrenceState = hit !== undefined ? 'evidenced' : e < now ? 'missing' : 'open';
    out.push({ start: formatDate(s), end: formatDate(e), partial, from: formatDate(from), state, ...(hit !== undefined ? { date: formatDate(hit) } : {}) });
    if (out.length >= 10_000) break; // a daily cadence over decades: bounded
  }
  return out;
}

/** "2026-01-01..2026-03-31": a window (or a period) as written. */
export function windowText(w: { start: string; end: string }): string {
  return `${w.start}..${w.end}`;
}
