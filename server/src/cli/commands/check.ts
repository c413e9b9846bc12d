/** `isms check [paths...]`: the findings of every ISMS file under the paths, as text, JSON or SARIF. */
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { fixFile } from '../../core/fix';
import { dirname, relative, resolve } from 'node:path';
import { comparePos } from '../../core/text';
import { compareRuleIds } from '../../core/rules/registry';
import type { Finding } from '../../core/types';
import type { IdentitySummary } from '../../core/analysis/inventory';
import { UsageError, didYouMean, isCalendarDate, nameEdits, type Command } from '../args';
import { ConfigError, configLine, loadProject } from '../project';
import { unmatchedGlobs } from '../../core/config-file';
import { collect, decode, firstInvalidUtf8 } from '../files';
import { BaselineError, DEFAULT_BASELINE, makeBaseline, matchBaseline, parseBaseline, serializeBaseline, type FileFindings } from '../baseline';
import { discoveryReaders, hclParseIfLoaded } from '../../node/hcl';
import { checker, checkFiles, prepareReaders, startWorkers, MAX_WORKERS, PARALLEL_MIN_FILES, type CheckOptions, type FileOutcome } from '../check-files';
import type { Config } from '../../core/config';
import { FORMATS, keepFindings, openCounts, printText, renderedResult, unsuppressed, writeResults, type AbsentResult, type FileResult, type Format } from '../output';
import { githubSummary } from '../ci-formats';
import type { Out } from '../io';
import type { SuppressionRecord } from '../../core/analysis/suppress';

const byPosition = (a: Finding, b: Finding) => comparePos(a.range.start, b.range.start) || compareRuleIds(a.ruleId, b.ruleId);

export const check: Command = {
  name: 'check',
  synopsis: 'check [paths...]',
  summary: 'check ISMS process documents and NHI inventories (text, JSON, SARIF or a CI format)',
  usage: ['check [paths...] [--format text|json|sarif|github|gitlab|junit] [--output FILE] [--also FORMAT:FILE ...] [--quiet] [--max-warnings N] [--fix | --fix-dry-run] [--baseline FILE] [--write-baseline] [--today YYYY-MM-DD] [--config FILE]'],
  description: [
    'Checks the process documents and NHI inventories among the files and folders given (default: the',
    'current folder). Folders are walked for .md, .markdown, .yaml and .yml files; ignoreGlobs and folders',
    'named node_modules or .git are skipped, but never a path given. Symbolic links are followed within the',
    'project only, each folder is walked once, and FIFOs, sockets and devices are never opened (each is named',
    'on stderr and makes the exit code 3). Infrastructure files that discovery.include names (Terraform,',
    'workflows, Kubernetes manifests; docs/discovery.md) are read too: nhi-undocumented in them, nhi-undeployed in',
    'the inventories, against every inventory and infrastructure file of the project. Identity IDs are checked for uniqueness',
    'across all the files given. Configuration: the .isms.yaml of the first path\'s folder or the nearest one',
    'above it (not above the git root); globs and root-relative links are read from its folder.',
  ],
  options: {
    format: {
      type: 'string',
      value: '<text|json|sarif|github|gitlab|junit>',
      description:
        'output: file:line:col lines and a summary (text, the default), every file with its findings (json), SARIF 2.1.0 for code scanning (sarif), GitHub workflow commands that annotate the pull request (github; with GITHUB_STEP_SUMMARY set, also a job summary), a GitLab Code Quality report (gitlab), JUnit XML (junit)',
    },
    output: { type: 'string', value: '<file>', description: 'write the report to this file; the terminal still gets the text lines and summary' },
    also: { type: 'string', value: '<format>:<file>', description: 'also write the report in this format to this file, from the same run (repeatable: --also sarif:isms.sarif --also json:isms.json); the --format report is written as without it' },
    quiet: { type: 'boolean', description: 'report errors only (warnings and infos are not written, nor counted by --max-warnings)' },
    'max-warnings': { type: 'string', value: '<n>', description: 'exit 1 when there are more than n warnings, even without errors' },
    baseline: { type: 'string', value: '<file>', description: `report only findings not in this baseline (SARIF marks them new, unchanged, absent) and name the baseline's findings that are gone; with --write-baseline, the file to write (default ${DEFAULT_BASELINE} in the project root)` },
    'write-baseline': { type: 'boolean', description: `record today's findings as the baseline (--baseline FILE, default ${DEFAULT_BASELINE}); writing again drops the ones fixed since` },
    fix: { type: 'boolean', description: 'apply every safe fix (what the editor\'s "Fix all" applies) until none is left, then report what remains; files with a syntax error are not touched' },
    'fix-dry-run': { type: 'boolean', description: 'print the changes --fix would make as a unified diff (for git apply) and write nothing' },
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
    '  isms check . --format github --max-warnings 0',
    '  isms check . --fix-dry-run > fixes.patch && git apply fixes.patch',
    '  isms check . --write-baseline                 # once: record the findings there are today',
    '  isms check . --baseline .isms-baseline.json   # in CI: fail on new findings only',
    '  isms check . --format gitlab --output gl-code-quality-report.json',
  ],
  run: (args, io) => runCheck(args.values, args.positionals, io, args.lists?.also ?? []),
};

