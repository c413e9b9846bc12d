/** `isms coverage [paths...]`: which controls the documents and inventories evidence, and how well. */
import { FRAMEWORK_IDS, type FrameworkId } from '../../core/config';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { coverage, mergeReports, type CoverageReport } from '../../core/coverage/model';
import { readReportJson } from '../../core/coverage/json';
import { todayOf } from '../../core/dates';
import { UsageError, didYouMean, nameEdits, type Command } from '../args';
import { COVERAGE_FORMATS, writeCoverage, type CoverageFormat } from '../coverage-output';
import type { Out } from '../io';
import { checkProject } from './check';

export const coverageCommand: Command = {
  name: 'coverage',
  synopsis: 'coverage [paths...]',
  summary: 'which controls the documents and identities evidence (text, md, csv, json or html); a CI gate with --fail-under',
  usage: [
    'coverage [paths...] [--framework csf,iso27001,...] [--format text|md|csv|json|html] [--fail-under PCT] [--today YYYY-MM-DD] [--config FILE]',
    'coverage --merge <report.json>... [--framework ...] [--format ...] [--fail-under PCT]',
  ],
  description: [
    'Builds the evidence register from the process documents and NHI inventories under the paths given',
    '(default: the current folder): for every control of the frameworks, the documents and identities that',
    'list it (directly, or through NIST\'s crosswalk CSF 2.0 <-> ISO 27001 / SP 800-53), those that only cite',
    'it, and its state: evidenced, stale, mentioned, gap or excluded (docs/coverage.md defines each).',
  ],
  options: {
    framework: { type: 'string', value: '<ids>', description: `frameworks to report, comma-separated (${FRAMEWORK_IDS.join(', ')}); default: the enabled ones` },
    format: { type: 'string', value: '<text|md|csv|json|html>', description: 'a summary (text, the default), tables (md), one row per control (csv, UTF-8 with BOM), the whole model (json), or one self-contained HTML file with a bar chart per framework (html)' },
    'fail-under': { type: 'string', value: '<pct>', description: 'exit 1 when a framework\'s ratio of directly evidenced applicable controls is below this percentage' },
    today: { type: 'string', value: '<YYYY-MM-DD>', description: 'judge reviews and rotation against this day instead of today' },
    config: { type: 'string', value: '<file>', description: 'read this configuration instead of the .isms.yaml found' },
    merge: { type: 'boolean', description: 'merge the --format json reports given (one per repository) into one; files are named <report>/<path>' },
  },
  notes: ['Examples:', '  isms coverage . --format html > coverage.html', '  isms coverage --merge payments.json platform.json --format md', '  isms coverage . --framework iso27001 --format md > coverage.md', '  isms coverage . --fail-under 80'],
  exitCodes: 'Exit codes: 0 report written (and every framework at or above --fail-under), 1 a framework below --fail-under,\n2 usage or configuration error.',
  run: (args, io) => runCoverage(args.values, args.positionals, io),
};

async function runCoverage(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out): Promise<number> {
  const format = (values.format as string | undefined) ?? 'text';
  if (!(COVERAGE_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be ${COVERAGE_FORMATS.join(', ')}, not '${format}'${didYouMean(format, COVERAGE_FORMATS, undefined, nameEdits(format))}`, 'coverage');
  let frameworks: FrameworkId[] | undefined;
  if (values.framework !== undefined) {
    frameworks = [];
    for (const f of String(values.framework).split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
      if (!(FRAMEWORK_IDS as readonly string[]).includes(f)) throw new UsageError(`unknown framework '${f}'${didYouMean(f, FRAMEWORK_IDS)}`, 'coverage');
      frameworks.push(f as FrameworkId);
    }
  }
  let failUnder: number | undefined;
  if (values['fail-under'] !== undefined) {
    failUnder = Number(String(values['fail-under']).replace(/%$/, ''));
    if (!Number.isFinite(failUnder) || failUnder < 0 || failUnder > 100) throw new UsageError(`--fail-under must be a percentage from 0 to 100, not '${values['fail-under']}'`, 'coverage');
  }
  let report: CoverageReport;
  let today: string;
  if (values.merge) {
    if (!positionals.length) throw new UsageError('--merge needs the JSON reports to merge (isms coverage --format json of each repository)', 'coverage');
    const reports = positionals.map((file) => {
      let json: ReturnType<typeof readReportJson>;
      try {
        json = readReportJson(JSON.parse(readFileSync(file, 'utf8')));
      } catch (e) {
        throw new UsageError(`${file}: not a coverage report (${(e as Error).message.split('\n')[0]})`, 'coverage');
      }
      if (!json) throw new UsageError(`${file}: not a coverage report (isms coverage --format json)`, 'coverage');
      return { label: basename(file).replace(/\.json$/i, ''), today: json.today, report: json };
    });
    const merged = mergeReports(reports);
    report = frameworks ? { ...merged, frameworks: merged.frameworks.filter((f) => frameworks!.includes(f.framework)) } : merged;
    today = reports.map((r) => r.today ?? '').sort().pop() ?? '';
  } else {
    const run = await checkProject(values, positionals, io, 'coverage', { evidence: true });
    if (typeof run === 'number') return run;
    report = coverage(run.outcomes.flatMap((o) => o.evidence ?? []), run.config, frameworks);
    today = todayOf(run.config);
  }
  for (const p of report.problems) io.err(`isms: ${p}`);
  writeCoverage(format as CoverageFormat, report, today, io);
  if (failUnder !== undefined) {
    const below = report.frameworks.filter((f) => f.summary.ratio * 100 < failUnder!);
    for (const f of below) io.err(`isms: ${f.name}: ${(f.summary.ratio * 100).toFixed(1)}% evidenced, below --fail-under ${failUnder}%`);
    if (below.length) return 1;
  }
  return 0;
}
