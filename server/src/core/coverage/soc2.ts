/**
 * The SOC 2 criteria matrix: the 61 criteria of the 2017 Trust Services Criteria, each with its state and evidence
 * from the evidence model (coverage/model.ts), and, for a Type II period, every cadence occurrence of that evidence
 * inside the period (core/period.ts): which the review and rotation history evidences, which are missing. Plain
 * data, so the CLI writes it as Markdown, CSV or JSON and an HTML renderer can draw it; docs/coverage.md defines
 * the windows and the columns.
 */
import type { AuditPeriod, Config } from '../config';
import { occurrenceWindows, windowText, type OccurrenceWindow } from '../period';
import type { EvidenceSource } from './evidence';
import { coverage, type CoverageState, type EvidenceItem, type GroupCoverage, type Mention, type Summary } from './model';
import type { Table } from './soa';

export type Activity = 'review' | 'rotation';

/** One cadence of one evidence item (its reviews, or its rotations) over the period. */
export interface CadenceOccurrences {
  activity: Activity;
  cadenceDays: number;
  /** Every window of the period, in order. */
  windows: OccurrenceWindow[];
  evidenced: number;
  missing: number;
  /** Windows that have not ended by today (nothing is missing in them yet). */
  open: number;
}

/** An evidence item of a criterion, with its occurrences in the period (Type II). */
export interface Soc2Evidence extends EvidenceItem {
  /** One per cadence the item has (review, and rotation for a long-lived secret); empty for Type I or without a cadence. */
  occurrences: CadenceOccurrences[];
}

/** A window of a cadence that ended without an entry in the history. */
export interface MissingOccurrence {
  criterion: string;
  /** The evidence item: its name, file and 0-based line, and how it reaches the criterion. */
  name: string;
  uri: string;
  line: number;
  via: 'listed' | 'crosswalk';
  activity: Activity;
  cadenceDays: number;
  start: string;
  end: string;
  partial: boolean;
}

export interface Soc2Criterion {
  id: string;
  title: string;
  /** The series (CC1 ... CC9, A1, C1, PI1, P1 ... P8). */
  series: string;
  state: CoverageState;
  crosswalkOnly: boolean;
  evidence: Soc2Evidence[];
  mentions: Mention[];
  /** Occurrence counts over the criterion's evidence (Type II): windows evidenced, missing, not ended yet. */
  occurrences: { evidenced: number; missing: number; open: number };
  missing: MissingOccurrence[];
}

export interface Soc2Matrix {
  /** `II` with a period (occurrences counted), `I` without one (the state as of today only). */
  type: 'I' | 'II';
  today: string;
  period?: AuditPeriod;
  summary: Summary & { missingOccurrences: number; criteriaWithMissing: number };
  series: GroupCoverage[];
  criteria: Soc2Criterion[];
  /** Configuration that could not be applied. */
  problems: string[];
}

const key = (uri: string, line: number) => `${uri}#${line}`;

/**
 * The matrix over `period` (Type II), or without one (Type I), from the evidence of every file. `today` bounds
 * what can be missing: only windows that ended before it.
 */
export function soc2Matrix(sources: readonly EvidenceSource[], config: Config, today: string, period?: AuditPeriod): Soc2Matrix {
  const report = coverage(sources, config, ['soc2']);
  const fw = report.frameworks[0];
  const bySource = new Map<string, EvidenceSource>();
  for (const s of sources) if (!bySource.has(key(s.uri, s.line))) bySource.set(key(s.uri, s.line), s);
  // Windows depend only on the source: computed once per source and activity.
  const memo = new Map<string, CadenceOccurrences[]>();
  const occurrencesOf = (e: EvidenceItem): CadenceOccurrences[] => {
    if (!period) return [];
    const k = key(e.uri, e.line);
    let out = memo.get(k);
    if (out) return out;
    out = [];
    const s = bySource.get(k);
    const add = (activity: Activity, days: number | undefined, dates: readonly string[] | undefined) => {
      if (days === undefined) return;
      const windows = occurrenceWindows(period, days, dates ?? [], today);
      const count = (st: OccurrenceWindow['state']) => windows.filter((w) => w.state === st).length;
      out!.push({ activity, cadenceDays: days, windows, evidenced: count('evidenced'), missing: count('missing'), open: count('open') });
    };
    if (s) {
      add('review', s.reviewCadenceDays, s.reviews);
      add('rotation', s.rotationCadenceDays, s.rotations);
    }
    memo.set(k, out);
    return out;
  };
  let missingTotal = 0;
  let criteriaWithMissing = 0;
  const criteria: Soc2Criterion[] = fw.controls.map((c) => {
    const evidence: Soc2Evidence[] = c.evidence.map((e) => ({ ...e, occurrences: occurrencesOf(e) }));
    const missing: MissingOccurrence[] = [];
    const occurrences = { evidenced: 0, missing: 0, open: 0 };
    for (const e of evidence) {
      for (const o of e.occurrences) {
        occurrences.evidenced += o.evidenced;
        occurrences.missing += o.missing;
        occurrences.open += o.open;
        for (const w of o.windows) {
          if (w.state !== 'missing') continue;
          missing.push({ criterion: c.id, name: e.name, uri: e.uri, line: e.line, via: e.via, activity: o.activity, cadenceDays: o.cadenceDays, start: w.start, end: w.end, partial: w.partial });
        }
      }
    }
    missingTotal += missing.length;
    if (missing.length) criteriaWithMissing++;
    return { id: c.id, title: c.title, series: c.group, state: c.state, crosswalkOnly: c.crosswalkOnly, evidence, mentions: c.mentions, occurrences, missing };
  });
  return {
    type: period ? 'II' : 'I',
    today,
    ...(period ? { period } : {}),
    summary: { ...fw.summary, missingOccurrences: missingTotal, criteriaWithMissing },
    series: fw.groups,
    criteria,
    problems: report.problems,
  };
}

