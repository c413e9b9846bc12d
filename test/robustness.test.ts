/**
 * Hostile input: the engine, the CLI and the server keep working, leak nothing and lose nothing.
 *
 * - Every case goes through IsmsService (check, hover at a few places, completion, symbols, folding, code
 *   actions) in bounded time and memory: no exception, every range inside the document. Time and heap
 *   growth are printed per case. Cases: nesting 10,000 deep in Markdown (block quotes, lists, both, on one
 *   line and on many) and in YAML (block maps, block and compact sequences, flow `[[[`, `{{{`, closed or
 *   not; inventories and front matter), alias bombs, malformed YAML and front matter of every kind, a 50 MB
 *   file and 1 MB lines, NUL bytes, invalid UTF-8 (decoded), UTF-16 with a BOM (as the CLI decodes it), CRLF,
 *   mixed and lone-CR line ends, empty files and files of only `---`.
 * - The guards' bounds are checked against the parsers they protect (markdown-depth vs remark's tree,
 *   fast-yaml's deepValues vs the yaml library's), on random input.
 * - A detected secret never appears unmasked in any output (findings, fixes, hovers, completions, symbols).
 * - The worst cases also go through the CLI (exit 0 or 1, never 2) and the language server over stdio,
 *   which answers a later request.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Root, Nodes } from 'mdast';
import { server } from './helpers/root';
import { prng } from './helpers/prng';
import { scaledBudget } from './helpers/budget';

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
import { LspClient } from './helpers/lsp-client';

const yaml = require('yaml');
const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { LineIndex } = server('core/text.js');
const { nestingBounds, blankDeepLines, MAX_NESTING } = server('core/lang/markdown-depth.js');
const { deepValues, scanDeepValues, shallowYaml, mayNestDeep, lineMayNestDeep, MAX_YAML_DEPTH } = server('core/lang/fast-yaml.js');
const { plainValue } = server('core/lang/yaml-mapping.js');
const { findSecrets } = server('core/rules/secrets/secret-inline.js');
const { main: cliMain } = server('cli/main.js');

v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

const N = 10_000;
const FM = '---\ntype: runbook\nowner: sre@example.com\ncontrols: [PR.AA-01]\nreview_cadence: annual\nlast_reviewed: 2026-11-01\n---\n# Rotate keys\n\nFollows PR.AA-01.\n\n';
const TAIL = '\n\n## Purpose\n\nPR.AA-05 and A.5.17.\n\n## Steps\n\n1. Rotate.\n\n## Rollback\n\nRestore the old key.\n\n## Evidence\n\nTickets.\n';
const INV = 'kind: nhi-inventory\n';
const IDENTITY = '  - id: svc-a\n    type: service-account\n    owner: team@example.com\n    controls: [PR.AA-01]\n';

/** How the CLI reads a file's bytes (cli/main.ts decode): UTF-16 by its BOM, else UTF-8 without a BOM. */
function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** Billion laughs: each level an alias list of the one before, `levels` deep. */
function aliasBomb(levels: number, indent = ''): string {
  let s = `${indent}l0: &l0 [${Array(10).fill('"lol"').join(', ')}]\n`;
  for (let i = 1; i <= levels; i++) s += `${indent}l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]\n`;
  return s;
}

