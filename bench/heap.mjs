#!/usr/bin/env node
// `node bench/heap.mjs [--identities 2000] [--doc inventory|many|runbook] [--path vscode|cli] [--keystrokes 48] [--top 25]
//   [--options "<node options>"] [--server <dist/server.js of another build>] [--no-snapshot] [--keep]`: what our server keeps.
// Starts it (as VS Code does, or as `isms lsp --stdio`) with --heapsnapshot-signal, opens a bench inventory, types
// keystrokes as bench.mjs does, waits for its diagnostics, then has it write a heap snapshot (SIGUSR2; V8 collects
// garbage first) and prints what the heap holds: self size and count per constructor (strings by length), and the
// largest strings and typed arrays, with VmRSS / VmHWM. A profiling harness, not a figure of the bench: no product
// code takes part (the signal option is given to this run's Node only).
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inventory, manyFindingsInventory, runbook, IDENTITY_LINES, INVENTORY_HEADER_LINES } from './generate.mjs';
import { startServer } from './lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (k, d) => (args.includes(`--${k}`) ? args[args.indexOf(`--${k}`) + 1] : d);
const n = Number(opt('identities', 2000));
const path = opt('path', 'vscode');
const keystrokes = Number(opt('keystrokes', 48));
const top = Number(opt('top', 25));
const doc = opt('doc', 'inventory'); // inventory | many | runbook
const work = join(tmpdir(), 'isms-bench-heap');
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'runbooks'), { recursive: true });
writeFileSync(join(work, 'runbooks/offboard-service-account.md'), '---\ntitle: Offboard\ntype: runbook\nowner: sre@bank.example\n---\n# Offboard\n');
writeFileSync(join(work, '.isms.yaml'), '{}\n');
const text = doc === 'runbook' ? runbook(n) : doc === 'many' ? manyFindingsInventory(n) : inventory(n);
const file = join(work, doc === 'runbook' ? 'runbook.md' : 'identities.nhi.yaml');
writeFileSync(file, text);
const uri = pathToFileURL(file).href;
const snapDir = join(work, 'snapshots');
mkdirSync(snapDir, { recursive: true });

