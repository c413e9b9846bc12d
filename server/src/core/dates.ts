/**
 * Calendar helpers for the date rules (reviews, rotation, expiry, staleness). Dates are calendar days
 * written YYYY-MM-DD (ISO 8601) and compared as whole days in UTC, so the result never depends on the
 * time zone or the time of day. "Today" comes from `config.today` when set (tests, `isms check --today`).
 */
import type { Config } from './config';

const DAY_MS = 86_400_000;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The day dates are judged against: `config.today`, else the local calendar date of the real clock. */
export function todayOf(config: Pick<Config, 'today'>): string {
  if (config.today && parseDate(config.today) !== undefined) return config.today;
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Days since 1970-01-01 of a date written YYYY-MM-DD (a time part such as `T10:00:00Z` is ignored), or of
 * a JavaScript Date. Undefined for anything else, including impossible dates such as 2026-02-30.
 */
export function parseDate(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : Math.floor(value.getTime() / DAY_MS);
  if (typeof value !== 'string') return undefined;
  // (A workspace has few distinct dates, read again and again: the today of every check, the same review dates.)
  if (parsedDates.has(value)) return parsedDates.get(value);
  const day = readDate(value);
  if (parsedDates.size >= 4096) parsedDates.clear();
  parsedDates.set(value, day);
  return day;
}

const parsedDates = new Map<string, number | undefined>();

function readDate(value: string): number | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[Tt ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return Math.round(t / DAY_MS);
}

/** YYYY-MM-DD of a day number from `parseDate`. */
export function formatDate(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The date `days` after `date` (YYYY-MM-DD); undefined when `date` is not a date. */
export function addDays(date: string, days: number): string | undefined {
  const d = parseDate(date);
  return d === undefined ? undefined : formatDate(d + days);
}

/** Whole days from `from` to `to` (positive when `to` is later); undefined if either is not a date. */
export function daysBetween(from: string, to: string): number | undefined {
  const a = parseDate(from);
  const b = parseDate(to);
  return a === undefined || b === undefined ? undefined : b - a;
}

/** Cadence words and their length in days. A month counts 30 days, a year 365. */
export const CADENCE_WORDS: Record<string, number> = {
  daily: 1,
  weekly: 7,
  fortnightly: 14,
  biweekly: 14,
  monthly: 30,
  bimonthly: 60,
  quarterly: 90,
  semiannual: 180,
  semiannually: 180,
  'semi-annual': 180,
  'semi-annually': 180,
  biannual: 180,
  biannually: 180,
  'half-yearly': 180,
  annual: 365,
  annually: 365,
  yearly: 365,
  biennial: 730,
};

const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };

/**
 * Length in days of a review or rotation cadence: an ISO 8601 duration (`P90D`, `P3M`, `P1Y`, `P2W`,
 * `P1Y6M`, `PT24H`), a word (`daily`, `weekly`, `monthly`, `quarterly`, `semiannual`/`biannual`,
 * `annual`/`yearly` ...) or a phrase (`90 days`, `6 months`, `every 2 weeks`, `1 year`). A month counts
 * 30 days and a year 365, so `quarterly` = `P3M` = 90 days. Undefined when the text is none of these or
 * the length is zero.
 */
export function parseCadenceDays(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // (Every identity and document reads its cadence, and a workspace writes few distinct ones.)
  if (parsedCadences.has(value)) return parsedCadences.get(value);
  const days = readCadence(value);
  if (parsedCadences.size >= 4096) parsedCadences.clear();
  parsedCadences.set(value, days);
  return days;
}

const parsedCadences = new Map<string, number | undefined>();

function readCadence(value: string): number | undefined {
  const s = value.trim().toLowerCase();
  if (!s) return undefined;
  if (s in CADENCE_WORDS) return CADENCE_WORDS[s];
  const iso = /^p(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)?$/.exec(s);
  if (iso && s !== 'p' && s !== 'pt') {
    const [, y, mo, w, d, h, mi, se] = iso.map((x) => (x === undefined ? 0 : +x)) as number[];
    const days = y * 365 + mo * 30 + w * 7 + d + Math.ceil((h * 3600 + mi * 60 + se) / 86400);
    return days > 0 ? days : undefined;
  }
  const phrase = /^(?:every\s+)?(\d+|an?|one)?\s*(day|week|month|year)s?$/.exec(s);
  if (phrase) {
    const n = phrase[1] === undefined || /^(?:an?|one)$/.test(phrase[1]) ? 1 : +phrase[1];
    const days = n * UNIT_DAYS[phrase[2]];
    return days > 0 ? days : undefined;
  }
  return undefined;
}
