/** `isms soa` and `isms profile`: the Statement of Applicability and the CSF 2.0 current profile from the evidence model. */
import { coverage } from '../../core/coverage/model';
import { DELIVERABLE_FORMATS, DELIVERABLES, deliverableText, type DeliverableFormat, type DeliverableKind } from '../../core/coverage/deliverables';
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
