/** `isms check [paths...]`: the findings of every ISMS file under the paths, as text, JSON or SARIF. */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { comparePos } from '../../core/text';
import type { Finding } from '../../core/types';
import type { IdentitySummary } from '../../core/analysis/inventory';
import { UsageError, didYouMean, isCalendarDate, nameEdits, type Command } from '../args';
import { ConfigError, loadProject } from '../project';
import { collect } from '../files';
import { checker, checkFiles, MAX_WORKERS, PARALLEL_MIN_FILES, type CheckOptions, type FileOutcome } from '../check-files';
import type { Config } from '../../core/config';
import { FORMATS, writeResults, type FileResult, type Format } from '../output';
import type { Out } from '../io';
import type { SuppressionRecord } from '../../core/analysis/suppress';

const byPosition = (a: Finding, b: Finding) => comparePos(a.range.start, b.range.start) || a.ruleId.localeCompare(b.ruleId);

export const check: Command = {
  name: 'check',
  synopsis: 'check [paths...]',
  summary: 'check ISMS process documents and NHI inventories (text, JSON or SARIF)',
  usage: ['check [paths...] [--format text|json|sarif] [--today YYYY-MM-DD] [--config FILE]'],
  description: [
    'Checks the process documents and NHI inventories among the files and folders given (default: the',
    'current folder). Folders are walked for .md, .markdown, .yaml and .yml files; ignoreGlobs and folders',
    'named node_modules or .git are skipped, but never a path given. Symbolic links are followed within the',
    'project only, each folder is walked once, and FIFOs, sockets and devices are never opened (each is named',
    'on stderr and makes the exit code 3). Identity IDs are checked for uniqueness',
    'across all the files given. Configuration: the .isms.yaml of the first path\'s folder or the nearest one',
    'above it (not above the git root); globs and root-relative links are read from its folder.',
  ],
  options: {
    format: { type: 'string', value: '<text|json|sarif>', description: 'output: file:line:col lines and a summary (text, the default), every file with its findings (json), or SARIF 2.1.0 for code scanning (sarif)' },
    today: { type: 'string', value: '<YYYY-MM-DD>', description: 'judge dates (reviews, rotation, expiry, staleness) against this day instead of today' },
    config: { type: 'string', value: '<file>', description: 'read this configuration instead of the .isms.yaml found; its folder is the project root' },
  },
  notes: [
    'Environment:',
    `  ISMS_WORKERS=<n>  worker threads; by default one per core (up to ${MAX_WORKERS}) from ${PARALLEL_MIN_FILES} files on; 1 = none`,
    '',
    'Examples:',
    '  isms check . --today 2026-11-23',
    '  isms check policies identities/prod.nhi.yaml --format sarif > isms.sarif',
  ],
  run: (args, io) => runCheck(args.values, args.positionals, io),
};

async function runCheck(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out): Promise<number> {
  const format = (values.format as string | undefined) ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be text, json or sarif, not '${format}'${didYouMean(format, FORMATS, undefined, nameEdits(format))}`, 'check');
  const run = await checkProject(values, positionals, io, 'check');
  if (typeof run === 'number') return run;
  const { results, covered, config, notChecked } = run;
  writeResults(format as Format, results, covered, config, io);
  if (results.some((r) => r.findings.some((f) => f.severity === 'error' && !f.suppressed))) return 1;
  if (notChecked) {
    io.err(`isms: ${notChecked} ${notChecked === 1 ? 'file' : 'files'} (or parts of files) could not be checked (see above): exit code 3.`);
    return 3;
  }
  return 0;
}

export interface ProjectRun {
  results: FileResult[];
  outcomes: FileOutcome[];
  covered: Map<string, Set<string>>;
  config: Config;
  root: string;
  /** Paths and files (or parts) that could not be checked. */
  notChecked: number;
  /** The suppressions of each file (by path) that has any, as `isms exceptions` lists them. */
  suppressions: Map<string, SuppressionRecord[]>;
}

/**
 * Checks every ISMS file under the paths given (`--today`, `--config` from `values`) as `isms check` does:
 * findings per file, cross-file findings added. An exit code instead when the configuration is wrong.
 */
export async function checkProject(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out, command: string, options: CheckOptions = {}): Promise<ProjectRun | number> {
  const today = values.today as string | undefined;
  const configPath = values.config as string | undefined;
  if (today !== undefined && !isCalendarDate(today)) throw new UsageError(`--today must be a calendar date YYYY-MM-DD, not '${today}'`, command);
  const paths = positionals.length ? positionals : ['.'];
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or directory: ${p}`, command);

  const start = resolve(statSync(paths[0]).isDirectory() ? paths[0] : dirname(paths[0]));
  let project;
  try {
    project = loadProject(start, configPath, today);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    e.lines.forEach((l) => io.err(l));
    return 2;
  }
  const { root, config } = project;

  const { files, skipped } = collect(paths, root, config);
  for (const s of skipped) io.err(`isms: ${relative(process.cwd(), s.path) || s.path}: ${s.reason}`);
  const service = checker(root, config);
  const all = await checkFiles(files, service, root, config, (m) => io.err(m), options);
  let notChecked = skipped.length;

  const results: FileResult[] = [];
  const outcomes: FileOutcome[] = [];
  const covered = new Map<string, Set<string>>();
  const identities = new Map<number, { uri: string; list: IdentitySummary[] }>();
  for (const o of all) {
    if (!o) continue;
    if (!('kind' in o)) {
      notChecked++;
      continue;
    }
    outcomes.push(o);
    if (o.findings.some((f) => f.ruleId === 'file-unreadable')) notChecked++;
    for (const [fw, ids] of o.covered) {
      const set = covered.get(fw) ?? covered.set(fw, new Set()).get(fw)!;
      for (const id of ids) set.add(id);
    }
    service.index.set(o.uri, o.facts);
    results.push({ path: o.path, kind: o.kind, findings: o.findings });
    if (o.identities.length) identities.set(results.length - 1, { uri: o.uri, list: o.identities });
  }
  // Cross-file findings once every file is indexed (identity IDs unique across the workspace).
  for (const [i, { uri, list }] of identities) {
    const extra = service.workspaceFindings(uri, list);
    if (extra.length) results[i].findings = [...results[i].findings, ...extra].sort(byPosition);
  }
  // Then the suppressions, over every file's final findings.
  const suppressions = new Map<string, SuppressionRecord[]>();
  outcomes.forEach((o, i) => {
    if (!o.directives.length) return;
    const s = service.suppress(results[i].findings, o.directives);
    results[i].findings = s.findings;
    suppressions.set(o.path, s.records);
  });
  return { results, outcomes, covered, config, root, notChecked, suppressions };
}
