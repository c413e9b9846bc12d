/**
 * Review and rotation history: `reviews:` (an identity, the inventory's `defaults:`, a document's front matter) and
 * `rotations:` (an identity). Each is a list whose items are a date (`2026-03-02`) or a mapping with a `date`
 * (`{date: 2026-03-02, by: alice, outcome: no change}`); one date alone is read as a list of one. Entries that are
 * not a date, or dated after today, are problems (reported by nhi-field-invalid and front-matter-invalid) and
 * count for nothing. The latest valid date is what `last_reviewed` / `last_rotated` means when that key is
 * absent; when both are written, the later date of the two is the last review (or rotation).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseCadenceDays, parseDate } from '../dates';
import type { TextEdit } from '../types';
import { scalarText, type MappingEntry, type YamlMapping } from './yaml-mapping';

export const HISTORY_KEYS = { reviews: 'review', rotations: 'rotation' } as const;
export type HistoryKey = keyof typeof HISTORY_KEYS;

/** Keys a history entry mapping may have; others are kept by the author and ignored here. */
export const HISTORY_ENTRY_KEYS = ['date', 'by', 'outcome', 'evidence', 'ticket', 'notes'] as const;

export interface HistoryProblem {
  /** Offsets of the offending item or value (relative to the parsed text; add the mapping's base). */
  start: number;
  end: number;
  message: string;
}

export interface History {
  /** The day the dates were judged against. */
  today: string;
  /** The valid dates (YYYY-MM-DD, not after today), sorted, without duplicates. */
  dates: string[];
  problems: HistoryProblem[];
  /** The latest valid date and the offsets of its item (relative to the parsed text). */
  latest?: { date: string; start: number; end: number };
}

const dateOf = (node: Node | null | undefined): string | undefined => {
  const t = scalarText(node);
  return t !== undefined && parseDate(t) !== undefined ? t.slice(0, 10) : undefined;
};

/** The date text of a value that is neither empty nor a date, for a message. */
const shown = (node: Node | null | undefined): string => scalarText(node) ?? (isMap(node) ? '{...}' : isSeq(node) ? '[...]' : '');

/**
 * Reads a `reviews:` or `rotations:` value (a YAML node of the parsed text). `what` words the messages ("review",
 * "rotation"); `today` (YYYY-MM-DD) bounds the dates.
 */
export function readHistory(value: Node | null | undefined, key: string, today: string): History {
  const out: History = { today, dates: [], problems: [] };
  if (!value || (isScalar(value) && (value.value === null || value.value === ''))) return out;
  const what = key === 'rotations' ? 'rotation' : 'review';
  const items: (Node | null)[] = isSeq(value) ? (value.items as (Node | null)[]) : [value];
  const dates = new Set<string>();
  let latest: History['latest'];
  for (const item of items) {
    const range = item?.range ?? value.range;
    if (!range) continue;
    const [s, e] = [range[0], range[1]];
    let dateNode: Node | null | undefined = item;
    if (isMap(item)) {
      const pair = item.items.find((p) => isScalar(p.key) && String(p.key.value) === 'date');
      if (!pair) {
        out.problems.push({ start: s, end: e, message: `a ${what} entry needs its 'date' (YYYY-MM-DD), e.g. {date: 2026-03-02, by: alice}` });
        continue;
      }
      dateNode = pair.value as Node | null;
    } else if (!isScalar(item)) {
      out.problems.push({ start: s, end: e, message: `a ${what} entry is a date (YYYY-MM-DD) or a mapping {date, by${what === 'review' ? ', outcome' : ''}}` });
      continue;
    }
    const [ds, de] = dateNode?.range ? [dateNode.range[0], dateNode.range[1]] : [s, e];
    const date = dateOf(dateNode);
    if (date === undefined) {
      out.problems.push({ start: ds, end: de, message: `'${shown(dateNode)}' is not a date: write each ${what} as YYYY-MM-DD so it counts as a ${what} on record` });
      continue;
    }
    if (date > today) {
      out.problems.push({ start: ds, end: de, message: `the ${what} dated ${date} is after today (${today}): a ${what} on record has happened; it does not count` });
      continue;
    }
    dates.add(date);
    if (!latest || date >= latest.date) latest = { date, start: ds, end: de };
  }
  out.dates = [...dates].sort();
  if (latest) out.latest = latest;
  return out;
}

/** The valid dates (not after today) of a history as a plain value (an inventory's `defaults:`), sorted. */
export function historyDates(value: unknown, today: string): string[] {
  const items = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  const out = new Set<string>();
  for (const item of items) {
    const raw = item && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Date) ? (item as Record<string, unknown>).date : item;
    const t = raw instanceof Date ? (Number.isNaN(raw.getTime()) ? undefined : raw.toISOString().slice(0, 10)) : typeof raw === 'string' ? raw.trim() : undefined;
    if (t !== undefined && parseDate(t) !== undefined && t.slice(0, 10) <= today) out.add(t.slice(0, 10));
  }
  return [...out].sort();
}

