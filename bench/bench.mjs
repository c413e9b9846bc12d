#!/usr/bin/env node
// `npm run bench` (or `node bench/bench.mjs [--quick] [--only ours|peers]`): drives our language server and the
// peers (yaml-language-server, VS Code's Markdown language server) over stdio the way an editor does, on
// deterministic generated documents, and prints one Markdown table (plus the scaling and workspace tables) to
// stdout and to bench/results.md. Progress goes to stderr. No assertions: see bench/README.md for how to read it.
import { spawn } from 'node:child_process';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IDENTITY_LINES, INVENTORY_HEADER_LINES, RUNBOOK_HEADER_LINES, SECTION_LINES, inventory, runbook, writeWorkspace } from './generate.mjs';
import { startServer, Timeout } from './lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
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

// ---------------------------------------------------------------------------------------------- servers

const node = process.execPath;
/** Our server's Node options: the ones the client starts it with, plus any for profiling (BENCH_OURS_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p'). */
const ourNodeArgs = [...JSON.parse(readFileSync(join(root, 'server/src/node/server-node-options.json'), 'utf8')).execArgv, ...(process.env.BENCH_OURS_NODE_ARGS ?? '').split(' ').filter(Boolean)];
const SERVERS = {
  ours: { name: 'ours', command: [node, ...ourNodeArgs, join(root, 'dist/server.js'), '--stdio'], diagnostics: 'push-version' },
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
  if (section === 'isms') return {};
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

/** 0..n-1 in an order whose every prefix is spread through the range (so a session cut short by its budget still is). */
function spreadOrder(n) {
  return [...Array(n).keys()].sort((a, b) => ((a * 0.618034) % 1) - ((b * 0.618034) % 1));
}

/** Keystrokes, one character each, at `sites` places spread through the document. */
function inventoryEdits(lines, n, sites) {
  const plan = [];
  for (const k of spreadOrder(sites)) {
    const i = Math.floor(((k + 0.5) * n) / sites);
    const base = INVENTORY_HEADER_LINES + IDENTITY_LINES * i;
    const purpose = base + 4;
    const date = base + 12;
    const controls = base + 20;
    const c = lines[controls];
    const afterId = c.indexOf('[') + 1 + c.slice(c.indexOf('[') + 1).indexOf(',');
    const d = lines[date];
    plan.push(
      { line: purpose, at: 'end', text: ' ', kind: 'type' },
      { line: purpose, at: 'end', text: 'n', kind: 'type' },
      { line: controls, start: afterId, end: afterId, text: '9', kind: 'error+' }, // CSF:PR.AA-01 -> CSF:PR.AA-019
      { line: controls, start: afterId, end: afterId + 1, text: '', kind: 'error-' },
      { line: date, start: d.length - 1, end: d.length, text: '', kind: 'error+' }, // 2026-09-05 -> 2026-09-0
      { line: date, start: d.length - 1, end: d.length - 1, text: d.at(-1), kind: 'error-' },
      { line: purpose, at: 'end', text: 'o', kind: 'type' },
      { line: purpose, at: 'end', text: 'w', kind: 'type' },
    );
  }
  return plan;
}

function runbookEdits(lines, sections, sites) {
  const plan = [];
  for (const k of spreadOrder(sites)) {
    const s = Math.floor(((k + 0.5) * sections) / sites);
    const base = RUNBOOK_HEADER_LINES + SECTION_LINES * s;
    const prose = base + 3;
    const prose2 = base + 4;
    const link = base + 7;
    const ref = lines[prose].indexOf('PR.AA-01') + 'PR.AA-01'.length;
    const close = lines[link].indexOf(')');
    plan.push(
      { line: prose2, at: 'end', text: ' ', kind: 'type' },
      { line: prose2, at: 'end', text: 'n', kind: 'type' },
      { line: prose, start: ref, end: ref, text: '9', kind: 'error+' }, // PR.AA-01 -> PR.AA-019
      { line: prose, start: ref, end: ref + 1, text: '', kind: 'error-' },
      { line: link, start: close, end: close, text: 'x', kind: 'error+' }, // (#step-3-...) -> (#step-3-...x): no such heading
      { line: link, start: close, end: close + 1, text: '', kind: 'error-' },
      { line: prose2, at: 'end', text: 'o', kind: 'type' },
      { line: prose2, at: 'end', text: 'w', kind: 'type' },
    );
  }
  return plan;
}

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
  const uri = pathToFileURL(path).href;
  const s = await startServer({
    command: server.command,
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
  const out = { timeouts: 0, skipped: 0, open: NaN, keystroke: [], completion: [], hover: [], errorEdits: 0, errorEditsSeen: 0, completionsNonEmpty: 0, hoversNonEmpty: 0, diagnosticsAtOpen: NaN };
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
    out.memory = s.memory()?.hwm ?? NaN;
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

/** `isms check <dir> --format json` on a generated workspace: wall time and peak RSS of the CLI process. */
async function workspaceFigure(files) {
  const dir = join(work, `workspace-${files}`);
  progress(`workspace: writing ${files} files under ${dir}`);
  const counts = writeWorkspace(dir, files);
  const rssFile = join(work, 'cli-peak-rss');
  rmSync(rssFile, { force: true });
  progress('workspace: isms check');
  const t = performance.now();
  const proc = spawn(node, ['-r', join(root, 'bench/peak-rss.cjs'), join(root, 'bin/isms.js'), 'check', dir, '--format', 'json'], {
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks = [];
  proc.stdout.on('data', (d) => chunks.push(d));
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise((r) => proc.on('exit', (c) => r(c)));
  const wall = performance.now() - t;
  const load = loadavg()[0];
  let findings = NaN;
  let checked = NaN;
  try {
    const json = JSON.parse(Buffer.concat(chunks).toString());
    checked = json.files?.length ?? NaN;
    findings = (json.files ?? []).reduce((n, f) => n + (f.findings?.length ?? 0), 0);
  } catch {
    progress(`workspace: output is not JSON (exit ${code}): ${stderr.slice(0, 300)}`);
  }
  const peak = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : NaN;
  progress(`  ${fmt(wall)} ms, peak ${fmt(peak)} MiB, exit ${code}`);
  return { dir, files, counts, wall, peak, code, findings, checked, load };
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
const invText = inventory(P.inventory);
const rbText = runbook(P.sections);
const invDoc = (n, text) => ({ dir: `inventory-${n}`, file: `identities-${n}.nhi.yaml`, languageId: 'yaml', text, lines: text.split('\n').length - 1 });
const inv = invDoc(P.inventory, invText);
const rb = { dir: `runbook-${P.sections}`, file: 'operations-runbook.md', languageId: 'markdown', text: rbText, lines: rbText.split('\n').length - 1 };
const invLines = invText.split('\n');
const rbLines = rbText.split('\n');
const invEdits = inventoryEdits(invLines, P.inventory, P.sites);
const rbEdits = runbookEdits(rbLines, P.sections, P.sites);
const lineOf = (lines) => (l) => lines[l];
const invQueries = inventoryQueries(lineOf(invLines), P.inventory, P.queries);
const rbQueries = runbookQueries(lineOf(rbLines), P.sections, P.queries);

const r = {};
const runOurs = only !== 'peers';
const runPeers = only !== 'ours';
if (runOurs) r.ours = await session(SERVERS.ours, inv, { edits: invEdits, queries: invQueries, label: 'inventory', budgetMs: BUDGET_MS });
if (runPeers) r.yaml = await session(SERVERS.yaml, inv, { edits: invEdits, queries: invQueries, label: 'inventory', budgetMs: BUDGET_MS });
if (runPeers) r.yaml0 = await session(SERVERS.yamlNoDebounce, inv, { edits: invEdits, label: 'inventory', budgetMs: BUDGET_MS });
if (runOurs) r.oursRb = await session(SERVERS.ours, rb, { edits: rbEdits, queries: rbQueries, label: 'runbook', budgetMs: BUDGET_MS });
if (runPeers) r.md = await session(SERVERS.markdown, rb, { edits: rbEdits, queries: rbQueries, label: 'runbook', budgetMs: BUDGET_MS });

const scaling = [];
if (runOurs) {
  for (const n of P.scale) {
    if (n === P.inventory && r.ours) {
      scaling.push({ n, lines: inv.lines, bytes: Buffer.byteLength(invText), result: r.ours });
      continue;
    }
    const text = inventory(n);
    const lines = text.split('\n');
    const sites = n > P.inventory ? P.bigSites : P.sites;
    const opts = n > P.inventory ? BIG : { budgetMs: BUDGET_MS };
    const result = await session(SERVERS.ours, invDoc(n, text), { edits: inventoryEdits(lines, n, sites), label: `scaling ${n}`, ...opts });
    scaling.push({ n, lines: lines.length - 1, bytes: Buffer.byteLength(text), result });
  }
}
const ws = runOurs ? await workspaceFigure(P.workspace) : undefined;
const combined = ws ? await combinedFigure(ws.dir, [{ ...inv, edits: invEdits }, { ...rb, edits: rbEdits }]) : undefined;
if (ws) rmSync(ws.dir, { recursive: true, force: true });

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const md = [];
md.push(`# isms-author bench${QUICK ? ' (--quick)' : ''}`, '');
md.push(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${cpus().length} × ${cpu} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · total bench time ${(Math.round((performance.now() - started) / 1000))} s`, '');
md.push(`Inventory: ${P.inventory.toLocaleString('en-US')} identities (${inv.lines.toLocaleString('en-US')} lines, ${(Buffer.byteLength(invText) / 1048576).toFixed(1)} MiB). ` +
  `Runbook: ${P.sections} sections (${rb.lines.toLocaleString('en-US')} lines, ${(Buffer.byteLength(rbText) / 1048576).toFixed(2)} MiB). ` +
  `${invEdits.length} keystrokes per document at ${P.sites} places (half add or remove an error), ${P.queries} completions and ${P.queries} hovers at control IDs, keys and values. ` +
  `yaml-language-server: schema store off, schema = ${schema.label}; "debounce 0" = its hard-coded 200 ms validation delay patched to 0 (bench/yaml-no-debounce.cjs). ` +
  `Markdown server: validation on, pull diagnostics requested right after each change, markdown-it tokens computed by the bench client (as VS Code's client does) and included in its times. ` +
  'Ratios below 1× mean ours is faster or smaller.', '');
md.push(mainTable(r), '');
if (scaling.length) md.push('Scaling of ours with inventory size (keystrokes as above; fewer places on the largest inventory):', '', scalingTable(scaling), '');
if (ws) {
  md.push(`Workspace: \`isms check <dir> --format json\` on ${ws.files.toLocaleString('en-US')} generated files (${ws.counts.inventories} inventories, ${ws.counts.documents} process documents, ${ws.counts.other} other):`, '');
  md.push('| files | wall time (s) | peak RSS (MiB) | files reported | findings | exit code | load average |', '|---:|---:|---:|---:|---:|---:|---:|');
  md.push(`| ${ws.files.toLocaleString('en-US')} | ${fmt(ws.wall / 1000)} | ${fmt(ws.peak)} | ${fmt(ws.checked)} | ${Number.isFinite(ws.findings) ? ws.findings.toLocaleString('en-US') : '–'} | ${ws.code} | ${ws.load.toFixed(1)} |`, '');
}
if (combined) {
  md.push('Our language server with that workspace as its folder and both documents above open in it (16 keystrokes, 8 per document, after its memory settled):', '');
  md.push('| open → diagnostics of both (ms) | settled after (ms) | keystroke p50 (ms) | keystroke p95 (ms) | keystroke max (ms) | peak memory (MiB) | load average |', '|---:|---:|---:|---:|---:|---:|---:|');
  const k = combined.keystrokeStats;
  md.push(`| ${fmt(combined.open)} | ${fmt(combined.settle)} | ${fmt(k.p50)} | ${fmt(k.p95)} | ${fmt(k.max)} | ${fmt(combined.memory)} | ${combined.load.toFixed(1)} |`, '');
}
const unknown = Object.entries({ ours: r.ours, yaml: r.yaml, markdown: r.md }).filter(([, x]) => x?.unknownRequests?.length).map(([k, x]) => `${k}: ${x.unknownRequests.join(', ')}`);
if (unknown.length) md.push(`Server requests the bench answered with null: ${unknown.join('; ')}.`, '');
const text = md.join('\n');
process.stdout.write(text);
if (!only && !QUICK) writeFileSync(join(root, 'bench/results.md'), text); // a partial or quick run never replaces the full results
progress(`done in ${Math.round((performance.now() - started) / 1000)} s`);
