#!/usr/bin/env node
// `npm run bench`: prints latency figures of the engine in-process and of the language server over stdio.
// No assertions: figures are for the notes and the README. Compare within one run (the machine is shared).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inventory, runbook } from './generate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { IsmsService } = require(join(root, 'server/out/core/service.js'));
const { defaultConfig } = require(join(root, 'server/out/core/config.js'));

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const ms = (x) => x.toFixed(1).padStart(8);
const rows = [];
const row = (name, st, extra = '') => rows.push(`${name.padEnd(52)} ${ms(st.p50)} ${ms(st.p95)} ${ms(st.max)}  ${extra}`);

function inProcess(label, uri, text, edits = 30) {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  const full = [];
  for (let i = 0; i < 5; i++) {
    const svc = new IsmsService({ relativePath: (p) => p }, cfg);
    const t = performance.now();
    svc.check({ uri, text });
    full.push(performance.now() - t);
  }
  row(`${label}: full check (cold service)`, stats(full), `${(text.length / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines`);
  const svc = new IsmsService({ relativePath: (p) => p }, cfg);
  svc.check({ uri, text });
  const key = [];
  let cur = text;
  const at = Math.floor(text.length / 2);
  for (let i = 0; i < edits; i++) {
    cur = cur.slice(0, at) + (i % 2 ? '' : 'x') + cur.slice(at + (i % 2 ? 1 : 0));
    const t = performance.now();
    svc.check({ uri, text: cur });
    key.push(performance.now() - t);
  }
  row(`${label}: keystroke -> findings (in-process)`, stats(key));
}

async function overStdio(label, uri, text, languageId, edits = 30) {
  const proc = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio']);
  let buf = Buffer.alloc(0);
  const waiters = [];
  proc.stdout.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const sep = buf.indexOf('\r\n\r\n');
      if (sep < 0) break;
      const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())[1]);
      if (buf.length < sep + 4 + len) break;
      const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString());
      buf = buf.subarray(sep + 4 + len);
      for (const w of [...waiters]) if (w.match(msg)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); }
    }
  });
  const send = (m) => { const b = Buffer.from(JSON.stringify(m)); proc.stdin.write(`Content-Length: ${b.length}\r\n\r\n`); proc.stdin.write(b); };
  const wait = (match) => new Promise((resolve) => waiters.push({ match, resolve }));
  let id = 0;
  const request = (method, params) => { const i = ++id; send({ jsonrpc: '2.0', id: i, method, params }); return wait((m) => m.id === i && !m.method); };
  await request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  send({ jsonrpc: '2.0', method: 'initialized', params: {} });
  const diag = (v) => wait((m) => m.method === 'textDocument/publishDiagnostics' && m.params.version === v);
  let t = performance.now();
  const first = diag(1);
  send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId, version: 1, text } } });
  await first;
  row(`${label}: open -> first diagnostics (stdio)`, stats([performance.now() - t]));
  const lines = text.split('\n');
  const line = Math.floor(lines.length / 2);
  const key = [];
  for (let i = 0; i < edits; i++) {
    const v = i + 2;
    const p = diag(v);
    const change = i % 2 === 0
      ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'x' }
      : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
    t = performance.now();
    send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version: v }, contentChanges: [change] } });
    await p;
    key.push(performance.now() - t);
  }
  row(`${label}: keystroke -> diagnostics (stdio)`, stats(key));
  const hov = [];
  const comp = [];
  for (let i = 0; i < 30; i++) {
    const l = 10 + Math.floor((i * (lines.length - 20)) / 30);
    t = performance.now();
    await request('textDocument/hover', { textDocument: { uri }, position: { line: l, character: 14 } });
    hov.push(performance.now() - t);
    t = performance.now();
    await request('textDocument/completion', { textDocument: { uri }, position: { line: l, character: 14 } });
    comp.push(performance.now() - t);
  }
  row(`${label}: hover (stdio)`, stats(hov));
  row(`${label}: completion (stdio)`, stats(comp));
  const mem = await request('isms/catalogSearch', { query: 'zzzz-no-match' }).then(() => null);
  void mem;
  send({ jsonrpc: '2.0', id: ++id, method: 'shutdown', params: null });
  send({ jsonrpc: '2.0', method: 'exit', params: null });
  proc.kill();
}

const inv2k = inventory(2000);
const rb = runbook(500);
console.log(`isms-author bench, node ${process.version}, ${new Date().toISOString()}`);
console.log(`${'figure (ms)'.padEnd(52)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'max'.padStart(8)}`);
for (const n of [200, 2000, 20000]) inProcess(`inventory ${n} identities`, 'file:///bench/inv.nhi.yaml', n === 2000 ? inv2k : inventory(n), n === 20000 ? 6 : 30);
inProcess('runbook 500 sections', 'file:///bench/runbook.md', rb);
await overStdio('inventory 2000 identities', 'file:///bench/inv.nhi.yaml', inv2k, 'yaml');
await overStdio('runbook 500 sections', 'file:///bench/runbook.md', rb, 'markdown');
console.log(rows.join('\n'));
const m = process.memoryUsage();
console.log(`bench process rss ${(m.rss / 1048576).toFixed(0)} MiB, heap ${(m.heapUsed / 1048576).toFixed(0)} MiB`);