async function runCheck(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out, also: readonly string[] = []): Promise<number> {
  const format = (values.format as string | undefined) ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be ${FORMATS.slice(0, -1).join(', ')} or ${FORMATS[FORMATS.length - 1]}, not '${format}'${didYouMean(format, FORMATS, undefined, nameEdits(format))}`, 'check');
  const maxWarnings = values['max-warnings'] as string | undefined;
  if (maxWarnings !== undefined && !/^\d{1,9}$/.test(maxWarnings)) throw new UsageError(`--max-warnings must be a whole number (0 or more), not '${maxWarnings}'`, 'check');
  const outFile = values.output as string | undefined;
  if (outFile === '') throw new UsageError('--output needs a file name', 'check');
  const extra = also.map((a) => {
    const m = /^([a-z]+):(.+)$/.exec(a);
    if (!m || !(FORMATS as readonly string[]).includes(m[1])) throw new UsageError(`--also takes <format>:<file> with a format among ${FORMATS.join(', ')}, not '${a}'`, 'check');
    return { format: m[1] as Format, file: m[2] };
  });
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run exclude each other', 'check');
  if (values.fix || values['fix-dry-run']) {
    const fixed = await fixProject(values, positionals, io, !!values['fix-dry-run'], format === 'text');
    if (typeof fixed === 'number') return fixed;
  }
  // A JSON report alone, of every finding: each file's part is rendered on the thread that checks it.
  const render = format === 'json' && outFile === undefined && !extra.length && values.baseline === undefined && !values.quiet && !values['write-baseline'];
  const run = await checkProject(values, positionals, io, 'check', { render });
  if (typeof run === 'number') return run;
  const { covered, config, notChecked } = run;
  if (values['write-baseline']) return writeBaseline(run, values.baseline as string | undefined, io);
  let absent: AbsentResult[] = [];
  let all = run.results;
  if (values.baseline !== undefined) {
    const b = applyBaseline(run, values.baseline as string, io);
    if (typeof b === 'number') return b;
    all = b.results;
    absent = b.absent;
  }
  const isNew = (f: FileResult['findings'][number]) => f.baselineState !== 'unchanged';
  // The results a report of this format gets: with a baseline, only new findings (SARIF keeps the unchanged ones,
  // marked so); with --quiet, errors only, in every output.
  const resultsFor = (f: Format) => {
    const reported = values.baseline !== undefined && f !== 'sarif' ? keepFindings(all, isNew) : all;
    return values.quiet ? keepFindings(reported, (x) => x.severity === 'error') : reported;
  };
  /** Writes a report of this format to a file (--output, --also); false when the file cannot be written. */
  const writeReport = (f: Format, file: string): boolean => {
    const lines: string[] = [];
    writeResults(f, resultsFor(f), covered, config, { out: (l) => lines.push(l), err: io.err }, absent);
    try {
      writeFileSync(file, lines.join('\n') + '\n');
      return true;
    } catch (e) {
      io.err(`isms: cannot write ${file}: ${(e as Error).message}`);
      return false;
    }
  };
  const results = resultsFor(format as Format);
  if (outFile !== undefined) {
    if (!writeReport(format as Format, outFile)) return 2;
    printText(keepFindings(results, isNew), covered, config, io);
  } else writeResults(format as Format, results, covered, config, io, absent);
  // --also: the same results in more formats, each to its file.
  for (const x of extra) if (!writeReport(x.format, x.file)) return 2;
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (format === 'github' && summaryFile) {
    try {
      appendFileSync(summaryFile, githubSummary(unsuppressed(results)) + '\n');
    } catch (e) {
      io.err(`isms: cannot write the job summary to ${summaryFile}: ${(e as Error).message}`);
    }
  }
  const counts = openCounts(results, isNew);
  if (counts.error) return 1;
  if (maxWarnings !== undefined && counts.warning > Number(maxWarnings)) {
    io.err(`isms: ${counts.warning} warnings, more than --max-warnings ${maxWarnings}: exit code 1.`);
    return 1;
  }
  if (notChecked) {
    io.err(`isms: ${notChecked} ${notChecked === 1 ? 'file' : 'files'} (or parts of files) could not be checked (see above): exit code 3.`);
    return 3;
  }
  return 0;
}

/**
 * `--fix` / `--fix-dry-run`: every file with a safe fix, fixed through core/fix.ts (the editor's fix-all, pass after
 * pass). A dry run writes the unified diff to stdout and returns 0 (nothing else is written); `--fix` writes the
 * files, says what it fixed where (stdout for text output, else stderr) and returns undefined: the check then runs
 * and reports what is left.
 */
async function fixProject(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out, dryRun: boolean, logToStdout: boolean): Promise<number | undefined> {
  const run = await checkProject(values, positionals, io, 'check');
  if (typeof run === 'number') return run;
  const log = (s: string) => (logToStdout && !dryRun ? io.out(s) : io.err(s));
  const service = checker(run.root, run.config);
  const engine = { check: (f: { uri: string; text: string }) => service.check(f, { workspace: false }), fixAll: (fs: Finding[]) => service.fixAll(fs) };
  let files = 0;
  let fixes = 0;
  for (const o of run.outcomes) {
    if (!o.findings.some((f) => f.fixes.some((x) => x.safe))) continue;
    let buf: Buffer;
    try {
      buf = readFileSync(o.uri);
    } catch (e) {
      io.err(`isms: ${o.path}: not fixed: ${(e as Error).message}`);
      continue;
    }
    if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff) || firstInvalidUtf8(buf) >= 0) {
      io.err(`isms: ${o.path}: not fixed: the file is not UTF-8, and writing it back could change bytes the fixes do not touch`);
      continue;
    }
    const raw = buf.toString('utf8');
    const bom = raw.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
    const text = raw.slice(bom.length);
    const r = fixFile(engine, { uri: o.uri, text });
    if (r.skipped === 'syntax-error') {
      io.err(`isms: ${o.path}: not fixed: it has a syntax error (fix it first; fixes on a recovered parse could land in the wrong place)`);
      continue;
    }
    if (r.text === text) continue;
    files++;
    fixes += r.applied.length;
    for (const a of r.applied) log(`${o.path}:${a.line + 1}: fixed [${a.ruleId}] ${a.title}`);
    if (!r.stable) io.err(`isms: ${o.path}: fixes were still coming after the last pass; run --fix again`);
    if (dryRun) {
      const rel = relative(run.root, o.uri).split(/[\\/]/).join('/');
      io.out(createTwoFilesPatch(`a/${rel}`, `b/${rel}`, text, r.text, undefined, undefined, { context: 3 }).replace(/^={10,}\n/, '').replace(/\n$/, ''));
    } else {
      try {
        writeFileSync(o.uri, bom + r.text);
      } catch (e) {
        io.err(`isms: ${o.path}: not written: ${(e as Error).message}`);
      }
    }
  }
  log(`${dryRun ? 'Would fix' : 'Fixed'} ${fixes} ${fixes === 1 ? 'finding' : 'findings'} in ${files} ${files === 1 ? 'file' : 'files'}.`);
  return dryRun ? 0 : undefined;
}

/** The findings of every file that has some, relative to the project root, with the file's lines (for fingerprints). */
function fileFindings(run: ProjectRun): FileFindings[] {
  const out: FileFindings[] = [];
  run.results.forEach((r, i) => {
    if (!r.findings.length) return;
    const uri = run.outcomes[i].uri;
    let text = '';
    try {
      text = decode(readFileSync(uri));
    } catch {
      // (read a moment ago; gone now: fingerprints of an empty text)
    }
    // A finding suppressed with a reason is accepted in the source, not recorded in the baseline.
    out.push({ file: relative(run.root, uri).split(/[\\/]/).join('/'), findings: r.findings.filter((f) => !f.suppressed), lines: text.split(/\r?\n/) });
  });
  return out;
}

const baselinePath = (run: ProjectRun, given: string | undefined) => (given !== undefined ? resolve(given) : resolve(run.root, DEFAULT_BASELINE));

/** `--write-baseline`: today's findings (all severities) into the baseline file; the ones fixed since the last one drop out. */
function writeBaseline(run: ProjectRun, given: string | undefined, io: Out): number {
  const file = baselinePath(run, given);
  const b = makeBaseline(fileFindings(run));
  let before: number | undefined;
  if (existsSync(file)) {
    try {
      before = parseBaseline(readFileSync(file, 'utf8'), file).findings.reduce((n, e) => n + e.count, 0);
    } catch {
      // (a broken baseline is replaced)
    }
  }
  try {
    writeFileSync(file, serializeBaseline(b));
  } catch (e) {
    io.err(`isms: cannot write the baseline ${file}: ${(e as Error).message}`);
    return 2;
  }
  const n = b.findings.reduce((k, e) => k + e.count, 0);
  io.err(`isms: wrote ${n} ${n === 1 ? 'finding' : 'findings'} to the baseline ${relative(process.cwd(), file) || file}${before !== undefined ? ` (it held ${before})` : ''}.`);
  return 0;
}

/** `--baseline FILE`: each finding marked new or unchanged; the baseline's findings that are gone, named on stderr. */
function applyBaseline(run: ProjectRun, given: string, io: Out): { results: FileResult[]; absent: AbsentResult[] } | number {
  const file = baselinePath(run, given);
  let baseline;
  try {
    baseline = parseBaseline(readFileSync(file, 'utf8'), given);
  } catch (e) {
    if (e instanceof BaselineError) io.err(`isms: ${e.message}`);
    else io.err(`isms: cannot read the baseline ${given}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (write one with --write-baseline)' : (e as Error).message}`);
    return 2;
  }
  const files = fileFindings(run);
  const { states, absent } = matchBaseline(baseline, files);
  const byUri = new Map(files.map((f) => [f.file, f]));
  const results = run.results.map((r, i) => {
    const rel = relative(run.root, run.outcomes[i].uri).split(/[\\/]/).join('/');
    const st = byUri.has(rel) ? states.get(rel) : undefined;
    if (!st) return r;
    let k = 0;
    return { ...r, findings: r.findings.map((f) => (f.suppressed ? f : { ...f, baselineState: st[k++] })) };
  });
  const gone = absent.reduce((n, e) => n + e.count, 0);
  if (gone) {
    io.err(`isms: ${gone} ${gone === 1 ? 'finding' : 'findings'} of the baseline ${gone === 1 ? 'is' : 'are'} gone (fixed, or their text changed); run with --write-baseline to drop ${gone === 1 ? 'it' : 'them'}:`);
    for (const e of absent.slice(0, 20)) io.err(`  ${e.file}: [${e.rule}]${e.count > 1 ? ` x${e.count}` : ''} ${e.message}`);
    if (absent.length > 20) io.err(`  ... and ${absent.length - 20} more`);
  }
  const cwdPath = (f: string) => relative(process.cwd(), resolve(run.root, f)).split(/[\\/]/).join('/');
  return { results, absent: absent.map((e) => ({ path: cwdPath(e.file), ruleId: e.rule, message: e.message })) };
}

