#!/usr/bin/env node
// `npm run bench:coverage` (or `node bench/coverage.mjs [--files N] [--runs N] [--edits N] [--write]`): the coverage
// figures of issue 16 on a generated workspace (generate.mjs writeCoverageWorkspace; 10,000 files by default):
//   - the CLI: `isms coverage <dir> --format json` (and --format text, and `isms check <dir> --format json` for
//     comparison): wall time of the whole process and its peak RSS, median of --runs runs;
//   - the language server over stdio with that workspace as its folder: time from `initialize` to the first
//     isms/coverage answer, then "keystroke in an open document (didChange) -> isms/coverage answer" over --edits
//     edits (a quarter leave the evidence equal, the others change it), p50/p95/max, the notifications sent, peak
//     memory (VmHWM).
// Prints Markdown tables to stdout; with --write, also puts them in bench/results.md (between the coverage markers).
// No assertions: see bench/README.md.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeCoverageWorkspace } from './generate.mjs';
import { startServer } from './lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
const FILES = opt('files', 10_000);
const RUNS = opt('runs', 3);
const EDITS = opt('edits', 60);
const WRITE = args.includes('--write');
const TODAY = '2026-11-23';
const work = join(tmpdir(), 'isms-bench');
mkdirSync(work, { recursive: true });
const node = process.execPath;
const progress = (s) => process.stderr.write(`[coverage ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const fmt = (x) => (!Number.isFinite(x) ? '–' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ourNodeArgs = [
  ...JSON.parse(readFileSync(join(root, 'server/src/node/server-node-options.json'), 'utf8')).execArgv,
  ...(process.env.BENCH_OURS_NODE_ARGS ?? '').split(' ').filter(Boolean),
];

// ---------------------------------------------------------------------------------------------- the workspace

const dir = join(work, `coverage-${FILES}`);
progress(`writing ${FILES} files under ${dir}`);
const catalogData = JSON.parse(readFileSync(join(root, 'server/src/core/catalog/catalog-data.json'), 'utf8'));
const counts = writeCoverageWorkspace(dir, FILES, catalogData);

// ---------------------------------------------------------------------------------------------- the CLI

/** One CLI run: wall time (ms, including Node's start), CPU time (ms, all threads), peak RSS (MiB), bytes written, exit code. */
function cli(cmd) {
  const rssFile = join(work, 'coverage-cli-rss');
  const cpuFile = join(work, 'coverage-cli-cpu');
  const outFile = join(work, 'coverage-cli-out');
  const fd = openSync(outFile, 'w');
  const t = performance.now();
  const proc = spawn(node, ['-r', join(root, 'bench/peak-rss.cjs'), ...(process.env.BENCH_CLI_NODE_ARGS ?? '').split(' ').filter(Boolean), join(root, 'bin/isms.js'), ...cmd], {
    cwd: dir,
    env: { ...process.env, BENCH_RSS_FILE: rssFile, BENCH_CPU_FILE: cpuFile },
    stdio: ['ignore', fd, 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    proc.on('exit', (code) => {
      const ms = performance.now() - t;
      closeSync(fd);
      const rss = Number(readFileSync(rssFile, 'utf8')) / 1024;
      const cpu = readFileSync(cpuFile, 'utf8').split(' ').reduce((a, b) => a + Number(b), 0) / 1000;
      if (code !== 0) progress(`  ${cmd.join(' ')}: exit ${code}: ${stderr.slice(0, 300)}`);
      resolve({ ms, cpu, rss, bytes: statSync(outFile).size, code, load: loadavg()[0] });
    }),
  );
}

const CLI = [
  ['coverage', ['coverage', '.', '--format', 'json', '--today', TODAY]],
  ['coverage (text)', ['coverage', '.', '--format', 'text', '--today', TODAY]],
  ['check', ['check', '.', '--format', 'json', '--today', TODAY]],
];
// The commands take turns, run after run: on a shared machine, each then meets the same mix of loads.
const runsOf = new Map(CLI.map(([name]) => [name, []]));
for (let r = 0; r < RUNS; r++) {
  for (const [name, cmd] of CLI) {
    progress(`cli: isms ${cmd.join(' ')} (run ${r + 1} of ${RUNS})`);
    runsOf.get(name).push(await cli(cmd));
  }
}
const cliRows = [];
for (const [name, cmd] of RUNS > 0 ? CLI : []) {
  const runs = runsOf.get(name);
  const row = { name, cmd, ms: median(runs.map((x) => x.ms)), cpu: median(runs.map((x) => x.cpu)), rss: median(runs.map((x) => x.rss)), bytes: runs[0].bytes, code: runs[0].code, load: Math.max(...runs.map((x) => x.load)), all: runs.map((x) => x.ms) };
  progress(`  ${name}: ${fmt(row.ms)} ms (runs: ${row.all.map(fmt).join(', ')}), CPU ${fmt(row.cpu)} ms, peak ${fmt(row.rss)} MiB, ${fmt(row.bytes / 1048576)} MiB out`);
  cliRows.push(row);
}

// ---------------------------------------------------------------------------------------------- the server

/** The open document and its edits: [line, start, end, text, changes the evidence]. */
const docPath = join(dir, 'team-0', 'procedure-2.md');
const docUri = pathToFileURL(docPath).href;
const docText = readFileSync(docPath, 'utf8');
const docLines = docText.split('\n');
const lineOf = (re) => docLines.findIndex((l) => re.test(l));
const PROSE = lineOf(/^Access to system/);
const STATUS = lineOf(/^status:/);
const CONTROLS = lineOf(/^controls:/);
const TITLE = lineOf(/^title:/);

const server = { edits: [], equalEdits: [], changingEdits: [] };
{
  const log = join(work, 'coverage-server.log');
  progress(`server: ${FILES} files, log ${log}`);
  const t0 = performance.now();
  const s = await startServer({
    command: [node, ...ourNodeArgs, join(root, 'dist/server.js'), '--stdio'],
    root: dir,
    settings: (section) => (section === 'isms' ? { today: TODAY } : null),
    log,
  });
  try {
    server.rssBefore = s.memory()?.rss;
    const first = await s.request('isms/coverage', { evidence: false });
    server.first = performance.now() - t0;
    server.firstBytes = JSON.stringify(first).length;
    server.rssAfterFirst = s.memory()?.rss;
    progress(`  first answer after ${fmt(server.first)} ms (${fmt(server.firstBytes / 1024)} KiB), RSS ${fmt(server.rssBefore)} -> ${fmt(server.rssAfterFirst)} MiB`);
    let t = performance.now();
    const whole = await s.request('isms/coverage', {});
    server.whole = performance.now() - t;
    server.wholeBytes = JSON.stringify(whole).length;
    progress(`  whole model: ${fmt(server.whole)} ms, ${fmt(server.wholeBytes / 1048576)} MiB`);

    const diag = s.nextDiagnostics(docUri, (p) => p.version === 1);
    s.open(docUri, 'markdown', docText);
    await diag;
    // Edits, cycling: a character typed into prose (evidence equal), the status set to draft and back, the first
    // listed control replaced and put back, a character typed into the title.
    const firstControl = /controls: \[([^,\]]+)/.exec(docLines[CONTROLS])[1];
    const plan = [];
    for (let i = 0; plan.length < EDITS; i++) {
      const c = i % 4;
      if (c === 0) plan.push({ equal: true, edit: () => s.change(docUri, PROSE, 14, 14, 'x') });
      if (c === 1)
        plan.push({
          equal: false,
          edit: () => {
            const l = s.line(docUri, STATUS);
            s.change(docUri, STATUS, 8, l.length, l.endsWith('draft') ? 'approved' : 'draft');
          },
        });
      if (c === 2)
        plan.push({
          equal: false,
          edit: () => {
            const l = s.line(docUri, CONTROLS);
            const now = /controls: \[([^,\]]+)/.exec(l)[1];
            s.change(docUri, CONTROLS, 11, 11 + now.length, now === firstControl ? 'NHI3' : firstControl);
          },
        });
      if (c === 3) plan.push({ equal: false, edit: () => s.change(docUri, TITLE, s.line(docUri, TITLE).length, s.line(docUri, TITLE).length, 'x') });
    }
    const notesBefore = s.notifications.get('isms/coverageChanged') ?? 0;
    for (const p of plan) {
      t = performance.now();
      p.edit();
      await s.request('isms/coverage', { evidence: false });
      const ms = performance.now() - t;
      server.edits.push(ms);
      (p.equal ? server.equalEdits : server.changingEdits).push(ms);
      await new Promise((r) => setTimeout(r, 20)); // (a little typing rhythm; notifications are debounced 400 ms)
    }
    await new Promise((r) => setTimeout(r, 1000));
    server.notifications = (s.notifications.get('isms/coverageChanged') ?? 0) - notesBefore;
    server.hwm = s.memory()?.hwm;
    server.rssEnd = s.memory()?.rss;
  } catch (e) {
    progress(`  server failed: ${e.stack ?? e}`);
  } finally {
    server.load = loadavg()[0];
    await s.stop();
  }
  if (process.env.BENCH_RAW) progress(`  raw: ${JSON.stringify(server.edits.map((v) => Math.round(v * 10) / 10))}`);
  progress(`  edit -> coverage p50 ${fmt(pct(server.edits, 50))} ms, p95 ${fmt(pct(server.edits, 95))} ms, peak ${fmt(server.hwm)} MiB, ${server.notifications} notifications`);
}

// ---------------------------------------------------------------------------------------------- tables

const check = cliRows.find((r) => r.name === 'check');
const md = [];
md.push(`<!-- coverage:start (written by node bench/coverage.mjs --write) -->`, '');
md.push(`## Coverage (issue 16)`, '');
md.push(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')} · ${Math.round(totalmem() / 2 ** 30)} GiB`, '');
md.push(`Workspace: ${FILES.toLocaleString('en-US')} generated files (${counts.inventories} inventories, ${counts.documents} process documents, ${counts.other} other; six frameworks enabled). CLI figures: median of ${RUNS} runs (the commands taking turns), wall time of the whole process including Node's start, and its CPU time (all threads: the CLI checks on worker threads).`, '');
md.push('| command | wall time (s) | / check | CPU time, all threads (s) | / check | peak RSS (MiB) | output (MiB) | exit code | load average (max) |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of cliRows) md.push(`| \`isms ${r.cmd.join(' ')}\` | ${fmt(r.ms / 1000)} | ${fmt(r.ms / (check?.ms ?? NaN))}× | ${fmt(r.cpu / 1000)} | ${fmt(r.cpu / (check?.cpu ?? NaN))}× | ${fmt(r.rss)} | ${fmt(r.bytes / 1048576)} | ${r.code} | ${fmt(r.load)} |`);
md.push('', `Language server over stdio with that workspace as its folder; ${server.edits.length} edits of one open process document, each followed by \`isms/coverage { evidence: false }\` (a quarter of the edits leave the evidence equal):`, '');
md.push('| figure | value |', '|---|---:|');
md.push(`| initialize → first coverage answer (ms) | ${fmt(server.first)} |`);
md.push(`| first answer (summary and states, KiB) | ${fmt(server.firstBytes / 1024)} |`);
md.push(`| the whole model (\`isms/coverage {}\`) after it (ms) | ${fmt(server.whole)} |`);
md.push(`| the whole model (MiB of JSON) | ${fmt(server.wholeBytes / 1048576)} |`);
md.push(`| edit → coverage answer p50 (ms) | ${fmt(pct(server.edits, 50))} |`);
md.push(`| edit → coverage answer p95 (ms) | ${fmt(pct(server.edits, 95))} |`);
md.push(`| edit → coverage answer max (ms) | ${fmt(Math.max(...server.edits))} |`);
md.push(`| p95, edits that change the evidence (ms) | ${fmt(pct(server.changingEdits, 95))} |`);
md.push(`| p95, edits that leave it equal (ms) | ${fmt(pct(server.equalEdits, 95))} |`);
md.push(`| isms/coverageChanged notifications | ${server.notifications ?? '–'} |`);
md.push(`| RSS before the first request / after it / at the end (MiB) | ${fmt(server.rssBefore)} / ${fmt(server.rssAfterFirst)} / ${fmt(server.rssEnd)} |`);
md.push(`| peak memory (VmHWM, MiB) | ${fmt(server.hwm)} |`);
md.push(`| load average (1 min) at the end | ${fmt(server.load)} |`);
md.push('', '<!-- coverage:end -->');
const table = md.join('\n');
process.stdout.write(table + '\n');
if (WRITE) {
  const file = join(root, 'bench/results.md');
  const old = readFileSync(file, 'utf8');
  const re = /<!-- coverage:start[\s\S]*?<!-- coverage:end -->/;
  writeFileSync(file, re.test(old) ? old.replace(re, table) : `${old.trimEnd()}\n\n${table}\n`);
  progress(`written to ${file}`);
}
