#!/usr/bin/env node
// `npm run bench` (or `node bench/bench.mjs [--quick] [--only ours|peers]`): drives our language server and the
// peers (yaml-language-server, VS Code's Markdown language server) over stdio the way an editor does, on
// deterministic generated documents, and prints one Markdown table (plus the scaling and workspace tables) to
// stdout and to bench/results.md. Progress goes to stderr. No assertions: see bench/README.md for how to read it.
import { spawn } from 'node:child_process';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IDENTITY_LINES, INVENTORY_HEADER_LINES, RUNBOOK_HEADER_LINES, SECTION_LINES, inventory, inventoryEdits, manyFindingsInventory, runbook, runbookEdits, spreadOrder, writeWorkspace } from './generate.mjs';
import { startServer, Timeout } from './lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
/** `--bare-cli`: also `isms lsp --stdio` with no heap sizing at all (ISMS_LSP_RELAUNCHED=1: it runs as started), the before/after of the sizing in one run. */
const BARE_CLI = args.includes('--bare-cli');
/** The date the servers and the CLI take as today (isms.today, --today): findings do not drift with the calendar. */
const TODAY = '2026-11-23';
const P = QUICK
  ? { inventory: 300, sections: 60, scale: [100, 300, 3000], sites: 3, bigSites: 1, queries: 15, workspace: 500 }
  : { inventory: 2000, sections: 500, scale: [200, 2000, 20000], sites: 6, bigSites: 2, queries: 50, workspace: 10000 };
const work = join(tmpdir(), 'isms-bench');
const YAML_DEBOUNCE_MS = 200; // yaml-language-server's SettingsState.validationDelayMs
const BUDGET_MS = 75_000; // keystrokes of one session stop once they have taken this long (reported as measured n of m)
const BIG = { budgetMs: 30_000, timeoutMs: 90_000 }; // the largest inventory of the scaling table
const timeoutLabel = `${BIG.timeoutMs / 1000} s (timed out)`;
mkdirSync(work, { recursive: true });
const progress = (s) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const version = (pkg) => require(`${pkg}/package.json`).version;
const loadBefore = loadavg();

// ---------------------------------------------------------------------------------------------- servers

const node = process.execPath;
/** Our server's Node options: the ones the client starts it with, plus any for profiling (BENCH_OURS_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p'). */
const profileArgs = (process.env.BENCH_OURS_NODE_ARGS ?? '').split(' ').filter(Boolean);
const ourNodeArgs = [...JSON.parse(readFileSync(join(root, 'server/src/node/server-node-options.json'), 'utf8')).execArgv, ...profileArgs];
const isms = join(root, 'bin/isms.js');
const SERVERS = {
  // As VS Code starts it: dist/server.js with the client's execArgv (here over stdio rather than IPC).
  ours: { name: 'ours', path: 'VS Code', command: [node, ...ourNodeArgs, join(root, 'dist/server.js'), '--stdio'], diagnostics: 'push-version' },
  // As Neovim, Helix and other LSP editors start it: `isms lsp --stdio` (one process: it applies the server's heap sizing
  // itself, or replaces itself with Node started with its options where Node has process.execve; node-options.ts).
  oursCli: { name: 'ours (isms lsp --stdio)', path: 'isms lsp --stdio', command: [node, ...profileArgs, isms, 'lsp', '--stdio'], diagnostics: 'push-version' },
  oursCliBare: { name: 'ours (isms lsp --stdio, no Node options)', path: 'isms lsp --stdio, no Node options', command: [node, ...profileArgs, isms, 'lsp', '--stdio'], env: { ISMS_LSP_RELAUNCHED: '1' }, diagnostics: 'push-version' },
  yaml: { name: 'yaml-language-server', command: [node, require.resolve('yaml-language-server/bin/yaml-language-server'), '--stdio'], diagnostics: 'push' },
  yamlNoDebounce: { name: 'yaml-language-server (debounce 0)', command: [node, join(root, 'bench/yaml-no-debounce.cjs'), '--stdio'], diagnostics: 'push' },
  markdown: {
    name: 'vscode-markdown-languageserver',
    command: [node, join(dirname(require.resolve('vscode-markdown-languageserver/package.json')), 'dist/node/workerMain.js'), '--stdio'],
    diagnostics: 'pull',
    initializationOptions: { markdownFileExtensions: ['md'] },
  },
};

/** The inventory's JSON Schema for yaml-language-server: ours if it exists, else a minimal temporary one. */
function inventorySchema() {
  const real = join(root, 'schemas/nhi-inventory.schema.json');
  if (existsSync(real)) return { path: real, label: 'schemas/nhi-inventory.schema.json' };
  const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A date, YYYY-MM-DD.' };
  const identity = {
    type: 'object',
    required: ['id', 'type', 'owner'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', description: 'Stable identifier of the identity.' },
      name: { type: 'string', description: 'Human-readable name.' },
      type: { enum: ['service-account', 'api-key', 'token', 'certificate', 'workload-identity', 'ci-cd-token', 'ai-agent', 'ssh-key', 'oauth-client'], description: 'Kind of non-human identity.' },
      owner: { type: 'string', description: 'Accountable owner (team or person).' },
      purpose: { type: 'string', description: 'Why the identity exists.' },
      environment: { enum: ['prod', 'staging', 'dev', 'test'], description: 'Environment.' },
      platform: { type: 'string', description: 'Where the identity lives.' },
      privilege: { enum: ['admin', 'scoped', 'read-only'], description: 'Privilege level.' },
      scopes: { type: 'array', items: { type: 'string' }, description: 'Granted scopes or permissions.' },
      credential: { enum: ['static-secret', 'federated', 'certificate', 'none'], description: 'Kind of credential.' },
      secret_store: { type: 'string', description: 'Where the secret is stored.' },
      rotation: { type: 'string', pattern: '^P(\\d+[YMWD])+$', description: 'Rotation interval, ISO 8601 duration.' },
      last_rotated: date, expires: date, last_reviewed: date, last_used: date,
      review_cadence: { enum: ['monthly', 'quarterly', 'semiannual', 'annual'], description: 'How often the identity is reviewed.' },
      third_party: { type: 'boolean', description: 'Managed by a third party.' },
      used_by: { type: 'array', items: { type: 'string' }, description: 'Workloads using the identity.' },
      offboarding: { type: 'string', description: 'Offboarding runbook.' },
      controls: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9:. ()-]+$' }, description: 'Control references.' },
    },
  };
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'NHI inventory (temporary bench schema)',
    type: 'object',
    required: ['kind', 'identities'],
    properties: { kind: { const: 'nhi-inventory' }, defaults: { type: 'object' }, identities: { type: 'array', items: identity } },
  };
  const path = join(work, 'nhi-inventory.bench-schema.json');
  writeFileSync(path, JSON.stringify(schema, null, 2));
  return { path, label: 'a temporary minimal schema written by the bench (schemas/nhi-inventory.schema.json was missing)' };
}
const schema = inventorySchema();