function staircase(n: number, line: (i: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(line(i));
  return out.join('\n') + '\n';
}

interface Case {
  name: string;
  file: string;
  text: () => string;
  /** Hard limit in ms for everything the case does (the deep-nesting cases: 2 s). */
  budget?: number;
  /** Rules whose findings the case must produce (what the user sees said). */
  expect?: string[];
}

const md = (name: string, body: () => string, expect?: string[], budget?: number): Case => ({ name, file: `${name}.md`, text: () => FM + body() + TAIL, expect, budget });
const inv = (name: string, text: () => string, expect?: string[], budget?: number): Case => ({ name, file: `${name}.nhi.yaml`, text, expect, budget });
const fmCase = (name: string, yamlBody: () => string, expect?: string[]): Case => ({ name, file: `${name}.md`, text: () => `---\ntype: runbook\nowner: sre@example.com\n${yamlBody()}\n---\n# Rotate keys\n${TAIL}`, expect });

const DEEP = 2000;

const CASES: Case[] = [
  // Markdown nested 10,000 deep.
  md('md-blockquote-one-line', () => '>'.repeat(N) + ' deep\n', ['file-unreadable'], DEEP),
  md('md-blockquote-many-lines', () => staircase(20, () => '>'.repeat(N) + ' x'), ['file-unreadable'], DEEP),
  md('md-blockquote-staircase', () => staircase(600, (i) => '>'.repeat(i + 1) + ' x'), ['file-unreadable'], DEEP),
  md('md-list-one-line', () => '- '.repeat(N) + 'x\n', ['file-unreadable'], DEEP),
  md('md-ordered-one-line', () => '1. '.repeat(N) + 'x\n', ['file-unreadable'], DEEP),
  md('md-mixed-one-line', () => '> - 1. '.repeat(N / 2) + 'x\n', ['file-unreadable'], DEEP),
  md('md-list-indented', () => staircase(600, (i) => '  '.repeat(i) + '- x'), ['file-unreadable'], DEEP),
  md('md-deep-after-tab', () => '\t- tab\n\n' + '- '.repeat(N) + 'x\n\n' + '> '.repeat(N) + 'y\n', ['file-unreadable'], DEEP),
  md('md-nested-images', () => '!['.repeat(N) + 'a' + '](u)'.repeat(N) + '\n', undefined, DEEP),
  md('md-emphasis-soup', () => '*'.repeat(N) + 'a' + '*'.repeat(N) + '\n', undefined, DEEP),
  // Inline syntax where micromark's time grows with the square (the fast reader reads these; a tab makes it give up).
  md('md-nested-images-remark', () => '\t- tab\n\n' + '!['.repeat(N) + 'a' + '](u)'.repeat(N) + '\n', ['file-unreadable'], DEEP),
  md('md-emphasis-open-remark', () => '\t- tab\n\n' + '*a '.repeat(N) + 'x' + ' b*'.repeat(N) + '\n', ['file-unreadable'], DEEP),
  md('md-underscores-open-remark', () => '\t- tab\n\n' + '_a '.repeat(N) + 'x' + ' b_'.repeat(N) + '\n', ['file-unreadable'], DEEP),
  md('md-links-in-images-remark', () => '\t- tab\n\n' + '[!['.repeat(N / 2) + 'a' + '](u)](v)'.repeat(N / 2) + '\n', ['file-unreadable'], DEEP),
  md('md-many-dense-paragraphs', () => '\t- tab\n\n' + ('!['.repeat(200) + 'a' + '](u)'.repeat(200) + '\n\n').repeat(300), ['file-unreadable'], 5000),
  // (Not hostile: a 3,000-row table, balanced marks; micromark is slower than linear on it, ~2 s. The fast reader reads it.)
  md('md-table-remark', () => '\t- tab\n\n' + '| **a** | *b* | [PR.AA-01](x.md) | `c` |\n'.repeat(3000), undefined, 6000),
  md('md-html-open-before-headings', () => '<div>\n' + '# h\n'.repeat(20_000), undefined, 5000),
  md('md-unclosed-fence', () => '```\n' + '# h\n- x\n'.repeat(20_000), undefined, 5000),
  md('md-unclosed-comment', () => '<!--\n' + '# h\n'.repeat(20_000), undefined, 5000),
  // Size.
  md('md-line-1mb', () => 'word PR.AA-01 '.repeat(80_000) + '\n', ['file-unreadable']),
  md('md-line-400kb', () => 'word PR.AA-01 [a](b.md) `c` '.repeat(14_000) + '\n'),
  { name: 'md-50mb', file: 'md-50mb.md', text: () => FM + 'A line of prose about PR.AA-01.\n'.repeat(1_600_000), expect: ['file-unreadable'] },
  // Encodings and line ends.
  md('md-nul', () => 'abc\u0000def\n', ['file-unreadable']),
  { name: 'md-invalid-utf8', file: 'md-invalid-utf8.md', text: () => Buffer.concat([Buffer.from(FM), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x41, 0xe2, 0x82, 0x0a, 0xed, 0xa0, 0x80]), Buffer.from(TAIL)]).toString('utf8') },
  { name: 'md-utf16le-bom', file: 'md-utf16le-bom.md', text: () => decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FM + 'Ünïcödé PR.AA-01 \u{1F511}\n' + TAIL, 'utf16le')])) },
  { name: 'md-utf16be-bom', file: 'md-utf16be-bom.md', text: () => decode(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(FM + TAIL, 'utf16le').swap16()])) },
  { name: 'md-bom-kept', file: 'md-bom-kept.md', text: () => '\ufeff' + FM + TAIL },
  { name: 'md-crlf', file: 'md-crlf.md', text: () => (FM + '> - quote\n' + TAIL).replace(/\n/g, '\r\n') },
  { name: 'md-mixed-eol', file: 'md-mixed-eol.md', text: () => (FM + TAIL).split('\n').map((l, i) => l + ['\n', '\r\n', '\r'][i % 3]).join('') },
  { name: 'md-lone-cr', file: 'md-lone-cr.md', text: () => (FM + '- a\n  - b\n' + TAIL).replace(/\n/g, '\r') },
  { name: 'md-empty', file: 'md-empty.md', text: () => '' },
  { name: 'md-only-fence', file: 'md-only-fence.md', text: () => '---' },
  { name: 'md-only-fence-nl', file: 'md-only-fence-nl.md', text: () => '---\n' },
  { name: 'md-two-fences', file: 'md-two-fences.md', text: () => '---\n---\n' },
  { name: 'md-three-fences', file: 'md-three-fences.md', text: () => '---\n---\n---\n' },
  // Front matter, malformed.
  { name: 'fm-unclosed', file: 'fm-unclosed.md', text: () => '---\ntype: runbook\nowner: a@b.c\n# Rotate\n' + TAIL },
  { name: 'fm-fence-in-middle', file: 'fm-fence-in-middle.md', text: () => '# Rotate\n\n---\ntype: runbook\n---\n' + TAIL },
  fmCase('fm-unclosed-quote', () => 'approver: "Jane\ncontrols: [PR.AA-01]', ['syntax-error']),
  fmCase('fm-unclosed-bracket', () => 'controls: [PR.AA-01, A.5.17\nreview_cadence: annual', ['syntax-error']),
  fmCase('fm-tabs', () => 'controls:\n\t- PR.AA-01\n\treview_cadence: annual', ['syntax-error']),
  fmCase('fm-duplicate-keys', () => 'owner: b@c.d\nowner: e@f.g'),
  fmCase('fm-bad-indentation', () => 'controls:\n    - PR.AA-01\n  - A.5.17\n review_cadence: annual', ['syntax-error']),
  fmCase('fm-document-marker-inside', () => '...\n--- x\n%YAML 1.2'),
  fmCase('fm-deep-flow', () => 'x: ' + '['.repeat(N) + ']'.repeat(N), ['file-unreadable']),
  fmCase('fm-deep-flow-unclosed', () => 'x: ' + '{a: '.repeat(N), ['file-unreadable']),
  fmCase('fm-deep-block-seq', () => 'x:\n' + '- '.repeat(N) + 'v', ['file-unreadable']),
  fmCase('fm-alias-bomb', () => aliasBomb(9)),
  // Inventories nested 10,000 deep (block maps: as deep as fits in the 20 MB limit).
  inv('inv-flow-seq', () => INV + 'nested: ' + '['.repeat(N) + ']'.repeat(N) + '\nidentities:\n' + IDENTITY, ['file-unreadable'], DEEP),
  inv('inv-flow-map', () => INV + 'nested: ' + '{a: '.repeat(N) + '1' + '}'.repeat(N) + '\nidentities:\n' + IDENTITY, ['file-unreadable'], DEEP),
  inv('inv-flow-unclosed', () => INV + 'nested: ' + '['.repeat(N) + '\nidentities:\n' + IDENTITY, ['file-unreadable'], DEEP),
  inv('inv-flow-mixed-lines', () => INV + 'identities:\n' + IDENTITY + '    scopes:\n' + staircase(N, () => '      [{a: ').trimEnd() + '\n', ['file-unreadable'], DEEP),
  inv('inv-block-seq-one-line', () => INV + 'nested:\n' + '- '.repeat(N) + 'x\nidentities:\n' + IDENTITY, ['file-unreadable'], DEEP),
  inv('inv-block-seq-in-identity', () => INV + 'identities:\n' + IDENTITY + '    scopes:\n      ' + '- '.repeat(N) + 'x\n' + IDENTITY.replace('svc-a', 'svc-b'), ['file-unreadable'], DEEP),
  inv('inv-explicit-keys', () => INV + 'identities:\n' + IDENTITY + '    scopes:\n      ' + '? '.repeat(N) + 'x\n', ['file-unreadable'], DEEP),
  inv('inv-block-maps-6000', () => INV + 'nested:\n' + staircase(6000, (i) => ' '.repeat(i + 1) + `k${i}:`) + 'identities:\n' + IDENTITY, ['file-unreadable'], 6000),
  inv('inv-alias-bomb', () => INV + 'defaults:\n' + aliasBomb(9, '  ') + '  owner: *l9\nidentities:\n' + IDENTITY + '    scopes: *l9\n'),
  // Inventories, malformed.
  inv('inv-unclosed-quote', () => INV + 'identities:\n' + IDENTITY + '    purpose: "unclosed\n' + IDENTITY, ['syntax-error']),
  inv('inv-unclosed-bracket', () => INV + 'identities:\n' + IDENTITY.replace('[PR.AA-01]', '[PR.AA-01, A.5.17') + IDENTITY, ['syntax-error']),
  inv('inv-tabs', () => INV + 'identities:\n\t- id: a\n\t  owner: b\n', ['syntax-error']),
  inv('inv-duplicate-keys', () => INV + 'identities:\n' + IDENTITY + '    owner: other@example.com\n'),
  inv('inv-bad-indentation', () => INV + 'identities:\n  - id: a\n     owner: b\n   type: c\n', ['syntax-error']),
  inv('inv-many-documents', () => INV + 'identities:\n' + IDENTITY + '---\n' + INV + '...\n---\n'),
  inv('inv-line-1mb', () => INV + 'identities:\n' + IDENTITY + '    purpose: ' + 'x'.repeat(1_000_000) + '\n'),
  inv('inv-key-1mb', () => INV + 'identities:\n' + IDENTITY + '    ' + 'k'.repeat(1_000_000) + ': v\n'),
  inv('inv-nul', () => INV + 'identities:\n' + IDENTITY + '\u0000', ['file-unreadable']),
  inv('inv-crlf', () => (INV + 'identities:\n' + IDENTITY + IDENTITY).replace(/\n/g, '\r\n')),
  inv('inv-lone-cr', () => (INV + 'identities:\n' + IDENTITY).replace(/\n/g, '\r')),
  inv('inv-empty', () => ''),
  inv('inv-only-dashes', () => '---'),
  { name: 'inv-utf16le-bom', file: 'inv-utf16le-bom.nhi.yaml', text: () => decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(INV + 'identities:\n' + IDENTITY, 'utf16le')])) },
];