// --options '<node options>' replaces the server's (to try others); --no-snapshot measures memory only.
const options = args.includes('--options') ? opt('options', '').split(' ').filter(Boolean) : JSON.parse(readFileSync(join(root, 'server/src/node/server-node-options.json'), 'utf8')).execArgv;
const snapshot = !args.includes('--no-snapshot');
const signal = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapDir}`];
const command = path === 'cli'
  ? [process.execPath, ...options, ...signal, join(root, 'bin/isms.js'), 'lsp', '--stdio']
  : [process.execPath, ...options, ...signal, opt('server', join(root, 'dist/server.js')), '--stdio']; // --server: another build's bundle (before/after)
const s = await startServer({ command, root: work, settings: (sec) => (sec === 'isms' ? { today: '2026-11-23' } : {}), log: join(work, 'server.log') });
await new Promise((r) => setTimeout(r, 500));
// CPU seconds (user + system) of the server process so far, from /proc/<pid>/stat: steadier than wall time on a shared box.
const cpu = () => {
  try {
    const f = readFileSync(`/proc/${s.serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
};
const cpuStart = cpu();
let v = 1;
const t0 = performance.now();
const first = s.nextDiagnostics(uri, (p) => p.version === 1);
s.open(uri, doc === 'runbook' ? 'markdown' : 'yaml', text);
const d0 = await first;
const cpuOpen = cpu();
const atOpen = s.memory();
console.log(`${n} ${doc === 'runbook' ? 'sections' : 'identities'}, ${path} path: open ${Math.round(performance.now() - t0)} ms, ${d0.diagnostics.length} diagnostics`);
const times = [];
for (let k = 0; k < keystrokes; k++) {
  const i = Math.floor(((k % 6) + 0.5) * n / 6);
  const line = doc === 'runbook' ? 10 + 17 * i + 4 : INVENTORY_HEADER_LINES + IDENTITY_LINES * i + 4;
  const want = v + 1;
  const p = s.nextDiagnostics(uri, (x) => x.version === want);
  const t = performance.now();
  v = s.change(uri, line, s.line(uri, line).length, s.line(uri, line).length, 'x');
  await p;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
if (times.length) console.log(`keystroke → diagnostics p50 ${times[Math.ceil(times.length / 2) - 1].toFixed(1)} ms, p95 ${times[Math.ceil(times.length * 0.95) - 1].toFixed(1)} ms (${times.length}; noisy: compare runs of one moment)`);
await new Promise((r) => setTimeout(r, 1000));
const before = s.memory();
console.log(`VmRSS ${before.rss.toFixed(1)} MiB, VmHWM ${before.hwm.toFixed(1)} MiB (options: ${options.join(' ') || 'none'}); at the open's first diagnostics: VmRSS ${atOpen.rss.toFixed(1)}, VmHWM ${atOpen.hwm.toFixed(1)} MiB${before.launcher ? `; a second process (launcher): VmHWM ${before.launcher.hwm.toFixed(1)} MiB` : ''}`);
console.log(`server CPU (user + system): open ${(cpuOpen - cpuStart).toFixed(2)} s, keystrokes ${(cpu() - cpuOpen).toFixed(2)} s`);
if (!snapshot) {
  await s.stop();
  process.exit(0);
}
process.kill(s.serverPid, 'SIGUSR2');
let snap;
for (let t = 0; t < 600 && !snap; t++) {
  await new Promise((r) => setTimeout(r, 500));
  const f = readdirSync(snapDir).find((x) => x.endsWith('.heapsnapshot'));
  if (f) {
    const size = statSync(join(snapDir, f)).size;
    await new Promise((r) => setTimeout(r, 1000));
    if (statSync(join(snapDir, f)).size === size && size > 0) snap = join(snapDir, f);
  }
}
await s.stop();

// ---- the snapshot: nodes [type, name, id, self_size, edge_count, trace_node_id, detachedness]
const h = JSON.parse(readFileSync(snap, 'utf8'));
const meta = h.snapshot.meta;
const F = meta.node_fields.length;
const types = meta.node_types[0];
const iType = meta.node_fields.indexOf('type');
const iName = meta.node_fields.indexOf('name');
const iSize = meta.node_fields.indexOf('self_size');
const nodes = h.nodes;
const by = new Map();
let total = 0;
const bigStrings = [];
const typed = [];
for (let i = 0; i < nodes.length; i += F) {
  const type = types[nodes[i + iType]];
  const size = nodes[i + iSize];
  total += size;
  let key;
  const name = h.strings[nodes[i + iName]];
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
    key = `(${type}) ${size < 64 ? '< 64 B' : size < 1024 ? '64 B-1 KiB' : size < 65536 ? '1-64 KiB' : '>= 64 KiB'}`;
    if (size >= 65536) bigStrings.push([size, type, name.slice(0, 60).replace(/\n/g, '\\n')]);
  } else if (type === 'object' || type === 'closure' || type === 'regexp') key = `${type === 'object' ? '' : `(${type}) `}${name}`;
  else key = `(${type})${type === 'native' || type === 'hidden' || type === 'code' ? ` ${name.slice(0, 40)}` : ''}`;
  if (type === 'native' && /ArrayBuffer|Uint32Array|backing_store/.test(name) && size > 65536) typed.push([size, name]);
  const e = by.get(key) ?? [0, 0];
  e[0] += size;
  e[1]++;
  by.set(key, e);
}
const mib = (b) => (b / 1048576).toFixed(2);
console.log(`heap snapshot: ${mib(total)} MiB in ${nodes.length / F} nodes (${snap})`);
console.log(`top ${top} by self size:`);
for (const [k, [size, count]] of [...by].sort((a, b) => b[1][0] - a[1][0]).slice(0, top)) console.log(`  ${mib(size).padStart(8)} MiB  ${String(count).padStart(8)}  ${k}`);
console.log('strings >= 64 KiB:');
for (const [size, type, head] of bigStrings.sort((a, b) => b[0] - a[0]).slice(0, 15)) console.log(`  ${mib(size).padStart(8)} MiB  ${type}  ${head}`);
console.log('large native buffers:');
for (const [size, name] of typed.sort((a, b) => b[0] - a[0]).slice(0, 10)) console.log(`  ${mib(size).padStart(8)} MiB  ${name}`);
if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