function settingsFor(section) {
  if (section === 'yaml') {
    return {
      validate: true, hover: true, completion: true, format: { enable: false },
      schemaStore: { enable: false }, kubernetesCRDStore: { enable: false },
      schemas: { [pathToFileURL(schema.path).href]: ['*.nhi.yaml', '*.nhi.yml'] },
    };
  }
  if (section === 'http') return { proxy: '', proxyStrictSSL: false };
  if (section === 'isms') return { today: TODAY };
  if (section === 'editor' || section === '[yaml]') return {};
  return null;
}
const markdownSettings = {
  markdown: {
    server: { log: 'off' },
    preferredMdPathExtensionStyle: 'auto',
    occurrencesHighlight: { enabled: false },
    suggest: { paths: { enabled: true, includeWorkspaceHeaderCompletions: 'onDoubleHash' } },
    validate: {
      enabled: true,
      referenceLinks: { enabled: 'warning' },
      fragmentLinks: { enabled: 'warning' },
      fileLinks: { enabled: 'warning', markdownFragmentLinks: 'inherit' },
      ignoredLinks: [],
      unusedLinkDefinitions: { enabled: 'hint' },
      duplicateLinkDefinitions: { enabled: 'warning' },
    },
  },
};

// ---------------------------------------------------------------------------------------------- documents

/** Completion / hover positions: control IDs, keys and values, spread through the document. */
function inventoryQueries(line, n, count) {
  const out = [];
  for (const q of spreadOrder(count)) {
    const i = Math.floor(((q + 0.5) * n) / count);
    const base = INVENTORY_HEADER_LINES + IDENTITY_LINES * i;
    const c = line(base + 20);
    const open = c.indexOf('[') + 1;
    switch (q % 5) {
      case 0: out.push({ line: base + 20, character: open + 4, what: 'control ID' }); break;
      case 1: out.push({ line: base + 7, character: 6, what: 'key' }); break;
      case 2: out.push({ line: base + 2, character: '    type: '.length + 3, what: 'value' }); break;
      case 3: out.push({ line: base + 11, character: line(base + 11).length, what: 'value end' }); break;
      default: out.push({ line: base + 20, character: c.indexOf(', ') + 2, what: 'second control ID start' });
    }
  }
  return out;
}