/** Every position of `range` lies inside the document. */
function assertRange(lines: any, range: any, what: string): void {
  for (const p of [range.start, range.end]) {
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines.lineCount, `${what}: line ${p.line} outside 0..${lines.lineCount - 1}`);
    const len = lines.lineText(p.line).length;
    assert.ok(Number.isInteger(p.character) && p.character >= 0 && p.character <= len, `${what}: character ${p.character} outside 0..${len} on line ${p.line}`);
  }
  assert.ok(range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character), `${what}: range ends before it starts`);
}

function assertSymbols(lines: any, symbols: any[], what: string): void {
  const stack = [...symbols];
  for (let s = stack.pop(); s; s = stack.pop()) {
    assertRange(lines, s.range, `${what} symbol ${s.name}`);
    assertRange(lines, s.selectionRange, `${what} symbol ${s.name} selection`);
    stack.push(...s.children);
  }
}

/** Everything an editor asks of a file, with the checks every answer must pass; the findings. */
function exercise(text: string, file: string): { findings: any[]; outputs: unknown[] } {
  const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, { ...defaultConfig(), today: '2026-11-23' });
  const uri = `file:///ws/${file}`;
  const f = { uri, text };
  const lines = new LineIndex(text);
  const findings = svc.check(f);
  for (const x of findings) {
    assertRange(lines, x.range, `${file} ${x.ruleId}`);
    for (const fix of x.fixes) for (const e of fix.edits) assertRange(lines, e.range, `${file} fix ${fix.title}`);
  }
  const last = lines.lineCount - 1;
  const mid = Math.floor(last / 2);
  const positions = [
    { line: 0, character: 0 },
    { line: Math.min(1, last), character: 2 },
    { line: mid, character: 0 },
    { line: mid, character: Math.min(5, lines.lineText(mid).length) },
    { line: last, character: lines.lineText(last).length },
  ];
  const outputs: unknown[] = [findings];
  for (const pos of positions) {
    const h = svc.hover(f, pos);
    if (h) {
      assertRange(lines, h.range, `${file} hover`);
      outputs.push(h);
    }
    const items = svc.complete(f, pos);
    for (const c of items.slice(0, 50)) assertRange(lines, c.textEdit.range, `${file} completion ${c.label}`);
    outputs.push(items.slice(0, 50));
  }
  const symbols = svc.symbols(f);
  assertSymbols(lines, symbols, file);
  outputs.push(symbols);
  for (const r of svc.folding(f)) assert.ok(r.startLine >= 0 && r.endLine < lines.lineCount && r.startLine <= r.endLine, `${file} folding ${r.startLine}-${r.endLine}`);
  const whole = { start: { line: 0, character: 0 }, end: { line: last, character: lines.lineText(last).length } };
  const ranges = [whole, ...findings.slice(0, 3).map((x: any) => x.range)];
  for (const range of ranges) {
    const actions = svc.codeActions(f, range);
    for (const a of actions) for (const e of a.edits) assertRange(lines, e.range, `${file} action ${a.title}`);
    outputs.push(actions);
  }
  svc.forget(uri);
  return { findings, outputs };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('robustness: hostile input', function () {
  this.timeout(120_000);
  const report: string[] = [];
  after(() => {
    console.log(`\n      case                              chars      time    heap +  findings\n${report.join('\n')}\n      peak RSS of the test process: ${mb(process.resourceUsage().maxRSS * 1024)}`);
  });

  for (const c of CASES) {
    it(`${c.name}: answered, in range, in bounded time${c.expect ? `, reports ${c.expect.join(', ')}` : ''}`, () => {
      gc();
      const heap0 = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      let text: string | undefined = c.text();
      const chars = text.length;
      const { findings } = exercise(text, c.file);
      text = undefined;
      const ms = performance.now() - t0;
      gc();
      const grown = process.memoryUsage().heapUsed - heap0;
      report.push(`      ${c.name.padEnd(32)} ${String(chars).padStart(9)} ${ms.toFixed(0).padStart(7)} ms ${mb(grown).padStart(9)} ${String(findings.length).padStart(6)}`);
      const rules = new Set(findings.map((f: any) => f.ruleId));
      for (const r of c.expect ?? []) assert.ok(rules.has(r), `${c.name}: expected ${r} among ${[...rules].join(', ')}`);
      const budget = scaledBudget(c.budget ?? 10_000);
      assert.ok(ms < budget, `${c.name} took ${ms.toFixed(0)} ms (budget ${budget.toFixed(0)} ms at this load)`);
      // What the caches keep is bounded; nothing grows with the input beyond a copy or two of it.
      assert.ok(grown < 4 * chars + 64 * 1024 * 1024, `${c.name}: heap grew by ${mb(grown)}`);
    });
  }

  it('deep values are said clearly: how deep, and that they were not parsed; the rest is checked', () => {
    const bqText = FM + '>'.repeat(N) + ' deep\n' + TAIL;
    const bq = exercise(bqText, 'bq.md').findings;
    const deep = bq.find((f: any) => f.ruleId === 'file-unreadable');
    assert.match(deep.message, /nests 10,000 levels deep .*not parsed/);
    assert.deepEqual(deep.range.start, { line: bqText.split('\n').findIndex((l) => l.startsWith('>>>')), character: 0 });
    // The sections after it are read: no section-missing, and their references are checked.
    assert.ok(!bq.some((f: any) => f.ruleId === 'section-missing'), bq.map((f: any) => f.ruleId).join());
    assert.ok(bq.some((f: any) => f.ruleId === 'control-unlisted' || f.ruleId === 'control-legacy'), bq.map((f: any) => f.ruleId).join());

    const y = exercise(INV + 'nested: ' + '['.repeat(N) + ']'.repeat(N) + '\nidentities:\n' + IDENTITY.replace('owner: team@example.com\n', ''), 'y.nhi.yaml').findings;
    const dy = y.find((f: any) => f.ruleId === 'file-unreadable');
    assert.match(dy.message, /nested 10,001 levels deep \(more than 128 are not read\): it was not parsed/);
    assert.ok(!y.some((f: any) => /call stack/i.test(f.message)), 'no raw stack overflow message');
    assert.ok(y.some((f: any) => f.ruleId === 'owner-missing'), 'the identities after it are checked');

    const fm = exercise('---\ntype: runbook\nx: ' + '{a: '.repeat(N) + '\nreview_cadence: annual\n---\n# T\n', 'fm.md').findings;
    assert.ok(fm.some((f: any) => f.ruleId === 'file-unreadable' && /nested 10,00\d levels deep/.test(f.message)));
    // The front matter is read but for that value: its other checks run (no owner).
    assert.ok(fm.some((f: any) => f.ruleId === 'owner-missing'), fm.map((f: any) => f.ruleId).join());
  });

  it('a table read by remark is read whole: its references are checked, nothing is said unreadable', () => {
    const f = exercise(FM + '\t- tab\n\n' + '| **a** | *b* | [c](x.md) A.5.17 | `c` |\n'.repeat(1000) + TAIL, 't.md').findings;
    assert.ok(!f.some((x: any) => x.ruleId === 'file-unreadable'), f.map((x: any) => x.message).join('\n'));
    assert.ok(f.filter((x: any) => x.ruleId === 'control-unlisted').length >= 1);
  });

  it('a byte order mark kept before the front matter changes nothing', () => {
    const rules = (t: string) => exercise(t, 'bom.md').findings.map((f: any) => f.ruleId).sort();
    const text = FM.replace('controls: [PR.AA-01]\n', '') + TAIL;
    assert.ok(rules(text).length > 0);
    assert.deepEqual(rules('\ufeff' + text), rules(text));
  });

  it('a literal secret inside a value too deep to parse is still found', () => {
    const token = 'ghp_' + 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
    const f = exercise(INV + `nested: ${'['.repeat(N)}${token}${']'.repeat(N)}\nidentities:\n${IDENTITY}`, 's.nhi.yaml').findings;
    assert.ok(f.some((x: any) => x.ruleId === 'secret-inline'));
    const m = exercise(FM + '- '.repeat(N) + token + '\n' + TAIL, 's.md').findings;
    assert.ok(m.some((x: any) => x.ruleId === 'secret-inline'));
  });
});

