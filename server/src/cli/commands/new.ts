/** `isms new <kind> [path]`: a new process document or inventory from the editor's templates; never overwrites. */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { templateFor, type TemplateKind } from '../../core/templates';
import { addDays, todayOf } from '../../core/dates';
import { scanReferences } from '../../core/refs/scan';
import { catalog } from '../../core/catalog/catalog';
import { FRAMEWORK_IDS } from '../../core/config';
import { UsageError, didYouMean, isCalendarDate, nameEdits, type Command } from '../args';
import type { Out } from '../io';

const KINDS: readonly TemplateKind[] = ['policy', 'standard', 'procedure', 'runbook', 'inventory'];

export const newCommand: Command = {
  name: 'new',
  synopsis: 'new <policy|standard|procedure|runbook|inventory> [path]',
  summary: 'write a new process document or NHI inventory from the templates',
  usage: ['new <policy|standard|procedure|runbook|inventory> [path] [--title TEXT] [--owner OWNER] [--controls IDS] [--today YYYY-MM-DD]'],
  description: [
    'Writes the template the editor uses for a new document: front matter with the owner, a review cadence, today',
    'as the last review and the next review a year on (process documents), the controls given, and the sections',
    'the document type needs. The path defaults to <kind>.md (inventory: inventory.nhi.yaml) in the current folder;',
    'a folder given gets that name inside it. An existing file is never overwritten (exit 2).',
  ],
  options: {
    title: { type: 'string', value: '<text>', description: 'the title (front matter and first heading)' },
    owner: { type: 'string', value: '<owner>', description: 'the accountable owner (a team or a person)' },
    controls: { type: 'string', value: '<ids>', description: 'controls the document implements, comma-separated (CSF:PR.AA-01,ISO27001:A.5.15 ...)' },
    today: { type: 'string', value: '<YYYY-MM-DD>', description: 'the date written as the last review (default: today)' },
  },
  notes: ['Examples:', '  isms new runbook runbooks/rotate-db-credentials.md --owner platform@example.com --controls CSF:PR.AA-05,NHI7', '  isms new inventory identities/'],
  exitCodes: 'Exit codes: 0 written, 2 usage error or the file exists.',
  run: (args, io) => runNew(args.values, args.positionals, io),
};

function runNew(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out): number {
  const [kind, target, ...rest] = positionals;
  if (kind === undefined) throw new UsageError(`new needs a kind: ${KINDS.join(', ')}`, 'new');
  if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown kind '${kind}' (one of ${KINDS.join(', ')})${didYouMean(kind, KINDS, undefined, nameEdits(kind))}`, 'new');
  if (rest.length) throw new UsageError(`new takes one path, not ${rest.length + 1}`, 'new');
  const today = (values.today as string | undefined) ?? todayOf({});
  if (!isCalendarDate(today)) throw new UsageError(`--today must be a calendar date YYYY-MM-DD, not '${today}'`, 'new');
  const controls: string[] = [];
  for (const raw of String(values.controls ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const ref = scanReferences(raw, { frameworks: [...FRAMEWORK_IDS], mode: 'list' })[0];
    if (!ref || (ref.status !== 'ok' && ref.status !== 'malformed') || ref.end - ref.start !== raw.length || !catalog().get(ref.framework, ref.id)) throw new UsageError(`--controls: '${raw}' is not a control of the catalogs${ref?.reason ? ` (${ref.reason})` : ''}`, 'new');
    const c = catalog().get(ref.framework, ref.id)!;
    controls.push(catalog().ref(c));
  }
  const fileName = kind === 'inventory' ? 'inventory.nhi.yaml' : `${kind}.md`;
  let path = target ?? fileName;
  if (/[\\/]$/.test(path) || (existsSync(path) && statSync(path).isDirectory())) path = join(path, fileName);
  if (existsSync(path)) {
    io.err(`isms: ${path} exists; not overwritten (give another path)`);
    return 2;
  }
  const t = templateFor(kind as TemplateKind, today, controls, {
    ...(values.owner ? { owner: String(values.owner) } : {}),
    ...(values.title ? { title: String(values.title) } : {}),
    ...(kind !== 'inventory' ? { nextReview: addDays(today, 365) } : {}),
  });
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, t.text, { flag: 'wx' });
  } catch (e) {
    io.err(`isms: cannot write ${path}: ${(e as Error).message}`);
    return 2;
  }
  io.err(`isms: wrote ${relative(process.cwd(), path) || path} (${kind === 'inventory' ? 'an' : 'a'} ${kind}${controls.length ? ` for ${controls.join(', ')}` : ''}); fill in what it asks and run isms check on it.`);
  return 0;
}
