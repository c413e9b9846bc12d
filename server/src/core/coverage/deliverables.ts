/**
 * The deliverables by name (Statement of Applicability, CSF profile): the framework whose coverage each is built
 * from, its table (soa.ts), its page (html.ts), the file name an editor suggests, and its text in each format.
 * `isms soa` / `isms profile` and the server's `isms/deliverable` both write what deliverableText returns.
 */
import type { Config, FrameworkId } from '../config';
import { profileHtml, soaHtml } from './html';
import type { CoverageReport } from './model';
import { tableCsv, tableJson, tableMarkdown } from './render';
import { csfProfile, statementOfApplicability, type Table } from './soa';

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