describe('robustness: the guards bound what the parsers get', function () {
  this.timeout(60_000);
  let parse: (text: string) => Root;
  before(async () => {
    const { unified } = await import('unified');
    const { default: remarkParse } = await import('remark-parse');
    const processor = unified().use(remarkParse);
    parse = (text) => processor.parse(text) as Root;
  });

  const containers = (tree: Root, visit: (node: Nodes, depth: number) => void) => {
    const stack: [Nodes, number][] = [[tree, 0]];
    for (let e = stack.pop(); e; e = stack.pop()) {
      const [node, d] = e;
      const depth = node.type === 'blockquote' || node.type === 'listItem' ? d + 1 : d;
      visit(node, depth);
      if ('children' in node) for (const c of node.children as Nodes[]) stack.push([c, depth]);
    }
  };
  const BLOCKS = new Set(['blockquote', 'listItem', 'list', 'paragraph', 'heading', 'code', 'thematicBreak']);

  function soup(rand: () => number): string {
    const bits = ['>', '> ', '- ', '* ', '+ ', '1. ', '2) ', '  ', '    ', '\t', ' ', '-', '>\t', '10. ', '-\t'];
    const ends = ['x', '', '```', 'text', '# h', '***', '<div>', '    code', '"q', '[a](b)'];
    const out: string[] = [];
    for (let k = 1 + Math.floor(rand() * 8); k > 0; k--) {
      let l = '';
      for (let j = Math.floor(rand() * 7); j > 0; j--) l += bits[Math.floor(rand() * bits.length)];
      out.push(rand() < 0.15 ? '' : l + ends[Math.floor(rand() * ends.length)]);
    }
    return out.join(['\n', '\r\n', '\r'][Math.floor(rand() * 3)]);
  }

  it('markdown-depth: no block of remark\'s tree is deeper than the bound of the line it starts on', () => {
    const rand = prng(11);
    for (let i = 0; i < 4000; i++) {
      const text = soup(rand);
      const bounds = nestingBounds(text);
      containers(parse(text), (node, depth) => {
        if (!BLOCKS.has(node.type)) return;
        const line = node.position!.start.line - 1;
        assert.ok(depth <= bounds[line], `${JSON.stringify(text)}: ${node.type} at depth ${depth} on line ${line}, bound ${bounds[line]}`);
      });
    }
  });

  it('markdown-depth: once deep lines are blanked, remark nests no container deeper than the limit', () => {
    const rand = prng(12);
    for (let i = 0; i < 3000; i++) {
      const text = soup(rand);
      const limit = 1 + Math.floor(rand() * 4);
      const blanked = blankDeepLines(text, limit);
      const read = blanked ? blanked.text : text;
      assert.equal(read.length, text.length);
      containers(parse(read), (node, depth) => {
        if (node.type === 'blockquote' || node.type === 'listItem') assert.ok(depth <= limit, `${JSON.stringify(text)} (limit ${limit}): ${node.type} at ${depth}`);
      });
    }
    assert.equal(MAX_NESTING, 64);
  });

  /** The deepest nesting of collections in a parsed document (iteratively). */
  function yamlDepth(doc: any): number {
    let max = 0;
    const stack: [any, number][] = [[doc.contents, 0]];
    for (let e = stack.pop(); e; e = stack.pop()) {
      const [n, d] = e;
      if (!yaml.isCollection(n)) continue;
      max = Math.max(max, d + 1);
      for (const it of n.items) {
        if (yaml.isPair(it)) stack.push([it.key, d + 1], [it.value, d + 1]);
        else stack.push([it, d + 1]);
      }
    }
    return max;
  }

  function randomYaml(rand: () => number): string {
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const flow = (d: number): string => {
      if (d <= 0 || rand() < 0.2) return pick(['a', '"x]"', "'y['", '1', '"[{"', 'b c']);
      const items = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => flow(d - 1));
      return rand() < 0.5 ? '[' + items.join(pick([', ', ',\n  '])) + ']' : '{' + items.map((x, i) => `k${i}: ${x}`).join(', ') + '}';
    };
    const block = (d: number, ind: number): string => {
      const sp = ' '.repeat(ind);
      if (d <= 0 || rand() < 0.15) return sp + pick(['v', '"q[[["', '[a, [b]]', `|\n${sp}  [[[[\n${sp}  {{{`, '# [[[ c', flow(3), 'x # [[']);
      const r = rand();
      if (r < 0.35) return sp + '- ' + (rand() < 0.5 ? block(d - 1, 0).trimStart() : '\n' + block(d - 1, ind + 2));
      if (r < 0.6) return sp + `k${Math.floor(rand() * 3)}:` + (rand() < 0.5 ? ' ' + flow(Math.min(d, 4)) : '\n' + block(d - 1, ind + pick([1, 2, 4])));
      if (r < 0.7) return sp + '- - ' + block(d - 2, 0).trimStart();
      if (r < 0.8) return sp + '? ' + block(d - 1, 0).trimStart();
      return sp + 'k: ' + flow(d);
    };
    return Array.from({ length: 1 + Math.floor(rand() * 4) }, () => block(2 + Math.floor(rand() * 8), 0)).join('\n') + '\n';
  }

  it('fast-yaml deepValues: what the library reads once deep values are blanked nests little more than the limit, even malformed', () => {
    const rand = prng(13);
    let worst = 0;
    let guarded = 0;
    for (let i = 0; i < 3000; i++) {
      const text = randomYaml(rand);
      const limit = 1 + Math.floor(rand() * 6);
      const shallow = shallowYaml(text, limit);
      if (shallow) guarded++;
      const read = shallow ? shallow.text : text;
      assert.equal(read.length, text.length);
      const d = yamlDepth(yaml.parseDocument(read, { uniqueKeys: false }));
      worst = Math.max(worst, d - limit);
      // Well-formed nesting is counted exactly; the library's recovery from malformed YAML nests a level or
      // three past it at most, far inside the margin between MAX_YAML_DEPTH (128) and its ~870.
      assert.ok(d <= limit + 8, `${JSON.stringify(text)} (limit ${limit}): the library nests ${d}`);
    }
    assert.ok(guarded > 1000, `only ${guarded} of 3000 cut`);
    assert.ok(worst <= 8);
  });

  it('fast-yaml mayNestDeep: when it says no, the scan finds nothing; after an edit within a line, that line decides', () => {
    const rand = prng(14);
    let passed = 0;
    for (let i = 0; i < 3000; i++) {
      let text = randomYaml(rand);
      if (rand() < 0.3) text = text.replace(/\n/g, () => pick(rand, ['\n', '\n', 'k: k: k: k: k: k: k: k: k: k: k: \n', '\n- - - - - - - - ', '\n  ? ? ? ? ? ? ']));
      const limit = 8 + Math.floor(rand() * 40);
      if (mayNestDeep(text, limit)) continue;
      passed++;
      assert.deepEqual(scanDeepValues(text, limit), [], `${JSON.stringify(text)} (limit ${limit})`);
      // An edit within one line: the whole text passes iff that line does.
      const at = Math.floor(rand() * (text.length + 1));
      const ins = pick(rand, ['[', '[[[[[[[[[[[[', ': ', 'k: '.repeat(8), '- - - ', '"', '#', ' ', 'x', ']', '{{{{{{{{{{{{{{{{{{{{']);
      const del = text.slice(at, at + Math.floor(rand() * 3));
      if (/[\r\n]/.test(del) || text[at - 1] === '\r') continue;
      const after = text.slice(0, at) + ins + text.slice(at + del.length);
      assert.equal(lineMayNestDeep(after, at, limit), mayNestDeep(after, limit), `${JSON.stringify(after)} (limit ${limit}, edit at ${at})`);
    }
    assert.ok(passed > 300, `only ${passed} passed`);
  });

  it('fast-yaml deepValues: exact on well-formed nesting, none on ordinary files, linear', () => {
    assert.deepEqual(deepValues('a: ' + '['.repeat(200) + ']'.repeat(200) + '\n').map((d: any) => d.depth), [201]);
    assert.deepEqual(deepValues('a:\n' + '- '.repeat(300) + 'x\n').map((d: any) => d.depth), [301]);
    assert.deepEqual(deepValues('a: ' + '['.repeat(127) + ']'.repeat(127) + '\n'), []);
    assert.deepEqual(deepValues('a: "' + '['.repeat(500) + '"\nb: |\n  ' + '{'.repeat(10) + '\nc: x # ' + '['.repeat(500) + '\n'), []);
    const inventory = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'inventories', 'payments.nhi.yaml'), 'utf8');
    assert.deepEqual(deepValues(inventory.repeat(50)), []);
    // Linear: 40 times the input, at most ~40 times the time (a generous factor for timer noise).
    const t = (s: string) => {
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) deepValues(s);
      return performance.now() - t0;
    };
    const small = '- [' + '[a, {b: "]"}], '.repeat(2500) + ']\n';
    t(small);
    const ratio = t(small.repeat(40)) / Math.max(t(small), 1);
    assert.ok(ratio < 150, `40x the input took ${ratio.toFixed(0)}x the time`);
  });

  it('alias bombs are never expanded: plain values keep aliases as null, and nest as deep as written', () => {
    const doc = yaml.parseDocument(aliasBomb(12), { uniqueKeys: false });
    const t0 = performance.now();
    const v = plainValue(doc.contents) as Record<string, unknown[]>;
    assert.ok(performance.now() - t0 < scaledBudget(100));
    assert.deepEqual(v.l12, Array(10).fill(null));
    // And plainValue is iterative: a value 100,000 deep (built directly, no parser) converts.
    const d = new yaml.Document();
    const root = d.createNode([]);
    let node = root;
    for (let i = 0; i < 100_000; i++) {
      const next = d.createNode([]);
      node.items.push(next);
      node = next;
    }
    let deep: any = plainValue(root);
    let n = 0;
    while (Array.isArray(deep) && deep.length) {
      deep = deep[0];
      n++;
    }
    assert.equal(n, 100_000);
  });
});

