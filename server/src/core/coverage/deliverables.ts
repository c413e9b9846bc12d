/**
 * The deliverables by name (Statement of Applicability, CSF profile): the framework whose coverage each is built
 * from, its table (soa.ts), its page (html.ts), the file name an editor suggests, and its text in each format.
 * `isms soa` / `isms profile` and the server's `isms/deliverable` both write what deliverableText returns.
 */
import type { Config, FrameworkId } from '../config';
import { page, profileHtml, soaHtml, section, stateBadge, table, breakable, slug } from './html';
import type { CoverageReport } from './model';
import { tableCsv, tableJson, tableMarkdown } from './render';
import { csfProfile, statementOfApplicability, type Table } from './soa';
import { soc2CriteriaTable, soc2Heading, soc2MissingTable, type Soc2Matrix } from './soc2';

type Build<T> = (report: CoverageReport, today: string, config: Config) => T;

export const DELIVERABLES = {
  soa: { framework: 'iso27001', fileName: 'statement-of-applicability', table: statementOfApplicability, page: soaHtml },
  profile: {
    framework: 'csf',
    fileName: 'csf-profile',
    table: (r, today, c) => csfProfile(r, today, c.profile.target),
    page: (r, today, c) => profileHtml(r, today, c.profile.target),
  },
} as const satisfies Record<string, { framework: FrameworkId; fileName: string; table: Build<Table>; page: Build<string> }>;

export type DeliverableKind = keyof typeof DELIVERABLES;

export const DELIVERABLE_FORMATS = ['md', 'csv', 'json', 'html'] as const;
export type DeliverableFormat = (typeof DELIVERABLE_FORMATS)[number];

/** A deliverable as Markdown tables, CSV (BOM, CRLF, RFC 4180), JSON (`version` in it) or one self-contained HTML page. */
export function deliverableText(kind: DeliverableKind, format: DeliverableFormat, report: CoverageReport, today: string, config: Config, version: string): string {
  const d = DELIVERABLES[kind];
  if (format === 'html') return d.page(report, today, config).trimEnd();
  const table = d.table(report, today, config);
  return format === 'json' ? tableJson(table, version) : format === 'csv' ? tableCsv(table) : tableMarkdown(table);
}

/**
 * The SOC 2 criteria matrix (coverage/soc2.ts) in a deliverable format: Markdown (the criteria table, then for a
 * Type II period the missing occurrences), CSV (the criteria table), JSON (the whole matrix) or one HTML page (both
 * tables, each criterion's state as a badge, each missing occurrence flagged).
 */
export function soc2Text(m: Soc2Matrix, format: DeliverableFormat, version: string): string {
  if (format === 'json') return JSON.stringify({ version, ...m }, null, 2);
  const criteria = soc2CriteriaTable(m);
  if (format === 'csv') return tableCsv(criteria);
  const missing = soc2MissingTable(m);
  if (format === 'md') {
    const parts = [tableMarkdown(criteria)];
    if (m.type === 'II') parts.push(missing.rows.length ? tableMarkdown(missing).replace(/^# /, '## ') : '## Missing occurrences\n\nNone: every window that ended by today has a date in the history.');
    return parts.join('\n\n');
  }
  const { title, note } = soc2Heading(m);
  const stateCol = criteria.columns.indexOf('State');
  const missingCol = criteria.columns.indexOf('Occurrences missing');
  const rows = criteria.rows.map((r, i) => {
    const c = m.criteria[i];
    const key = c.state === 'evidenced' && c.crosswalkOnly ? 'crosswalk' : c.state;
    return {
      className: c.missing.length ? 'state-gap' : `state-${slug(key)}`,
      cells: r.map((v, j) => (j === stateCol ? stateBadge(key, v) : j === missingCol && c.missing.length ? stateBadge('bad', v) : breakable(v))),
    };
  });
  const body = [
    table({ caption: `${criteria.rows.length} criteria`, columns: criteria.columns, rows, rowHeader: 0 }),
    ...(m.type === 'II'
      ? [section('Missing occurrences', missing.rows.length ? table({ caption: `${missing.rows.length} missing`, columns: missing.columns, rows: missing.rows.map((r) => r.map(breakable)) }) : 'None: every window that ended by today has a date in the history.', { id: 'missing' })]
      : []),
    ...(m.problems.length ? [section('Configuration problems', m.problems.join('; '), { id: 'problems' })] : []),
  ];
  return page({ title, subtitle: note, body }).trimEnd();
}
