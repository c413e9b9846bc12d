#!/usr/bin/env node
// Keystroke -> diagnostics latency of our server (issue 19), several builds side by side in one run:
//   node bench/keystroke.mjs [--server name=path/to/server.js[,maxPerFile=N] ...] [--docs inv2000,rb500,...] [--rounds 2]
// Each round runs every document with every server in turn (alternating, so a load spike hits both), and the
// figures are p50/p95/max over all rounds. `today` is fixed (settings), so findings do not drift with the calendar.
// Documents (bench/generate.mjs): inv2000 (the bench's inventory), rb500 (its runbook), inv20000,
// invMany (the 2,000-identity inventory on a day that makes ~3,000 findings: rotation overdue everywhere, review
// overdue for half), rbBroken (the runbook with every section's fragment link broken: 500 broken links, each with
// a near slug). Prints a Markdown table to stdout, progress to stderr. No assertions.
// BENCH_OURS_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p' adds Node options (profiling); BENCH_RAW=1 prints every time.
// --follow: after each keystroke's diagnostics, the requests VS Code makes when typing pauses (a code action at the
// cursor, document symbols, folding ranges, code lenses, document links) are sent at once and the next keystroke right
// after them, so its time includes whatever they cost the server (a worst case: VS Code debounces all but the first).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inventory, inventoryEdits, runbook, runbookEdits } from './generate.mjs';
import { startServer } from './lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const servers = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--server') continue;
  // name=path[,maxPerFile=N]: N is the server's isms.diagnostics.maxPerFile (default: the server's own, 1,000)
  const [spec, ...opts] = args[i + 1].split(',');
  const [name, path] = spec.split('=');
  const o = Object.fromEntries(opts.map((x) => x.split('=')));
  servers.push({ name, path: resolve(path), maxPerFile: o.maxPerFile === undefined ? undefined : Number(o.maxPerFile) });
}
if (!servers.length) servers.push({ name: 'ours', path: join(root, 'dist/server.js') });
const docNames = opt('--docs', 'inv2000,rb500,invMany,rbBroken,inv20000').split(',');
const rounds = Number(opt('--rounds', '1'));
const follow = args.includes('--follow');
const TODAY = '2026-12-01';
const work = join(tmpdir(), 'isms-keystroke');
const progress = (s) => process.stderr.write(`[keystroke ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nodeArgs = [...JSON.parse(readFileSync(join(root, 'server/src/node/server-node-options.json'), 'utf8')).execArgv, ...(process.env.BENCH_OURS_NODE_ARGS ?? '').split(' ').filter(Boolean)];

function invDoc(name, n, today = TODAY, sites = 6) {
  const text = inventory(n);
  const lines = text.split('\n');
  return { name, dir: name, file: `identities-${n}.nhi.yaml`, languageId: 'yaml', text, today, edits: inventoryEdits(lines, n, sites, { lineBreaks: true }) };
}
function rbDoc(name, sections, broken = false) {
  let text = runbook(sections);
  if (broken) text = text.replace(/\(#step-/g, '(#setp-'); // every section's fragment link: no such heading, a near one
  const lines = text.split('\n');
  return { name, dir: name, file: 'operations-runbook.md', languageId: 'markdown', text, today: TODAY, edits: runbookEdits(lines, sections, 6, { lineBreaks: true }) };
}
const DOCS = {
  inv2000: () => invDoc('inv2000', 2000),
  rb500: () => rbDoc('rb500', 500),
  invMany: () => invDoc('invMany', 2000, '2027-01-15'),
  rbBroken: () => rbDoc('rbBroken', 500, true),
  inv20000: () => invDoc('inv20000', 20000, TODAY, 2),
};

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s.at(-1) };
}

async function session(server, doc) {
  const dir = join(work, doc.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, doc.file);
  writeFileSync(path, doc.text);
  const uri = pathToFileURL(path).href;
  const s = await startServer({
    command: [process.execPath, ...nodeArgs, server.path, '--stdio'],
    root: dir,
    settings: (section) => (section === 'isms' ? { today: doc.today, ...(server.maxPerFile === undefined ? {} : { diagnostics: { maxPerFile: server.maxPerFile } }) } : null),
    log: join(work, `${doc.dir}-${server.name}.log`),
    timeoutMs: 120_000,
  });
  await sleep(500);
  let version = 0;
  async function timed(send) {
    const v = version + 1;
    const p = s.nextDiagnostics(uri, (d) => d.version === v);
    const t = performance.now();
    version = send();
    const d = await p;
    return [performance.now() - t, d.diagnostics];
  }
  const out = { keystroke: [], findings: 0 };
  // Our own copy of the text (bench/lsp.mjs `change` edits one line; a line break spans two).
  let lines = doc.text.split('\n');
  const change = (l0, c0, l1, c1, text) => {
    const joined = lines[l0].slice(0, c0) + text + lines[l1].slice(c1);
    lines.splice(l0, l1 - l0 + 1, ...joined.split('\n'));
    const v = version + 1;
    s.notify('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: l0, character: c0 }, end: { line: l1, character: c1 } }, text }],
    });
    return v;
  };
  const pending = [];
  try {
    const [, diags] = await timed(() => s.open(uri, doc.languageId, doc.text));
    out.findings = diags.length;
    await sleep(1000);
    for (const e of doc.edits) {
      const [ms] = await timed(() => {
        if (e.join) return change(e.line - 1, lines[e.line - 1].length, e.line, 0, ''); // the line break typed before
        const start = e.at === 'end' ? lines[e.line].length : e.start;
        const end = e.at === 'end' ? start : e.end;
        return change(e.line, start, e.line, end, e.text);
      });
      out.keystroke.push(ms);
      if (follow) {
        const at = { line: e.line, character: 0 };
        const textDocument = { uri };
        pending.push(
          s.request('textDocument/codeAction', { textDocument, range: { start: at, end: at }, context: { diagnostics: [], triggerKind: 2 } }),
          s.request('textDocument/documentSymbol', { textDocument }),
          s.request('textDocument/foldingRange', { textDocument }),
          s.request('textDocument/codeLens', { textDocument }),
          s.request('textDocument/documentLink', { textDocument }),
        );
      }
    }
    await Promise.allSettled(pending);
  } finally {
    out.memory = s.memory()?.hwm ?? NaN;
    out.load = loadavg()[0];
    await s.stop();
  }
  if (process.env.BENCH_RAW) progress(`  raw ${server.name} ${doc.name}: ${JSON.stringify(out.keystroke.map((v) => Math.round(v * 10) / 10))}`);
  return out;
}

mkdirSync(work, { recursive: true });
const results = new Map(); // doc -> server -> { keystroke[], findings, memory, load[] }
for (let r = 0; r < rounds; r++) {
  for (const name of docNames) {
    const doc = DOCS[name]();
    for (const server of r % 2 ? [...servers].reverse() : servers) {
      progress(`round ${r + 1}: ${name} on ${server.name}`);
      const out = await session(server, doc);
      const k = `${name}\t${server.name}`;
      const acc = results.get(k) ?? { keystroke: [], findings: out.findings, memory: 0, load: [] };
      acc.keystroke.push(...out.keystroke);
      acc.memory = Math.max(acc.memory, out.memory);
      acc.load.push(out.load);
      results.set(k, acc);
      const st = stats(out.keystroke);
      progress(`  ${out.findings} findings, p50 ${st.p50.toFixed(1)} p95 ${st.p95.toFixed(1)} max ${st.max.toFixed(1)} ms, peak ${out.memory.toFixed(0)} MiB, load ${out.load.toFixed(1)}`);
    }
  }
}
const rows = ['| document | server | findings at open | keystrokes | p50 (ms) | p95 (ms) | max (ms) | p95 / first server | peak (MiB) | load |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
for (const name of docNames) {
  const base = results.get(`${name}\t${servers[0].name}`);
  for (const server of servers) {
    const a = results.get(`${name}\t${server.name}`);
    const st = stats(a.keystroke);
    const ratio = base ? (st.p95 / stats(base.keystroke).p95).toFixed(2) : '';
    rows.push(`| ${name} | ${server.name} | ${a.findings} | ${st.n} | ${st.p50.toFixed(1)} | ${st.p95.toFixed(1)} | ${st.max.toFixed(1)} | ${ratio}x | ${a.memory.toFixed(0)} | ${a.load.map((x) => x.toFixed(1)).join(', ')} |`);
  }
}
console.log(rows.join('\n'));