describe('robustness: a detected secret never appears unmasked', function () {
  this.timeout(60_000);
  const T = (c: string) => 'ghp_' + c + 'B3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';
  const files: [string, string][] = [
    [
      'leak.nhi.yaml',
      `kind: nhi-inventory\napi_token: ${T('a')}\ndefaults:\n  owner: ${T('b')}\nidentities:\n  - id: AKIAQWERTYUIOPASDFGH\n    name: ${T('c')}\n    type: sk_live_4eC39HqLyjWDarjtT1zdp7dc\n    owner: ${T('d')}\n    rotation: xoxb-123456789012-abcdefghijkl\n    last_rotated: glpat-abcdefghij0123456789\n    privilege: AIzaSyA1234567890abcdefghijklmnopqrstu\n    password: Zq8#kL2@mN5!pR7$tV9%\n    controls: [${T('e')}]\n  - id: AKIAQWERTYUIOPASDFGH\n`,
    ],
    [
      'leak.md',
      `---\ntype: runbook\nowner: ${T('f')}\napi_token: ${T('g')}\napprover: AKIAQWERTYUIOPASDFGJ\ncontrols: [AKIAQWERTYUIOPASDFGK]\n---\n# Rotate ${T('h')}\n\nSee [x](${T('i')}.md) and TODO ${T('j')}.\n\n## Purpose\npassword = Zq8#kL2@mN5!pR7$tV9%xx\n`,
    ],
  ];

  it('in findings, fixes, hovers (every column), completions (every line end), symbols and code actions', () => {
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, { ...defaultConfig(), today: '2026-11-23' });
    for (const [name, text] of files) {
      const secrets = findSecrets(text).map((s: any) => text.slice(s.start, s.end));
      assert.ok(secrets.length >= 8, `${name}: ${secrets.length} secrets detected`);
      const f = { uri: `file:///ws/${name}`, text };
      const out: unknown[] = [svc.check(f), svc.symbols(f)];
      const lines = text.split('\n');
      lines.forEach((l, line) => {
        for (let character = 0; character <= l.length; character++) out.push(svc.hover(f, { line, character }));
        out.push(svc.complete(f, { line, character: l.length }));
        out.push(svc.codeActions(f, { start: { line, character: 0 }, end: { line, character: l.length } }));
      });
      const all = JSON.stringify(out);
      for (const s of secrets) assert.ok(!all.includes(s), `${name}: '${s}' appears unmasked`);
      assert.ok(all.includes('ghp_… (40 chars)'), 'the masked form is shown');
    }
    // Owners used elsewhere in the workspace are offered, but not one that is a token.
    const doc = { uri: 'file:///ws/new.md', text: '---\ntype: runbook\nowner: \n---\n# T\n' };
    const labels = svc.complete(doc, { line: 2, character: 7 }).map((c: any) => c.label);
    assert.ok(!labels.some((l: string) => l.startsWith('ghp_')), labels.join());
  });
});

