#!/usr/bin/env node
// `npm run bench:navigation` (or `node bench/navigation.mjs [--files N] [--runs N]`): the navigation figures of issue 17
// on the generated coverage workspace (generate.mjs writeCoverageWorkspace; 10,000 files by default), the language
// server over stdio with that workspace as its folder, an inventory open:
//   - find references of a control (cursor on an identity's `controls` entry): the first request (which reads the
//     evidence of every file, as the first isms/coverage does), then --runs requests, p50/p95/max;
//   - find references and rename of an owner (`owner:` of the same identity) across every file: --runs requests each
//     (the rename's edits are computed and returned, not applied), p50/p95/max, with how many files and edits;
//   - workspace symbols for a query.
// Targets (issue 17): references < 50 ms, rename < 500 ms. Prints a Markdown table. No assertions.
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeCoverageWorkspace } from './generate.mjs';
import { startServer } from './lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
const FILES = opt('files', 10_000);
const RUNS = opt('runs', 20);
const TODAY = '2026-11-23';
const work = join(tmpdir(), 'isms-bench');
mkdirSync(work, { recursive: true });
const node = process.execPath;
const progress = (s) => process.stderr.write(`[navigation ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const fmt = (x) => (!Number.isFinite(x) ? '–' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ourNodeArgs = JSON.parse(readFileSync(join(root, 'server/src/node/server-node-options.json'), 'utf8')).execArgv;

const dir = join(work, `navigation-${FILES}`);
progress(`writing ${FILES} files under ${dir}`);
const catalogData = JSON.parse(readFileSync(join(root, 'server/src/core/catalog/catalog-data.json'), 'utf8'));
writeCoverageWorkspace(dir, FILES, catalogData);

const invPath = join(dir, 'team-0', 'identities-0.nhi.yaml');
const invUri = pathToFileURL(invPath).href;
const invText = readFileSync(invPath, 'utf8');
const lines = invText.split('\n');
const posOf = (re, shift = 0) => {
  const line = lines.findIndex((l) => re.test(l));
  return { line, character: lines[line].search(re) + shift };
};
const controlPos = posOf(/\[\S/, 2); // (inside the first entry of the first `controls: [...]`)
const ownerPos = posOf(/team-\d+@bank\.example/, 2);

const rows = [];
const s = await startServer({
  command: [node, ...ourNodeArgs, join(root, 'dist/server.js'), '--stdio'],
  root: dir,
  settings: (section) => (section === 'isms' ? { today: TODAY } : null),
  log: join(work, 'navigation-server.log'),
});
try {
  const t0 = performance.now();
  s.open(invUri, 'yaml', invText);
  await s.nextDiagnostics(invUri);
  const timed = async (name, method, params, describe) => {
    const ms = [];
    let last;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      last = await s.request(method, params);
      ms.push(performance.now() - t);
    }
    rows.push({ name, p50: pct(ms, 50), p95: pct(ms, 95), max: Math.max(...ms), what: describe(last) });
    progress(`  ${name}: p50 ${fmt(pct(ms, 50))} ms, ${describe(last)}`);
  };
  const refParams = (position) => ({ textDocument: { uri: invUri }, position, context: { includeDeclaration: true } });
  const files = (locs) => new Set(locs.map((l) => l.uri)).size;
  let t = performance.now();
  const first = await s.request('textDocument/references', refParams(controlPos));
  const firstMs = performance.now() - t;
  progress(`  first references (reads the workspace's evidence): ${fmt(firstMs)} ms (${fmt(performance.now() - t0)} ms from open), ${first.length} locations`);
  await timed('references of a control', 'textDocument/references', refParams(controlPos), (r) => `${r.length} locations in ${files(r)} files`);
  await timed('references of an owner', 'textDocument/references', refParams(ownerPos), (r) => `${r.length} locations in ${files(r)} files`);
  await timed('rename of an owner', 'textDocument/rename', { textDocument: { uri: invUri }, position: ownerPos, newName: 'team-renamed@bank.example' }, (r) => {
    const edits = Object.values(r.changes).reduce((n, es) => n + es.length, 0);
    return `${edits} edits in ${Object.keys(r.changes).length} files`;
  });
  await timed('workspace symbols "offboard"', 'workspace/symbol', { query: 'offboard' }, (r) => `${r.length} symbols`);
  rows.unshift({ name: 'first references of a control (reads every file\'s evidence once)', p50: firstMs, p95: NaN, max: NaN, what: `${first.length} locations` });
} finally {
  await s.stop?.();
}

const md = [
  `Navigation over ${FILES.toLocaleString('en-US')} files (language server over stdio, ${RUNS} runs each; targets: references < 50 ms, rename < 500 ms):`,
  '',
  '| Request | p50 ms | p95 ms | max ms | Answer |',
  '|---|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.name} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${r.what} |`),
];
console.log(md.join('\n'));
process.exit(0);