function runbookQueries(line, sections, count) {
  const out = [];
  for (const q of spreadOrder(count)) {
    const s = Math.floor(((q + 0.5) * sections) / count);
    const base = RUNBOOK_HEADER_LINES + SECTION_LINES * s;
    switch (q % 5) {
      case 0: out.push({ line: base + 3, character: line(base + 3).indexOf('PR.AA-01') + 4, what: 'control ID in prose' }); break;
      case 1: out.push({ line: base + 1, character: 5, what: 'heading' }); break;
      case 2: out.push({ line: base + 15, character: line(base + 15).indexOf('CSF:') + 6, what: 'control ID in table' }); break;
      case 3: out.push({ line: base + 7, character: line(base + 7).indexOf('#') + 3, what: 'link fragment' }); break;
      default: out.push({ line: base + 16, character: line(base + 16).indexOf('A.5.18') + 3, what: 'ISO ID in table' });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- measuring

const statsOf = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b); // a timeout counts as +Infinity
  if (!s.length) return { p50: NaN, p95: NaN, max: NaN, n: 0, failed: xs.length };
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { p50: q(0.5), p95: q(0.95), max: s[s.length - 1], n: s.length, failed: xs.length - s.length };
};
const count = (r) => (Array.isArray(r) ? r.length : r?.items?.length ?? 0);
const hoverText = (r) => {
  const c = r?.contents;
  if (!c) return '';
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('');
  return c.value ?? '';
};

/** Messages of the diagnostics whose range covers `line`. */
const messagesOn = (diags, line) => new Set(diags.filter((d) => d.range.start.line <= line && line <= d.range.end.line).map((d) => d.message));
/** An `error+` edit must bring a new diagnostic on its line, an `error-` edit must take one away. */
function errorSeen(edit, before, after) {
  const b = messagesOn(before, edit.line);
  const a = messagesOn(after, edit.line);
  return edit.kind === 'error+' ? [...a].some((m) => !b.has(m)) : [...b].some((m) => !a.has(m));
}

/**
 * One editor session: start `server`, open `doc`, type the keystrokes of `edits`, then `queries` completions
 * and hovers. Returns the figures (ms, MiB).
 */
async function session(server, doc, { edits = [], queries = [], label, budgetMs = Infinity, timeoutMs }) {
  progress(`${label}: ${server.name}, ${doc.lines} lines, ${edits.length} keystrokes, ${queries.length} completions + hovers`);
  const dir = join(work, doc.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, doc.file);
  writeFileSync(path, doc.text);
  writeExtra(dir, doc);
  const uri = pathToFileURL(path).href;
  const s = await startServer({
    command: server.command,
    env: server.env,
    root: dir,
    settings: settingsFor,
    initializationOptions: server.initializationOptions,
    log: join(work, `${doc.dir}-${server.name.replace(/\W+/g, '-')}.log`),
    timeoutMs,
  });
  if (server === SERVERS.markdown) s.notify('workspace/didChangeConfiguration', { settings: markdownSettings });
  await sleep(500); // let the server pull its configuration, as it would while the editor restores its tabs

  let version = 0;
  /** Sends a change (or the open) and resolves with [ms, diagnostics] when its diagnostics arrive. */
  async function timed(send) {
    const v = version + 1;
    const pushed = server.diagnostics === 'push-version' ? s.nextDiagnostics(uri, (p) => p.version === v)
      : server.diagnostics === 'push' ? s.nextDiagnostics(uri) : undefined;
    const t = performance.now();
    version = send();
    const r = pushed ? (await pushed).diagnostics : (await s.request('textDocument/diagnostic', { textDocument: { uri } })).items;
    return [performance.now() - t, r];
  }
  const loadStart = loadavg()[0];
  const out = { loadStart, timeouts: 0, skipped: 0, open: NaN, keystroke: [], completion: [], hover: [], errorEdits: 0, errorEditsSeen: 0, completionsNonEmpty: 0, hoversNonEmpty: 0, diagnosticsAtOpen: NaN };
  try {
    const [ms, diags] = await timed(() => s.open(uri, doc.languageId, doc.text));
    out.open = ms;
    out.diagnosticsAtOpen = diags.length;
    await sleep(1000); // a publish triggered by anything else (schema load, config) must not be taken for a keystroke's
    let before = diags;
    const t0 = performance.now();
    for (const e of edits) {
      if (out.keystroke.length && performance.now() - t0 > budgetMs) {
        out.skipped++; // the time budget of this session is spent
        continue;
      }
      try {
        const [kms, d] = await timed(() => {
          const start = e.at === 'end' ? s.line(uri, e.line).length : e.start;
          const end = e.at === 'end' ? start : e.end;
          return s.change(uri, e.line, start, end, e.text);
        });
        out.keystroke.push(kms);
        if (e.kind !== 'type') {
          out.errorEdits++;
          if (errorSeen(e, before, d)) out.errorEditsSeen++;
        }
        before = d;
      } catch (err) {
        progress(`  keystroke failed: ${err.message}`);
        out.keystroke.push(err instanceof Timeout ? Infinity : NaN);
        if (err instanceof Timeout) {
          out.timeouts++;
          break; // the server is still busy with it: what follows would measure the backlog
        }
      }
    }
    const tq = performance.now();
    for (const q of out.timeouts ? [] : queries) {
      if (out.completion.length && performance.now() - tq > budgetMs) break; // budget spent: fewer, still spread, queries
      const position = { line: q.line, character: q.character };
      let t = performance.now();
      try {
        const r = await s.request('textDocument/completion', { textDocument: { uri }, position, context: { triggerKind: 1 } });
        out.completion.push(performance.now() - t);
        if (count(r) > 0) out.completionsNonEmpty++;
      } catch (err) {
        progress(`  completion failed: ${err.message}`);
        out.completion.push(NaN);
      }
      t = performance.now();
      try {
        const r = await s.request('textDocument/hover', { textDocument: { uri }, position });
        out.hover.push(performance.now() - t);
        if (hoverText(r).trim()) out.hoversNonEmpty++;
      } catch (err) {
        progress(`  hover failed: ${err.message}`);
        out.hover.push(NaN);
      }
    }
  } catch (err) {
    progress(`  session failed: ${err.message}`);
    if (err instanceof Timeout && Number.isNaN(out.open)) out.open = Infinity;
  } finally {
    if (process.env.BENCH_RAW) progress(`  raw: ${JSON.stringify({ keystroke: out.keystroke, completion: out.completion, hover: out.hover }, (_, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);
    const m = s.memory();
    out.memory = m?.hwm ?? NaN;
    out.launcherMemory = m?.launcher?.hwm ?? NaN; // a second process (an `isms lsp` that starts Node once more, as before 0f08d9c): the first, apart
    out.load = loadavg()[0]; // other work on the machine skews every figure: shown next to them
    out.unknownRequests = [...s.unknownRequests.keys()];
    await s.stop();
  }
  out.keystrokeStats = statsOf(out.keystroke);
  out.completionStats = statsOf(out.completion);
  out.hoverStats = statsOf(out.hover);
  out.queries = queries.length;
  out.planned = edits.length;
  progress(`  open ${fmt(out.open)} ms, keystroke p50 ${fmt(out.keystrokeStats.p50)} ms, completion p50 ${fmt(out.completionStats.p50)} ms, hover p50 ${fmt(out.hoverStats.p50)} ms, peak ${fmt(out.memory)} MiB`);
  return out;
}

/** Runs `node <argv>` with the peak-RSS preload; wall time (Node's start included), peak RSS (MiB), exit code, output. */
async function timedNode(argv, { cwd } = {}) {
  const rssFile = join(work, 'cli-peak-rss');
  rmSync(rssFile, { force: true });
  const t = performance.now();
  const proc = spawn(node, ['-r', join(root, 'bench/peak-rss.cjs'), ...argv], { cwd, env: { ...process.env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  proc.stdout.on('data', (d) => chunks.push(d));
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise((r) => proc.on('exit', (c) => r(c)));
  const wall = performance.now() - t;
  const peak = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  return { wall, peak, code, stdout: Buffer.concat(chunks).toString(), stderr, load: loadavg()[0] };
}

/** Findings of `isms check <file> --format json --today TODAY` run where the session's document lies (its count is printed). */
async function cliFindings(dir, file) {
  const r = await timedNode([isms, 'check', join(dir, file), '--format', 'json', '--today', TODAY], { cwd: dir });
  try {
    return JSON.parse(r.stdout).files.reduce((n, f) => n + f.findings.length, 0);
  } catch {
    return NaN;
  }
}

/** Writes the files a document refers to (the inventories' offboarding runbook) next to it. */
function writeExtra(dir, doc) {
  for (const [rel, text] of Object.entries(doc.extra ?? {})) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  if (doc.extra) writeFileSync(join(dir, '.isms.yaml'), '{}\n'); // the project root: links resolve from here
}

/**
 * `isms check <dir> --format json` on a generated workspace, then markdownlint-cli2 on the same files (every .md and
 * .yaml file: it reads each as Markdown; with a config outside the folder, so our CLI does not see it): wall time and
 * peak RSS of each process.
 */
async function workspaceFigure(files) {
  const dir = join(work, `workspace-${files}`);
  progress(`workspace: writing ${files} files under ${dir}`);
  const counts = writeWorkspace(dir, files);
  progress('workspace: isms check');
  const r = await timedNode([isms, 'check', dir, '--format', 'json', '--today', TODAY]);
  let findings = NaN;
  let checked = NaN;
  try {
    const json = JSON.parse(r.stdout);
    checked = json.files?.length ?? NaN;
    findings = (json.files ?? []).reduce((n, f) => n + (f.findings?.length ?? 0), 0);
  } catch {
    progress(`workspace: output is not JSON (exit ${r.code}): ${r.stderr.slice(0, 300)}`);
  }
  progress(`  ${fmt(r.wall)} ms, peak ${fmt(r.peak)} MiB, exit ${r.code}`);
  // Ours on exactly the files markdownlint-cli2 reads with **/*.md (paths given on the command line, as a user names
  // files; the project's inventories are still read for the cross-file rules, as they always are).
  const mdFiles = [];
  for (const sub of readdirSync(dir).sort()) {
    if (!statSync(join(dir, sub)).isDirectory()) continue;
    for (const f of readdirSync(join(dir, sub)).sort()) if (f.endsWith('.md')) mdFiles.push(`${sub}/${f}`);
  }
  progress(`workspace: isms check on its ${mdFiles.length} Markdown files`);
  const rMd = await timedNode([isms, 'check', ...mdFiles, '--format', 'json', '--today', TODAY], { cwd: dir });
  let mdFindings = NaN;
  try {
    mdFindings = JSON.parse(rMd.stdout).files.reduce((n, f) => n + f.findings.length, 0);
  } catch {
    progress(`workspace: output is not JSON (exit ${rMd.code}): ${rMd.stderr.slice(0, 300)}`);
  }
  progress(`  ${fmt(rMd.wall)} ms, peak ${fmt(rMd.peak)} MiB, exit ${rMd.code}`);
  const mdOnly = { wall: rMd.wall, peak: rMd.peak, code: rMd.code, findings: mdFindings, checked: mdFiles.length, load: rMd.load };
  // Twice: on the Markdown files only (what it is meant for: the comparison the issue's target is about), and on every
  // file ours reads (globs **/*.md and **/*.yaml: it then reads YAML as Markdown, slowly).
  const lints = {};
  for (const [name, globs] of [['md', ['**/*.md']], ['all', ['**/*.md', '**/*.yaml']]]) {
    try {
      const pkg = join(root, 'node_modules/markdownlint-cli2'); // (its package.json is not among its exports)
      const bin = join(pkg, 'markdownlint-cli2-bin.mjs');
      const config = join(work, `bench.markdownlint-cli2.${name}.jsonc`);
      // Its default rules; no output file; a config outside the folder, so our CLI does not see it.
      writeFileSync(config, JSON.stringify({ config: { default: true }, globs }, null, 2));
      progress(`workspace: markdownlint-cli2 ${globs.join(' ')}`);
      const m = await timedNode([bin, '--config', config], { cwd: dir });
      const summary = /Summary: (\d+) error/.exec(m.stdout + m.stderr);
      const linted = /Linting: (\d+) file/.exec(m.stdout + m.stderr);
      lints[name] = { ...m, globs, version: JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version, findings: summary ? Number(summary[1]) : NaN, checked: linted ? Number(linted[1]) : NaN };
      progress(`  ${fmt(m.wall)} ms, peak ${fmt(m.peak)} MiB, exit ${m.code}, ${linted?.[0] ?? '?'}, ${summary?.[0] ?? (m.stderr || m.stdout).slice(0, 200)}`);
    } catch (err) {
      progress(`  markdownlint-cli2 failed: ${err.message}`);
    }
  }
  const lint = lints.md;
  const lintAll = lints.all;
  return { dir, files, counts, wall: r.wall, peak: r.peak, code: r.code, findings, checked, load: r.load, lint, lintAll, md: mdOnly };
}

/**
 * Our server with the workspace of the CLI figure as its folder and both big documents open in it: the memory goal
 * of the issue (both documents open plus the workspace indexed). Waits for both first diagnostics and then for the
 * server's memory to settle (indexing in the background), types 8 keystrokes into each document, reads VmHWM.
 */
async function combinedFigure(wsDir, docs) {
  progress(`combined: ours on ${wsDir} with ${docs.map((d) => d.file).join(' and ')} open`);
  const s = await startServer({ command: SERVERS.ours.command, root: wsDir, settings: settingsFor, log: join(work, 'combined-ours.log') });
  const out = { open: NaN, keystroke: [], memory: NaN, settle: NaN };
  try {
    await sleep(500);
    const opened = docs.map((d) => {
      const path = join(wsDir, d.file);
      writeFileSync(path, d.text);
      return { ...d, uri: pathToFileURL(path).href, version: 1 };
    });
    const t = performance.now();
    const first = opened.map((d) => s.nextDiagnostics(d.uri, (p) => p.version === 1));
    for (const d of opened) s.open(d.uri, d.languageId, d.text);
    await Promise.all(first);
    out.open = performance.now() - t;
    // settle: memory steady (< 2 MiB change) for 3 s, at most 60 s
    const t1 = performance.now();
    let last = s.memory()?.rss ?? 0;
    let steady = 0;
    while (performance.now() - t1 < 60_000 && steady < 6) {
      await sleep(500);
      const now = s.memory()?.rss ?? 0;
      steady = Math.abs(now - last) < 2 ? steady + 1 : 0;
      last = now;
    }
    out.settle = performance.now() - t1;
    for (const d of opened) {
      for (const e of d.edits.slice(0, 8)) {
        const v = ++d.version;
        const p = s.nextDiagnostics(d.uri, (x) => x.version === v);
        const k = performance.now();
        const start = e.at === 'end' ? s.line(d.uri, e.line).length : e.start;
        s.change(d.uri, e.line, start, e.at === 'end' ? start : e.end, e.text);
        await p;
        out.keystroke.push(performance.now() - k);
      }
    }
  } catch (err) {
    progress(`  combined failed: ${err.message}`);
  } finally {
    out.memory = s.memory()?.hwm ?? NaN;
    out.load = loadavg()[0];
    await s.stop();
  }
  out.keystrokeStats = statsOf(out.keystroke);
  if (process.env.BENCH_RAW) progress(`  raw: ${JSON.stringify(out.keystroke.map((v) => Math.round(v * 10) / 10))}`);
  progress(`  open ${fmt(out.open)} ms, settled after ${fmt(out.settle)} ms, keystroke p95 ${fmt(out.keystrokeStats.p95)} ms, peak ${fmt(out.memory)} MiB`);
  return out;
}

// ---------------------------------------------------------------------------------------------- formatting

function fmt(x) {
  if (x === Infinity) return `> ${timeoutLabel}`;
  if (!Number.isFinite(x)) return '–';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
const ratio = (a, b) => {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return '–';
  const r = a / b;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
};
const cell = (x, failed) => `${fmt(x)}${failed ? ` (${failed} failed)` : ''}`;

function mainTable(r) {
  const { ours: oi, yaml: y, yaml0: y0, oursRb: or, md } = r;
  const rows = [];
  const head = ['figure', `ours, inventory`, `yaml-language-server ${version('yaml-language-server')}`, 'yaml-ls, debounce 0', 'ours / yaml-ls', 'ours / yaml-ls (debounce 0)',
    'ours, runbook', `vscode-markdown-languageserver ${version('vscode-markdown-languageserver')}`, 'ours / markdown'];
  rows.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`);
  const line = (name, f, unit = 'ms') => {
    const v = (x) => (x ? f(x) : NaN);
    rows.push(`| ${name} (${unit}) | ${fmt(v(oi))} | ${fmt(v(y))} | ${fmt(v(y0))} | ${ratio(v(oi), v(y))} | ${ratio(v(oi), v(y0))} | ${fmt(v(or))} | ${fmt(v(md))} | ${ratio(v(or), v(md))} |`);
  };
  line('open → first diagnostics', (x) => x.open);
  for (const [k, label] of [['keystrokeStats', 'keystroke → diagnostics'], ['completionStats', 'completion'], ['hoverStats', 'hover']]) {
    for (const p of ['p50', 'p95', 'max']) line(`${label} ${p}`, (x) => x[k][p]);
    if (k === 'keystrokeStats' && y) {
      // the other way to take the debounce out: subtract it from the as-shipped figures
      for (const p of ['p50', 'p95']) {
        const v = y.keystrokeStats[p] - YAML_DEBOUNCE_MS;
        rows.push(`| keystroke → diagnostics ${p} − ${YAML_DEBOUNCE_MS} ms debounce (computed) (ms) | | ${fmt(v)} | | ${oi ? ratio(oi.keystrokeStats[p], v) : '–'} | | | | |`);
      }
    }
  }
  line('peak memory (VmHWM)', (x) => x.memory, 'MiB');
  const n = (x, f) => (x ? f(x) : '–');
  const ks = keystrokeCount;
  rows.push(`| keystrokes measured | ${n(oi, ks)} | ${n(y, ks)} | ${n(y0, ks)} | | | ${n(or, ks)} | ${n(md, ks)} | |`);
  const seen = (x) => `${x.errorEditsSeen}/${x.errorEdits}`;
  rows.push(`| error edits reflected in diagnostics | ${n(oi, seen)} | ${n(y, seen)} | ${n(y0, seen)} | | | ${n(or, seen)} | ${n(md, seen)} | |`);
  const ne = (k) => (x) => (x.queries ? `${x[k]}/${x.completion.length}${x.completion.length < x.queries ? ` (of ${x.queries} planned)` : ''}` : '–');
  rows.push(`| non-empty completions | ${n(oi, ne('completionsNonEmpty'))} | ${n(y, ne('completionsNonEmpty'))} | – | | | ${n(or, ne('completionsNonEmpty'))} | ${n(md, ne('completionsNonEmpty'))} | |`);
  rows.push(`| non-empty hovers | ${n(oi, ne('hoversNonEmpty'))} | ${n(y, ne('hoversNonEmpty'))} | – | | | ${n(or, ne('hoversNonEmpty'))} | ${n(md, ne('hoversNonEmpty'))} | |`);
  const ld = (x) => x.load.toFixed(1);
  rows.push(`| load average (1 min) at the end of the session | ${n(oi, ld)} | ${n(y, ld)} | ${n(y0, ld)} | | | ${n(or, ld)} | ${n(md, ld)} | |`);
  return rows.join('\n');
}

/** "measured of planned", with timeouts, failures and the keystrokes left out when the session's budget ran out. */
function keystrokeCount(x) {
  const failed = x.keystroke.filter((k) => Number.isNaN(k)).length;
  let s = `${x.keystroke.length - failed - x.timeouts}`;
  if (x.timeouts) s += ` + ${x.timeouts} timed out`;
  if (failed) s += ` + ${failed} failed`;
  return x.skipped || x.timeouts ? `${s} of ${x.planned}` : s;
}

function scalingTable(scaling) {
  const rows = ['| identities | lines | MiB | open → first diagnostics (ms) | keystroke p50 (ms) | keystroke p95 (ms) | keystroke max (ms) | keystrokes | peak memory (MiB) | load average |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const s of scaling) {
    const k = s.result.keystrokeStats;
    rows.push(`| ${s.n.toLocaleString('en-US')} | ${s.lines.toLocaleString('en-US')} | ${(s.bytes / 1048576).toFixed(1)} | ${fmt(s.result.open)} | ${fmt(k.p50)} | ${fmt(k.p95)} | ${fmt(k.max)} | ${keystrokeCount(s.result)} | ${fmt(s.result.memory)} | ${s.result.load.toFixed(1)} |`);
  }
  return rows.join('\n');
}

// ---------------------------------------------------------------------------------------------- run

const started = performance.now();
const RUNBOOK_FILE = '---\ntitle: Offboard a service account\ntype: runbook\nowner: sre@bank.example\n---\n# Offboard a service account\n';
/** Inventories name `runbooks/offboard-service-account.md` as their offboarding: it is written next to them. */
const invExtra = { 'runbooks/offboard-service-account.md': RUNBOOK_FILE };
const mkDoc = (dir, file, languageId, text, extra) => ({ dir, file, languageId, text, lines: text.split('\n').length - 1, bytes: Buffer.byteLength(text), textLines: text.split('\n'), extra });
const invDoc = (n, text) => mkDoc(`inventory-${n}`, `identities-${n}.nhi.yaml`, 'yaml', text, invExtra);
const inv = invDoc(P.inventory, inventory(P.inventory));
const rb = mkDoc(`runbook-${P.sections}`, 'operations-runbook.md', 'markdown', runbook(P.sections));
const rbBroken = mkDoc(`runbook-broken-${P.sections}`, 'operations-runbook.md', 'markdown', runbook(P.sections, { brokenLinks: 0.3 }));
const many = mkDoc(`inventory-many-${P.inventory}`, `identities-many-${P.inventory}.nhi.yaml`, 'yaml', manyFindingsInventory(P.inventory), invExtra);
const bigN = P.scale[P.scale.length - 1];
const big = invDoc(bigN, inventory(bigN));
const lineOf = (lines) => (l) => lines[l];
for (const d of [inv, many]) {
  d.edits = inventoryEdits(d.textLines, P.inventory, P.sites);
  d.queries = inventoryQueries(lineOf(d.textLines), P.inventory, P.queries);
}
for (const d of [rb, rbBroken]) {
  d.edits = runbookEdits(d.textLines, P.sections, P.sites);
  d.queries = runbookQueries(lineOf(d.textLines), P.sections, P.queries);
}
big.edits = inventoryEdits(big.textLines, bigN, P.bigSites);
big.queries = [];
inv.label = `inventory, ${P.inventory.toLocaleString('en-US')} identities`;
many.label = `many-findings inventory, ${P.inventory.toLocaleString('en-US')} identities`;
rb.label = `runbook, ${P.sections} sections`;
rbBroken.label = `runbook, ${P.sections} sections, ${Math.round(P.sections * 2 * 0.3)} of ${P.sections * 2} fragment links broken`;
big.label = `inventory, ${bigN.toLocaleString('en-US')} identities`;
big.opts = BIG;
// The two documents of issue 19 get the large inventory's budgets: a server that is slow on them (a suggestion for each
// broken link at each keystroke) must not hold the run up by minutes per session.
rbBroken.opts = BIG;
many.opts = BIG;

// The findings of each document, by the CLI where the session's document lies (the server should publish as many).
for (const d of [inv, many, rb, rbBroken]) {
  const dir = join(work, d.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, d.file), d.text);
  writeExtra(dir, d);
  d.findings = await cliFindings(dir, d.file);
  progress(`${d.label}: ${d.lines.toLocaleString('en-US')} lines, ${d.findings.toLocaleString('en-US')} findings (isms check --today ${TODAY})`);
}

const r = {};
const runOurs = only !== 'peers';
const runPeers = only !== 'ours';
const PATHS = [SERVERS.ours, SERVERS.oursCli, ...(BARE_CLI ? [SERVERS.oursCliBare] : [])];
/** Sessions of ours on each launch path, per document: paths[doc.dir][server.path]. */
const paths = {};
const run = (server, d, withQueries = true) =>
  session(server, d, { edits: d.edits, queries: withQueries ? d.queries : [], label: d.label, ...(d.opts ?? { budgetMs: BUDGET_MS }) });
if (runOurs) {
  for (const d of [inv, rb, rbBroken, many, big]) {
    paths[d.dir] = {};
    for (const server of PATHS) paths[d.dir][server.path] = await run(server, d);
  }
  r.ours = paths[inv.dir][SERVERS.ours.path];
  r.oursRb = paths[rb.dir][SERVERS.ours.path];
}
const peers = {};
if (runPeers) {
  r.yaml = await run(SERVERS.yaml, inv);
  r.yaml0 = await run(SERVERS.yamlNoDebounce, inv, false);
  r.md = await run(SERVERS.markdown, rb);
  peers[inv.dir] = { name: `yaml-language-server ${version('yaml-language-server')}`, result: r.yaml };
  peers[rb.dir] = { name: `vscode-markdown-languageserver ${version('vscode-markdown-languageserver')}`, result: r.md };
  // The new documents: keystrokes only (completion and hover do not depend on the findings).
  peers[many.dir] = { name: `yaml-language-server ${version('yaml-language-server')}`, result: await run(SERVERS.yaml, many, false) };
  peers[rbBroken.dir] = { name: `vscode-markdown-languageserver ${version('vscode-markdown-languageserver')}`, result: await run(SERVERS.markdown, rbBroken, false) };
}

const scaling = [];
if (runOurs) {
  for (const n of P.scale) {
    const d = n === P.inventory ? inv : n === bigN ? big : undefined;
    if (d) {
      scaling.push({ n, lines: d.lines, bytes: d.bytes, result: paths[d.dir][SERVERS.ours.path] });
      continue;
    }
    const small = invDoc(n, inventory(n));
    const result = await session(SERVERS.ours, small, { edits: inventoryEdits(small.textLines, n, P.sites), label: `scaling ${n}`, budgetMs: BUDGET_MS });
    scaling.push({ n, lines: small.lines, bytes: small.bytes, result });
  }
}
const ws = runOurs ? await workspaceFigure(P.workspace) : undefined;
const combined = ws ? await combinedFigure(ws.dir, [inv, rb]) : undefined;
if (ws) rmSync(ws.dir, { recursive: true, force: true });
const loadAfter = loadavg();

function pathsTable() {
  const head = ['document', 'findings (CLI)', 'server', 'open → first diagnostics (ms)', 'keystroke p50 (ms)', 'keystroke p95 (ms)', 'keystroke max (ms)', 'keystrokes',
    'completion p95 (ms)', 'hover p95 (ms)', 'diagnostics at open', 'peak memory, server process (MiB)', 'launcher process (MiB)', 'load average, start → end', 'keystroke p95, ours / peer'];
  const rows = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`];
  const row = (d, name, x, peer) => {
    const k = x.keystrokeStats;
    rows.push(`| ${d.label} | ${Number.isFinite(d.findings) ? d.findings.toLocaleString('en-US') : '–'} | ${name} | ${fmt(x.open)} | ${fmt(k.p50)} | ${fmt(k.p95)} | ${fmt(k.max)} | ${keystrokeCount(x)} | ` +
      `${fmt(x.completionStats.p95)} | ${fmt(x.hoverStats.p95)} | ${Number.isFinite(x.diagnosticsAtOpen) ? x.diagnosticsAtOpen.toLocaleString('en-US') : '–'} | ${fmt(x.memory)} | ${fmt(x.launcherMemory)} | ${x.loadStart.toFixed(1)} → ${x.load.toFixed(1)} | ${peer ? ratio(k.p95, peer.keystrokeStats.p95) : ''} |`);
  };
  for (const d of [inv, rb, rbBroken, many, big]) {
    const peer = peers[d.dir];
    for (const server of PATHS) if (paths[d.dir]?.[server.path]) row(d, `ours, ${server.path}`, paths[d.dir][server.path], peer?.result);
    if (peer) row(d, peer.name, peer.result);
  }
  return rows.join('\n');
}

/** The figures table.mjs reads (README's speed table), kept in results.md as a comment. */
function data() {
  const pick = (x) => x && {
    open: x.open, p50: x.keystrokeStats.p50, p95: x.keystrokeStats.p95, max: x.keystrokeStats.max, keystrokes: keystrokeCount(x),
    completion: [x.completionStats.p50, x.completionStats.p95], hover: [x.hoverStats.p50, x.hoverStats.p95], memory: x.memory, launcher: x.launcherMemory,
    diagnostics: x.diagnosticsAtOpen, load: [x.loadStart, x.load],
  };
  const docs = {};
  for (const d of [inv, rb, rbBroken, many, big]) {
    docs[d.dir] = { label: d.label, lines: d.lines, bytes: d.bytes, findings: d.findings, ours: Object.fromEntries(Object.entries(paths[d.dir] ?? {}).map(([k, v]) => [k, pick(v)])), peer: peers[d.dir] && { name: peers[d.dir].name, ...pick(peers[d.dir].result) } };
  }
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' '), today: TODAY, node: process.version, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown CPU',
    memory: totalmem(), loadBefore, loadAfter, seconds: Math.round((performance.now() - started) / 1000), docs, yaml0: pick(r.yaml0),
    workspace: ws && { files: ws.files, wall: ws.wall, peak: ws.peak, findings: ws.findings, md: ws.md, lint: ws.lint && { version: ws.lint.version, wall: ws.lint.wall, peak: ws.lint.peak, findings: ws.lint.findings, checked: ws.lint.checked }, lintAll: ws.lintAll && { version: ws.lintAll.version, wall: ws.lintAll.wall, peak: ws.lintAll.peak, findings: ws.lintAll.findings, checked: ws.lintAll.checked } },
    combined: combined && { open: combined.open, p95: combined.keystrokeStats.p95, memory: combined.memory },
  };
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const la = (l) => l.map((x) => x.toFixed(2)).join(' / ');
const md = [];
md.push(`# isms-author bench${QUICK ? ' (--quick)' : ''}`, '');
md.push(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${cpus().length} cores × ${cpu} · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · ` +
  `load average (1 / 5 / 15 min) ${la(loadBefore)} before, ${la(loadAfter)} after · total bench time ${Math.round((performance.now() - started) / 1000)} s · today = ${TODAY} (isms.today, --today)`, '');
md.push(`Inventory: ${P.inventory.toLocaleString('en-US')} identities (${inv.lines.toLocaleString('en-US')} lines, ${(inv.bytes / 1048576).toFixed(1)} MiB, ${Number.isFinite(inv.findings) ? inv.findings.toLocaleString('en-US') : '?'} findings). ` +
  `Runbook: ${P.sections} sections (${rb.lines.toLocaleString('en-US')} lines, ${(rb.bytes / 1048576).toFixed(2)} MiB). ` +
  `${inv.edits.length} keystrokes per document at ${P.sites} places (half add or remove an error), ${P.queries} completions and ${P.queries} hovers at control IDs, keys and values. ` +
  `yaml-language-server: schema store off, schema = ${schema.label}; "debounce 0" = its hard-coded 200 ms validation delay patched to 0 (bench/yaml-no-debounce.cjs). ` +
  `Markdown server: validation on, pull diagnostics requested right after each change, markdown-it tokens computed by the bench client (as VS Code's client does) and included in its times. ` +
  'Ours: started as VS Code starts it (dist/server.js with the execArgv of server/src/node/server-node-options.json). Ratios below 1× mean ours is faster or smaller.', '');
md.push(mainTable(r), '');
if (Object.keys(paths).length) {
  md.push('Every document on both launch paths of ours (as VS Code starts it; `node bin/isms.js lsp --stdio`, as Neovim and Helix users start it), with the peer on the same document ' +
    '(on the new documents, keystrokes only). Peak memory is that of the process serving the protocol; `isms lsp` serves from the process the editor starts ' +
    '(it applies the server\'s heap sizing itself on this Node, or replaces itself with Node started with the options where Node has process.execve); a second process, if there were one, would be shown apart (launcher). Findings: `isms check <file> --format json --today ' + TODAY + '` in the document\'s folder.', '', pathsTable(), '');
}
if (scaling.length) md.push('Scaling of ours with inventory size (as VS Code starts it; keystrokes as above; fewer places on the largest inventory):', '', scalingTable(scaling), '');
if (ws) {
  md.push(`Workspace: \`isms check <dir> --format json --today ${TODAY}\` on ${ws.files.toLocaleString('en-US')} generated files (${ws.counts.inventories} inventories, ${ws.counts.documents} process documents, ${ws.counts.other} other), ` +
    `and markdownlint-cli2 ${ws.lint?.version ?? ''} (default rules) on its Markdown files (\`**/*.md\`, what it is meant for; the ratio the target is about), and on every file ours reads (\`**/*.md\` and \`**/*.yaml\`: it then reads YAML as Markdown). Wall time of the whole process, Node's start included:`, '');
  md.push('| command | files | wall time (s) | ours / markdownlint-cli2 | peak RSS (MiB) | ours / markdownlint-cli2 | files reported | findings | exit code | load average |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const L = ws.lint;
  md.push(`| isms check | ${ws.files.toLocaleString('en-US')} | ${fmt(ws.wall / 1000)} | ${L ? ratio(ws.wall, L.wall) : '–'} | ${fmt(ws.peak)} | ${L ? ratio(ws.peak, L.peak) : '–'} | ${fmt(ws.checked)} | ${Number.isFinite(ws.findings) ? ws.findings.toLocaleString('en-US') : '–'} | ${ws.code} | ${ws.load.toFixed(1)} |`);
  const M = ws.md;
  if (M) md.push(`| isms check on the Markdown files only | ${fmt(M.checked)} | ${fmt(M.wall / 1000)} | ${L ? ratio(M.wall, L.wall) : '–'} (same files) | ${fmt(M.peak)} | ${L ? ratio(M.peak, L.peak) : '–'} | ${fmt(M.checked)} | ${Number.isFinite(M.findings) ? M.findings.toLocaleString('en-US') : '–'} | ${M.code} | ${M.load.toFixed(1)} |`);
  for (const x of [ws.lint, ws.lintAll]) if (x) md.push(`| markdownlint-cli2 ${x.globs.join(' ')} | ${fmt(x.checked)} | ${fmt(x.wall / 1000)} | ${ratio(ws.wall, x.wall)} (ours / it) | ${fmt(x.peak)} | ${ratio(ws.peak, x.peak)} | | ${Number.isFinite(x.findings) ? x.findings.toLocaleString('en-US') : '–'} | ${x.code} | ${x.load.toFixed(1)} |`);
  md.push('');
}
if (combined) {
  md.push('Our language server with that workspace as its folder and both documents above open in it (16 keystrokes, 8 per document, after its memory settled):', '');
  md.push('| open → diagnostics of both (ms) | settled after (ms) | keystroke p50 (ms) | keystroke p95 (ms) | keystroke max (ms) | peak memory (MiB) | load average |', '|---:|---:|---:|---:|---:|---:|---:|');
  const k = combined.keystrokeStats;
  md.push(`| ${fmt(combined.open)} | ${fmt(combined.settle)} | ${fmt(k.p50)} | ${fmt(k.p95)} | ${fmt(k.max)} | ${fmt(combined.memory)} | ${combined.load.toFixed(1)} |`, '');
}
const unknown = Object.entries({ ours: r.ours, yaml: r.yaml, markdown: r.md }).filter(([, x]) => x?.unknownRequests?.length).map(([k, x]) => `${k}: ${x.unknownRequests.join(', ')}`);
if (unknown.length) md.push(`Server requests the bench answered with null: ${unknown.join('; ')}.`, '');
md.push(`<!-- bench-data ${JSON.stringify(data(), (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null) : v))} -->`, '');
const text = md.join('\n');
process.stdout.write(text);
if (!only && !QUICK) {
  // a partial or quick run never replaces the full results; the coverage section (bench/coverage.mjs) is kept
  const file = join(root, 'bench/results.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const cov = /<!-- coverage:start[\s\S]*<!-- coverage:end -->\n?/.exec(old)?.[0];
  writeFileSync(file, cov ? `${text}\n${cov}` : text);
}
progress(`done in ${Math.round((performance.now() - started) / 1000)} s`);