describe('robustness: the CLI and the language server keep working', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-hostile-'));
  const worst: [string, string][] = [
    ['blockquotes.md', FM + '>'.repeat(N) + ' deep\n' + TAIL],
    ['lists.md', FM + '- '.repeat(N) + 'x\n' + TAIL],
    ['mixed.md', FM + staircase(20, () => '> - '.repeat(N / 2) + 'x') + TAIL],
    ['deep.nhi.yaml', INV + 'nested: ' + '['.repeat(100_000) + '\nidentities:\n' + IDENTITY],
    ['bomb.nhi.yaml', INV + 'defaults:\n' + aliasBomb(9, '  ') + 'identities:\n' + IDENTITY],
    ['long.md', FM + 'word '.repeat(250_000) + '\n' + TAIL],
    ['fm.md', '---\ntype: runbook\nx: ' + '['.repeat(100_000) + '\n---\n# T\n' + TAIL],
  ];
  before(() => {
    for (const [name, text] of worst) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, 'utf16.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FM + '>'.repeat(N) + '\n' + TAIL, 'utf16le')]));
    fs.writeFileSync(path.join(dir, 'ok.md'), FM + TAIL);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('isms check: every file reported, exit 0, 1 or 3 (never 2), in bounded time', async () => {
    let out = '';
    let err = '';
    const t0 = performance.now();
    const code = await cliMain(['check', dir, '--format', 'json', '--today', '2026-11-23'], { out: (s: string) => (out += s + '\n'), err: (s: string) => (err += s + '\n') });
    const ms = performance.now() - t0;
    console.log(`      isms check over ${worst.length + 2} hostile files: ${ms.toFixed(0)} ms, exit ${code}`);
    // Exit 3: nothing failed, but parts of the hostile files could not be checked, and the run says so (never 2).
    assert.ok(code === 0 || code === 1 || code === 3, `exit ${code}: ${err}`);
    const files = JSON.parse(out).files.map((f: any) => path.basename(f.path)).sort();
    assert.deepEqual(files, [...worst.map(([n]) => n), 'ok.md', 'utf16.md'].sort());
    assert.ok(ms < scaledBudget(20_000));
  });

  it('the server answers for each of them, and a later request on another file', async () => {
    const client = new LspClient();
    try {
      await client.start(dir, { today: '2026-11-23' });
      for (const [name, text] of worst) {
        const uri = pathToFileURL(path.join(dir, name)).href;
        const t0 = performance.now();
        const d = await client.open(uri, name.endsWith('.md') ? 'markdown' : 'yaml', text, 20_000);
        const pos = { line: 1, character: 2 };
        await client.request('textDocument/hover', { textDocument: { uri }, position: pos }, 20_000);
        await client.request('textDocument/completion', { textDocument: { uri }, position: pos }, 20_000);
        const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } }, 20_000);
        await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: pos }, context: { diagnostics: [] } }, 20_000);
        console.log(`      server: ${name.padEnd(18)} ${d.diagnostics.length} diagnostics, ${symbols.length} symbols, ${(performance.now() - t0).toFixed(0)} ms`);
        client.notify('textDocument/didClose', { textDocument: { uri } });
      }
      const uri = pathToFileURL(path.join(dir, 'ok.md')).href;
      const d = await client.open(uri, 'markdown', FM + TAIL);
      assert.ok(Array.isArray(d.diagnostics));
      const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 12 } });
      assert.match(h.contents.value, /PR\.AA-01/);
      assert.ok(client.alive);
      assert.doesNotMatch(client.stderr, /check failed|RangeError|Maximum call stack/);
    } finally {
      await client.stop();
    }
  });

  it('the server starts and answers with an .isms.yaml nested 1,000,000 deep (not read, defaults used)', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-deepcfg-'));
    fs.writeFileSync(path.join(ws, '.isms.yaml'), 'rules: ' + '['.repeat(1_000_000) + '\n');
    const client = new LspClient();
    try {
      await client.start(ws);
      const uri = pathToFileURL(path.join(ws, 'ok.md')).href;
      const d = await client.open(uri, 'markdown', FM + TAIL);
      assert.ok(Array.isArray(d.diagnostics));
      assert.ok(client.alive);
    } finally {
      await client.stop();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
