/**
 * `isms soa`, `isms profile` and `isms soc2`: the Statement of Applicability, the CSF 2.0 current profile and the
 * SOC 2 criteria matrix from the evidence model.
 */
import { coverage } from '../../core/coverage/model';
import { DELIVERABLE_FORMATS, DELIVERABLES, deliverableText, soc2Text, type DeliverableFormat, type DeliverableKind } from '../../core/coverage/deliverables';
import { parsePeriod } from '../../core/config';
import { soc2Matrix } from '../../core/coverage/soc2';
import { todayOf } from '../../core/dates';
import { UsageError, didYouMean, nameEdits, type Command, type OptionSpecs } from '../args';
import { VERSION, type Out } from '../io';
import { checkProject } from './check';

const OPTIONS: OptionSpecs = {
  format: { type: 'string', value: '<md|csv|json|html>', description: 'Markdown tables (the default), CSV (UTF-8 with BOM, for a spreadsheet), JSON, or one self-contained HTML file (inline CSS and SVG chart, no script)' },
  today: { type: 'string', value: '<YYYY-MM-DD>', description: 'judge reviews and rotation against this day instead of today' },
  config: { type: 'string', value: '<file>', description: 'read this configuration instead of the .isms.yaml found' },
};

function deliverable(name: DeliverableKind) {
  return async (values: Record<string, string | boolean | undefined>, positionals: string[], io: Out): Promise<number> => {
    const format = (values.format as string | undefined) ?? 'md';
    if (!(DELIVERABLE_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format must be ${DELIVERABLE_FORMATS.join(', ')}, not '${format}'${didYouMean(format, DELIVERABLE_FORMATS, undefined, nameEdits(format))}`, name);
    const run = await checkProject(values, positionals, io, name, { evidence: true });
    if (typeof run === 'number') return run;
    const report = coverage(run.outcomes.flatMap((o) => o.evidence ?? []), run.config, [DELIVERABLES[name].framework]);
    for (const p of report.problems) io.err(`isms: ${p}`);
    io.out(deliverableText(name, format as DeliverableFormat, report, todayOf(run.config), run.config, VERSION));
    return 0;
  };
}

export const soaCommand: Command = {
  name: 'soa',
  synopsis: 'soa [paths...]',
  summary: 'the ISO/IEC 27001:2022 Statement of Applicability: the 93 Annex A controls (md, csv, json or html)',
  usage: ['soa [paths...] [--format md|csv|json|html] [--today YYYY-MM-DD] [--config FILE]'],
  description: [
    'Writes the Statement of Applicability (ISO/IEC 27001:2022 clause 6.1.3 d) from the evidence model: every',
    'Annex A control, applicable or excluded (with the justification from soa.excluded in .isms.yaml), the',
    'justification for inclusion (the documents and identities that implement it), the implementation status',
    'from the evidence, the owner and the last review (docs/coverage.md).',
  ],
  options: OPTIONS,
  notes: ['Examples:', '  isms soa . --format csv > statement-of-applicability.csv', '  isms soa . --format html > statement-of-applicability.html'],
  run: (args, io) => deliverable('soa')(args.values, args.positionals, io),
};

export const profileCommand: Command = {
  name: 'profile',
  synopsis: 'profile [paths...]',
  summary: 'the NIST CSF 2.0 Organizational Profile, current and target: one row per subcategory (md, csv, json or html)',
  usage: ['profile [paths...] [--format md|csv|json|html] [--today YYYY-MM-DD] [--config FILE]'],
  description: [
    'Writes the current CSF 2.0 Organizational Profile from the evidence model: one row per subcategory with its',
    'outcome, current status, the policies, processes and procedures and the identities that evidence it, the',
    'owners, and notes on stale evidence; with a target profile in .isms.yaml (profile.target), the target priority,',
    'status, policies and notes, and the gap between current and target (docs/coverage.md).',
  ],
  options: OPTIONS,
  notes: ['Example:', '  isms profile . --format md > csf-profile.md'],
  run: (args, io) => deliverable('profile')(args.values, args.positionals, io),
};

export const soc2Command: Command = {
  name: 'soc2',
  synopsis: 'soc2 [paths...]',
  summary: 'the SOC 2 criteria matrix; over a Type II period, each missing review or rotation occurrence (md, csv, json or html)',
  usage: ['soc2 [paths...] [--period START..END] [--format md|csv|json|html] [--fail-on-missing] [--today YYYY-MM-DD] [--config FILE]'],
  description: [
    'Writes the SOC 2 criteria matrix from the evidence model: the 61 criteria, each with its state and evidence.',
    'With a period (--period, else audit_period in .isms.yaml) it is a Type II matrix: for every evidence item',
    'with a review or rotation cadence, each cadence window inside the period (a quarterly review: one per',
    'quarter from the period start) and whether the history (last_reviewed, reviews, last_rotated, rotations)',
    'has a date in it; each window that ended by today without one is listed as missing (docs/coverage.md).',
    'Without a period it is a Type I matrix: the state as of today, no occurrences.',
  ],
  options: {
    ...OPTIONS,
    period: { type: 'string', value: '<START..END>', description: 'the Type II period, e.g. 2026-01-01..2026-12-31 (default: audit_period in .isms.yaml)' },
    'fail-on-missing': { type: 'boolean', description: 'exit 1 when an occurrence of the period is missing' },
  },
  notes: ['Examples:', '  isms soc2 . --period 2026-01-01..2026-12-31 --format csv > soc2-matrix.csv', '  isms soc2 . --format md --fail-on-missing    # the period from audit_period'],
  exitCodes: 'Exit codes: 0 matrix written (and, with --fail-on-missing, no occurrence missing), 1 an occurrence is missing\n(--fail-on-missing), 2 usage or configuration error.',
  run: (args, io) => runSoc2(args.values, args.positionals, io),
};

async function runSoc2(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out): Promise<number> {
  const format = (values.format as string | undefined) ?? 'md';
  if (!(DELIVERABLE_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be ${DELIVERABLE_FORMATS.join(', ')}, not '${format}'${didYouMean(format, DELIVERABLE_FORMATS, undefined, nameEdits(format))}`, 'soc2');
  let period;
  if (values.period !== undefined) {
    const p = parsePeriod(String(values.period));
    if (typeof p === 'string') throw new UsageError(`--period: ${p}`, 'soc2');
    period = p;
  }
  const run = await checkProject(values, positionals, io, 'soc2', { evidence: true });
  if (typeof run === 'number') return run;
  period ??= run.config.auditPeriod;
  const today = todayOf(run.config);
  const matrix = soc2Matrix(run.outcomes.flatMap((o) => o.evidence ?? []), run.config, today, period);
  for (const p of matrix.problems) io.err(`isms: ${p}`);
  if (!period) io.err('isms: no period (--period START..END or audit_period in .isms.yaml): a Type I matrix, no occurrences counted.');
  io.out(soc2Text(matrix, format as DeliverableFormat, VERSION));
  if (values['fail-on-missing'] && matrix.summary.missingOccurrences > 0) {
    io.err(`isms: ${matrix.summary.missingOccurrences} missing ${matrix.summary.missingOccurrences === 1 ? 'occurrence' : 'occurrences'} in the period: exit code 1.`);
    return 1;
  }
  return 0;
}
