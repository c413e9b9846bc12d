#!/usr/bin/env node
// `node bench/table.mjs [--provisional] [--print]`: README's speed table, regenerated from the figures of the last full
// `npm run bench` (the JSON comment `<!-- bench-data … -->` of bench/results.md): dated, with the machine, its load
// average, and the peers' figures from the same run. Rewrites the part of README.md between
// `<!-- speed-table:start` and `<!-- speed-table:end -->` (or prints it with --print). The table is marked provisional
// with --provisional, or by itself when the load average during the run exceeded the number of cores.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const results = readFileSync(join(root, 'bench/results.md'), 'utf8');
const m = /<!-- bench-data (\{.*\}) -->/.exec(results);
if (!m) {
  console.error('bench/results.md has no bench-data: run `npm run bench` first');
  process.exit(1);
}
const d = JSON.parse(m[1]);

const num = (x, unit = '') => {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return `${s}${unit}`;
};
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b >= 0.1 ? (a / b).toFixed(2) : (a / b).toPrecision(2))}×` : '–');
const VS = 'VS Code';
const CLI = 'isms lsp --stdio';
const docs = Object.values(d.docs);
// (1-minute averages: the 5- and 15-minute ones still carry what ran before the bench.)
const maxLoad = Math.max(d.loadBefore[0], d.loadAfter[0], ...docs.flatMap((x) => [...Object.values(x.ours), x.peer].filter(Boolean).flatMap((s) => s.load ?? [])));
const provisional = args.includes('--provisional') || maxLoad > d.cores;

const lines = [];
const mark = provisional
  ? `**Provisional**: measured while other work loaded the machine (load average up to ${maxLoad.toFixed(1)} on ${d.cores} cores); re-run \`npm run bench\` on a quiet machine, then \`node bench/table.mjs\`. `
  : '';
lines.push(
  `${mark}Measured by \`npm run bench\` on ${d.date} UTC (${d.cores} cores × ${d.cpu}, ${(d.memory / 2 ** 30).toFixed(0)} GiB, Node ${d.node}; load average ` +
    `${d.loadBefore[0].toFixed(1)} before and ${d.loadAfter[0].toFixed(1)} after; \`today\` fixed at ${d.today}), table written by \`node bench/table.mjs\` ` +
    `from [bench/results.md](bench/results.md), which has every figure. Ours as VS Code starts it and as \`isms lsp --stdio\` (Neovim, Helix) starts it; ` +
    'the peer is yaml-language-server (inventories, with the inventory\'s JSON Schema) or VS Code\'s Markdown language server (runbooks), on the same document in the same run.',
  '',
);
const head = ['figure', ...docs.map((x) => `${x.label}${Number.isFinite(x.findings) ? ` (${x.findings.toLocaleString('en-US')} findings)` : ''}`)];
lines.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`);
const row = (name, f) => lines.push(`| ${name} | ${docs.map((x) => f(x) ?? '–').join(' | ')} |`);
const o = (x, p) => x.ours[p];
row('open → first diagnostics, ours (VS Code) / peer', (x) => `${num(o(x, VS)?.open, ' ms')}${x.peer ? ` / ${num(x.peer.open, ' ms')}` : ''}`);
row('keystroke → diagnostics p50 / p95, ours (VS Code)', (x) => o(x, VS) && `${num(o(x, VS).p50)} / ${num(o(x, VS).p95, ' ms')}`);
row('keystroke → diagnostics p50 / p95, ours (`isms lsp --stdio`)', (x) => o(x, CLI) && `${num(o(x, CLI).p50)} / ${num(o(x, CLI).p95, ' ms')}`);
row('keystroke → diagnostics p95, peer (ours VS Code / peer)', (x) => x.peer && `${num(x.peer.p95, ' ms')} (${ratio(o(x, VS)?.p95, x.peer.p95)})`);
row('completion p95 / hover p95, ours (VS Code) / peer', (x) => o(x, VS) && Number.isFinite(o(x, VS).completion?.[1])
  ? `${num(o(x, VS).completion[1])} / ${num(o(x, VS).hover[1], ' ms')}${x.peer && Number.isFinite(x.peer.completion?.[1]) ? `; ${num(x.peer.completion[1])} / ${num(x.peer.hover[1], ' ms')}` : ''}`
  : undefined);
row('peak memory, ours (VS Code / `isms lsp --stdio`)', (x) => `${num(o(x, VS)?.memory)} / ${num(o(x, CLI)?.memory, ' MiB')}${Number.isFinite(o(x, CLI)?.launcher) ? ` (+ ${num(o(x, CLI).launcher, ' MiB')} launcher)` : ''}`);
row('peak memory, peer (ours VS Code / peer)', (x) => x.peer && `${num(x.peer.memory, ' MiB')} (${ratio(o(x, VS)?.memory, x.peer.memory)})`);
lines.push('');
const w = d.workspace;
if (w) {
  const l = w.lint;
  lines.push(
    `\`isms check\` on ${w.files.toLocaleString('en-US')} generated files: ${num(w.wall / 1000, ' s')}, peak ${num(w.peak, ' MiB')}` +
      (l ? `; markdownlint-cli2 ${l.version} on its ${l.checked.toLocaleString('en-US')} Markdown files: ${num(l.wall / 1000, ' s')}, peak ${num(l.peak, ' MiB')} (ours / markdownlint-cli2: ${ratio(w.wall, l.wall)} time, ${ratio(w.peak, l.peak)} memory)` : '') +
      (w.md && l ? `; ours on those same ${w.md.checked.toLocaleString('en-US')} Markdown files: ${num(w.md.wall / 1000, ' s')}, peak ${num(w.md.peak, ' MiB')} (${ratio(w.md.wall, l.wall)} time)` : '') +
      (w.lintAll ? `; on every file ours reads (YAML read as Markdown): ${num(w.lintAll.wall / 1000, ' s')} (${ratio(w.wall, w.lintAll.wall)})` : '') +
      '.',
    '',
  );
}
const table = `${lines.join('\n')}\n`;

if (args.includes('--print')) process.stdout.write(table);
else {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const re = /(<!-- speed-table:start[^\n]*-->\n)[\s\S]*?(<!-- speed-table:end -->)/;
  if (!re.test(text)) {
    console.error('README.md has no <!-- speed-table:start … --> … <!-- speed-table:end --> block');
    process.exit(1);
  }
  writeFileSync(readme, text.replace(re, (_, a, b) => `${a}${table}${b}`));
  console.error(`README.md: speed table of ${d.date} UTC${provisional ? ' (provisional)' : ''}`);
}