/** A fix's edits of other files, named by their path relative to the current folder (as the output names files). */
function relativeElsewhere(fix: Finding['fixes'][number]): Finding['fixes'][number] {
  if (!fix.elsewhere) return fix;
  return { ...fix, elsewhere: fix.elsewhere.map((e) => ({ ...e, uri: relative(process.cwd(), e.uri).split('\\').join('/') || e.uri })) };
}

/**
 * Indexes the inventories and infrastructure files of the project that a check of some paths did not read (so
 * that discovery's cross-file rules see them all); false when one could not be read.
 */
export async function indexProject(root: string, config: Config, service: ReturnType<typeof checker>, done: ReadonlySet<string>): Promise<boolean> {
  const { files, skipped } = collect([root], root, config);
  let ok = skipped.length === 0;
  // A .tf outside the paths checked: the grammar, if the check did not need it.
  const more = files.filter((f) => !done.has(f));
  if (!hclParseIfLoaded()) {
    await prepareReaders(more, config);
    if (hclParseIfLoaded()) service.setDiscoveryReaders(discoveryReaders());
  }
  for (const f of files) {
    if (done.has(f)) continue;
    try {
      service.indexFile({ uri: f, text: decode(readFileSync(f)) });
    } catch {
      ok = false;
    }
  }
  return ok;
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
  /** The service that checked them, with the workspace index of every file read. */
  service: ReturnType<typeof checker>;
}