/** The later of two dates (YYYY-MM-DD), either possibly absent. */
export function laterDate(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined ? b : b === undefined ? a : a >= b ? a : b;
}

/** The dates on record: a `last_reviewed` / `last_rotated` date (when it is one, not after today), the own history and the inherited one. */
export function recordedDates(last: string | undefined, own: History | undefined, inherited: readonly string[], today: string): string[] {
  const out = new Set<string>([...(own?.dates ?? []), ...inherited]);
  const t = last?.trim();
  if (t !== undefined && parseDate(t) !== undefined && t.slice(0, 10) <= today) out.add(t.slice(0, 10));
  return [...out].sort();
}

/**
 * The edit recording one more entry dated `date` at the end of a history entry `e` of `m`: a new block item (a
 * `date:` mapping when the last item is a mapping), a flow item before `]`, or a list made of a lone date. Undefined
 * when the value is not one of these (the author's structure is left alone).
 */
export function appendHistoryEdit(m: YamlMapping, e: MappingEntry, date: string, eol: string): TextEdit | undefined {
  const v = e.value;
  const text = m.r.lines.text;
  if (!v || e.valueStart === e.valueEnd) return m.setValueEdit(e, `[${date}]`);
  if (isScalar(v)) {
    // One date written alone becomes a list of two; a block scalar or a multi-line value is left alone.
    const written = text.slice(e.valueStart, e.valueEnd);
    return (v.type === 'PLAIN' || v.type === 'QUOTE_SINGLE' || v.type === 'QUOTE_DOUBLE') && !/[\r\n#]/.test(written) ? m.setValueEdit(e, `[${written}, ${date}]`) : undefined;
  }
  if (!isSeq(v)) return undefined;
  const last = v.items[v.items.length - 1] as Node | undefined;
  const item = last && isMap(last) ? (last.flow ? `{date: ${date}}` : `date: ${date}`) : date;
  if (v.flow) {
    const close = text.lastIndexOf(']', e.valueEnd);
    if (close < e.valueStart) return undefined;
    let p = close;
    while (p > e.valueStart && /\s/.test(text[p - 1])) p--;
    return m.r.edit(p, p, text[p - 1] === '[' ? (last && isMap(last) ? `{date: ${date}}` : date) : `, ${last && isMap(last) ? `{date: ${date}}` : date}`);
  }
  if (!last?.range) return undefined;
  const lines = m.r.lines;
  const itemLine = lines.positionAt(m.base + last.range[0]).line;
  let end = m.base + last.range[1];
  while (end > m.base + last.range[0] && /[\r\n \t]/.test(text[end - 1])) end--;
  const dash = /^(\s*-\s*)/.exec(lines.lineText(itemLine));
  if (!dash) return undefined;
  const at = lines.lineEnd(lines.positionAt(end).line);
  return m.r.edit(at, at, `${eol}${dash[1]}${item}`);
}

/** An item's history as coverage and the period check read it. */
export interface RecordedHistory {
  /** Review dates on record (last_reviewed, reviews, inherited reviews), sorted; none after today. */
  reviews: string[];
  /** Rotation dates on record (last_rotated, rotations), sorted; none after today. */
  rotations: string[];
  /** The review and rotation cadences in days (core/dates.ts), when readable. */
  reviewCadenceDays?: number;
  rotationCadenceDays?: number;
}

/**
 * The history of an identity (`inherited`: the inventory's `defaults:` as plain values) or of a front matter
 * mapping (`lookup` resolves aliases). Rotation is read only when `rotates` (a long-lived secret).
 */
export function recordedHistory(
  lookup: (key: string) => { value: Node | null } | undefined,
  inherited: Readonly<Record<string, unknown>> | undefined,
  today: string,
  rotates: boolean,
): RecordedHistory {
  const text = (k: string) => {
    const e = lookup(k);
    if (e) return scalarText(e.value);
    const v = inherited?.[k];
    return typeof v === 'string' ? v : undefined;
  };
  const reviewsE = lookup('reviews');
  const out: RecordedHistory = {
    reviews: recordedDates(lookup('last_reviewed') ? scalarText(lookup('last_reviewed')!.value) : undefined, reviewsE ? readHistory(reviewsE.value, 'reviews', today) : undefined, historyDates(inherited?.reviews, today), today),
    rotations: [],
  };
  const rc = parseCadenceDays(text('review_cadence'));
  if (rc !== undefined) out.reviewCadenceDays = rc;
  if (rotates) {
    const rotE = lookup('rotations');
    out.rotations = recordedDates(lookup('last_rotated') ? scalarText(lookup('last_rotated')!.value) : undefined, rotE ? readHistory(rotE.value, 'rotations', today) : undefined, [], today);
    const rd = parseCadenceDays(text('rotation'));
    if (rd !== undefined) out.rotationCadenceDays = rd;
  }
  return out;
}
