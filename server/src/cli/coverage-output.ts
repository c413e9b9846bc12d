/** Where `isms coverage`, `isms soa` and `isms profile` write their reports (renderers: core/coverage/render.ts). */
import type { CoverageReport } from '../core/coverage/model';
import { coverageCsv, coverageMarkdown, coverageText } from '../core/coverage/render';
import { coverageHtml } from '../core/coverage/html';
import { prettyJson, REPORT_NATIVE_KEYS, reportJson } from '../core/coverage/json';
import type { Out } from './io';
import { VERSION } from './io';

export const COVERAGE_FORMATS = ['text', 'md', 'csv', 'json', 'html'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

export function writeCoverage(format: CoverageFormat, report: CoverageReport, today: string, io: Out): void {
  if (format === 'json') io.out(prettyJson(reportJson(report, today, VERSION), REPORT_NATIVE_KEYS));
  else if (format === 'csv') io.out(coverageCsv(report));
  else if (format === 'md') io.out(coverageMarkdown(report, today));
  else if (format === 'html') io.out(coverageHtml(report, today).trimEnd());
  else io.out(coverageText(report));
}

export { DELIVERABLE_FORMATS as TABLE_FORMATS, type DeliverableFormat as TableFormat } from '../core/coverage/deliverables';
