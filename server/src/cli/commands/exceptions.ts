/**
 * `isms exceptions [paths...]`: every suppression (docs/suppressions.md) as an auditor samples exceptions: file,
 * line, rules, reason, expiry, state (active / expired / unused / unjustified), findings suppressed, owner.
 */
import type { SuppressionRecord } from '../../core/analysis/suppress';
import { tableCsv, tableMarkdown } from '../../core/coverage/render';
import type { Table } from '../../core/coverage/soa';
import { todayOf } from '../../core/dates';
import { UsageError, didYouMean, nameEdits, type Command } from '../args';
import { TABLE_FORMATS, type TableFormat } from '../coverage-output';
import { VERSION, type Out } from '../io';
import { checkProject } from './check';

export const exceptionsCommand: Command = {
  name: 'exceptions',
  synopsis: 'exceptions [paths...]',
  summary: 'every suppressed finding with its reason, expiry, state and owner (md, csv or json)',
  usage: ['exceptions [paths...] [--format md|csv|json] [--today YYYY-MM-DD] [--config FILE]'],
  description: [
    'Lists every suppression (isms-disable comments and front matter) in the files under the paths, one row',
    'per directive: file, line, the rules it names ("all" when it names none), its reason, its expiry, its state',
    '(active; expired: the findings are reported again; unused: it suppresses nothing; unjustified: no reason,',
    'a placeholder, or an expiry that is no date), how many findings it suppresses, and the owner of what it',
    'covers (the document\'s owner; for an inventory, the owners of the identities it covers). The exit code is 0',
    'whatever the states: `isms check` reports them as findings (docs/suppressions.md).',
  ],
  options: {
    format: { type: 'string', value: '<md|csv|json>', description: 'a Markdown table (the default), CSV (UTF-8 with BOM, for a spreadsheet) or JSON' },
    today: { type: 'string', value: '<YYYY-MM-DD>', description: 'judge expiries against this day instead of today' },
    config: { type: 'string', value: '<file>', description: 'read this configuration instead of the .isms.yaml found' },
  },
  notes: ['Example:', '  isms exceptions . --format csv > exceptions.csv'],
  run: (args, io) => runExceptions(args.values, args.positionals, io),
};

export interface ExceptionRow extends SuppressionRecord {
  path: string;
}

async function runExceptions(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out): Promise<number> {
  const format = (values.format as string | undefined) ?? 'md';
  if (!(TABLE_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be ${TABLE_FORMATS.join(', ')}, not '${format}'${didYouMean(format, TABLE_FORMATS, undefined, nameEdits(format))}`, 'exceptions');
  const run = await checkProject(values, positionals, io, 'exceptions');
  if (typeof run === 'number') return run;
  const rows: ExceptionRow[] = [];
  for (const r of run.results) for (const s of run.suppressions.get(r.path) ?? []) rows.push({ path: r.path, ...s });
  const today = todayOf(run.config);
  if (format === 'json') {
    io.out(JSON.stringify({ version: VERSION, today, exceptions: rows.map((r) => ({ ...r, line: r.line + 1 })) }, null, 2));
    return 0;
  }
  const table = exceptionsTable(rows, today);
  io.out(format === 'csv' ? tableCsv(table) : tableMarkdown(table));
  return 0;
}

/** The exceptions as a table (lines 1-based). */
export function exceptionsTable(rows: readonly ExceptionRow[], today: string): Table {
  const counts = (['active', 'expired', 'unused', 'unjustified'] as const).map((s) => [s, rows.filter((r) => r.state === s).length] as const).filter(([, n]) => n);
  return {
    title: 'Exceptions: findings accepted with a reason',
    note: `${rows.length} suppression${rows.length === 1 ? '' : 's'} as of ${today}${counts.length ? ` (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}.`,
    columns: ['File', 'Line', 'Rules', 'Reason', 'Expires', 'State', 'Suppressed', 'Owner'],
    rows: rows.map((r) => [r.path, String(r.line + 1), r.rules.length ? r.rules.join(', ') : 'all', r.reason, r.expires ?? '', r.state, String(r.suppressed), r.owner ?? '']),
  };
}