const at = (x: { uri: string; line: number }) => `${x.uri}:${x.line + 1}`;

/** "quarterly review", "P45D rotation": a cadence in words. */
export function cadenceWords(days: number, activity: Activity): string {
  const words: Record<number, string> = { 1: 'daily', 7: 'weekly', 14: 'fortnightly', 30: 'monthly', 60: 'bimonthly', 90: 'quarterly', 180: 'semiannual', 365: 'annual' };
  return `${words[days] ?? `P${days}D`} ${activity}`;
}

function stateWords(c: Soc2Criterion): string {
  return c.state + (c.crosswalkOnly ? ' (crosswalk)' : '');
}

/** The title and the sentence under it: the type, the period and the day it was judged. */
export function soc2Heading(m: Soc2Matrix): { title: string; note: string } {
  const counts = `${m.summary.evidenced} of ${m.summary.total} criteria evidenced, ${m.summary.stale} stale, ${m.summary.mentioned} mentioned, ${m.summary.gap} gaps`;
  return m.type === 'II'
    ? {
        title: `SOC 2 criteria matrix, Type II period ${windowText(m.period!)}`,
        note: `As of ${m.today}: ${counts}; ${m.summary.missingOccurrences} missing ${m.summary.missingOccurrences === 1 ? 'occurrence' : 'occurrences'} of a review or rotation cadence in ${m.summary.criteriaWithMissing} ${m.summary.criteriaWithMissing === 1 ? 'criterion' : 'criteria'} (windows that ended by ${m.today}; docs/coverage.md).`,
      }
    : { title: 'SOC 2 criteria matrix, Type I', note: `As of ${m.today}: ${counts}. No period (--period or audit_period): no occurrences are counted.` };
}

/** One row per criterion (61): the matrix an auditor reads, as Markdown or CSV. */
export function soc2CriteriaTable(m: Soc2Matrix): Table {
  const { title, note } = soc2Heading(m);
  const columns = ['Criterion', 'Title', 'Series', 'State', 'Evidence', 'Owners', 'Last review'];
  if (m.type === 'II') columns.push('Occurrences evidenced', 'Occurrences missing', 'Occurrences not ended', 'Missing occurrences');
  columns.push('Open issues');
  const rows = m.criteria.map((c) => {
    const row = [
      c.id,
      c.title,
      c.series,
      stateWords(c),
      [...c.evidence.map((e) => `${e.name} (${at(e)}${e.via === 'crosswalk' ? `, via ${e.from}` : ''})`), ...c.mentions.map((x) => `cited in ${x.name} (${at(x)})`)].join('; '),
      [...new Set(c.evidence.flatMap((e) => e.owners))].join('; '),
      c.evidence.map((e) => e.lastReviewed).filter((d): d is string => !!d).sort().pop() ?? '',
    ];
    if (m.type === 'II') {
      row.push(String(c.occurrences.evidenced), String(c.occurrences.missing), String(c.occurrences.open), c.missing.map((x) => `${x.name}: ${x.activity} ${windowText(x)}`).join('; '));
    }
    row.push([...new Set(c.evidence.flatMap((e) => e.problems.map((p) => `${e.name}: ${p}`)))].join('; '));
    return row;
  });
  return { title, note, columns, rows };
}

/** One row per missing occurrence (Type II): what an auditor will ask for. */
export function soc2MissingTable(m: Soc2Matrix): Table {
  return {
    title: 'Missing occurrences',
    note: 'Each window of a review or rotation cadence inside the period that ended without a date in the history.',
    columns: ['Criterion', 'Evidence', 'File', 'Activity', 'Cadence', 'Window'],
    rows: m.criteria.flatMap((c) =>
      c.missing.map((x) => [c.id, x.name, at(x), x.activity, cadenceWords(x.cadenceDays, x.activity).split(' ')[0], `${windowText(x)}${x.partial ? ' (partial)' : ''}`]),
    ),
  };
}