/**
 * Checks every ISMS file under the paths given (`--today`, `--config` from `values`) as `isms check` does:
 * findings per file, cross-file findings added. An exit code instead when the configuration is wrong. With
 * `options.evidence` (coverage and the deliverables), the outcomes carry each file's evidence and the results no
 * findings (check-files.ts CheckOptions).
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
  for (const w of project.warnings) io.err(w);

  // (A large project: the worker threads start loading while the walk goes on.)
  const { files, skipped, ignored } = collect(paths, root, config, { files: PARALLEL_MIN_FILES, then: () => startWorkers(root, config, options) });
  // Globs of .isms.yaml that match nothing (warnings: the exit code stays), when the whole project was walked.
  if (project.configFile && project.configText !== undefined && paths.some((p) => resolve(p) === root)) {
    const rels = files.map((f) => relative(root, f).split('\\').join('/')).concat(ignored);
    for (const w of unmatchedGlobs(project.configText, rels)) io.err(configLine(project.configFile, w));
  }
  for (const s of skipped) io.err(`isms: ${relative(process.cwd(), s.path) || s.path}: ${s.reason}`);
  await prepareReaders(files, config);
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
    if (o.rendered ? o.rendered.unreadable : o.findings.some((f) => f.ruleId === 'file-unreadable')) notChecked++;
    for (const [fw, ids] of o.covered) {
      const set = covered.get(fw) ?? covered.set(fw, new Set()).get(fw)!;
      for (const id of ids) set.add(id);
    }
    service.index.set(o.uri, o.facts);
    results.push(o.rendered ? renderedResult(o.path, o.kind, o.rendered.text, o.rendered.counts) : { path: o.path, kind: o.kind, findings: o.findings });
    if (o.identities.length) identities.set(results.length - 1, { uri: o.uri, list: o.identities });
  }
  // Coverage reads the evidence only (computed from each file's own findings): no cross-file findings, no suppressions.
  if (options.evidence) return { results, outcomes, covered, config, root, notChecked, suppressions: new Map(), service };
  // Discovery (docs/discovery.md): its cross-file rules judge a complete index only: every inventory and
  // infrastructure file of the project, those outside the paths given too (read, not reported).
  const infra = outcomes.some((o) => o.discovery);
  if (config.discovery.enabled && (infra || outcomes.some((o) => o.identities.some((i) => i.sources?.length)))) {
    const complete = paths.some((p) => resolve(p) === root) || await indexProject(root, config, service, new Set(outcomes.map((o) => o.uri)));
    service.setDiscoveryComplete(complete && all.every((o) => !o || 'kind' in o) && !skipped.length);
  }
  outcomes.forEach((o, i) => {
    if (!o.discovery) return;
    results[i].findings = service.discoveryFindings(o.uri, o.discovery, true).map((f) => (f.fixes.some((x) => x.elsewhere) ? { ...f, fixes: f.fixes.map(relativeElsewhere) } : f));
  });
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
  return { results, outcomes, covered, config, root, notChecked, suppressions, service };
}
