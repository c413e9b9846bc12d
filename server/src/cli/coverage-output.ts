/** Where `isms coverage`, `isms soa` and `isms profile` write their reports (renderers: core/coverage/render.ts). */
import type { CoverageReport } from '../core/coverage/model';
import type { Table } from '../core/coverage/soa';
import { coverageCsv, coverageMarkdown, coverageText, tableText, type TableFormat } from '../core/coverage/render';
import type { Out } from './io';
import { VERSION } from './io';

export const COVERAGE_FORMATS = ['text', 'md', 'csv', 'json'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

export function writeCoverage(format: CoverageFormat, report: CoverageReport, today: string, io: Out): void {
  if (format === 'json') io.out(JSON.stringify({ version: VERSION, today, ...report }, null, 2));
  else if (format === 'csv') io.out(coverageCsv(report));
  else if (format === 'md') io.out(coverageMarkdown(report, today));
  else io.out(coverageText(report));
}

export { TABLE_FORMATS, type TableFormat } from '../core/coverage/render';

/** A deliverable (Statement of Applicability, CSF profile) as Markdown, CSV (BOM, CRLF, RFC 4180) or JSON (core/coverage/render.ts tableText). */
export function writeTable(format: TableFormat, table: Table, io: Out): void {
  io.out(tableText(format, table, VERSION));
}
