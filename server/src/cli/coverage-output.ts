/** Where `isms coverage`, `isms soa` and `isms profile` write their reports (renderers: core/coverage/render.ts). */
import type { CoverageReport } from '../core/coverage/model';
import type { Table } from '../core/coverage/soa';
import { coverageCsv, coverageMarkdown, coverageText, tableCsv, tableMarkdown } from '../core/coverage/render';
import { coverageHtml } from '../core/coverage/html';
import type { Out } from './io';
import { VERSION } from './io';

export const COVERAGE_FORMATS = ['text', 'md', 'csv', 'json', 'html'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

export function writeCoverage(format: CoverageFormat, report: CoverageReport, today: string, io: Out): void {
  if (format === 'json') io.out(JSON.stringify({ version: VERSION, today, ...report }, null, 2));
  else if (format === 'csv') io.out(coverageCsv(report));
  else if (format === 'md') io.out(coverageMarkdown(report, today));
  else if (format === 'html') io.out(coverageHtml(report, today).trimEnd());
  else io.out(coverageText(report));
}

export const TABLE_FORMATS = ['md', 'csv', 'json', 'html'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** A deliverable (Statement of Applicability, CSF profile) as Markdown, CSV (BOM, CRLF, RFC 4180), JSON or HTML (`html`: its page). */
export function writeTable(format: TableFormat, table: Table, io: Out, html: () => string): void {
  if (format === 'html') io.out(html().trimEnd());
  else if (format === 'json') {
    io.out(JSON.stringify({ version: VERSION, title: table.title, note: table.note, rows: table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))) }, null, 2));
  } else if (format === 'csv') io.out(tableCsv(table));
  else io.out(tableMarkdown(table));
}
