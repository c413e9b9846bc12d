/**
 * The baseline of `isms check` (issue 21): written, then lines moved, a finding fixed and a new error added: exit 1,
 * only the new finding reported, the fixed one named as gone; SARIF marks new, unchanged and absent; writing again
 * prunes; the file is sorted and one entry per line.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';
import { CLI, copyDir, runIsms } from './helpers/cli';

const { fingerprint, makeBaseline, matchBaseline, parseBaseline, serializeBaseline } = server('cli/baseline.js');

const TODAY = '2026-11-23';

const isms = (cwd: string, args: string[]) => runIsms(cwd, args);


/** Moves every line of the inventory down, fixes PR.AA-1 and adds CC9.9 on the same line as the CC6.9 error. */
export function plantChanges(dir: string): void {
  const p = path.join(dir, 'inventories', 'payments.nhi.yaml');
  const s = fs.readFileSync(p, 'utf8');
  assert.ok(s.includes('controls: [PR.AA-1, CC6.9, NHI7]'));
  fs.writeFileSync(p, '# moved down\n\n\n' + s.replace('controls: [PR.AA-1, CC6.9, NHI7]', 'controls: [PR.AA-01, CC6.9, NHI7, CC9.9]'));
}

const finding = (line: number, start: number, end: number, ruleId = 'r') => ({ ruleId, severity: 'error', message: 'm', range: { start: { line, character: start }, end: { line, character: end } }, fixes: [] });

describe('isms check --baseline', function () {
  this.timeout(120000);
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-bl-'));
    copyDir(path.join(ROOT, 'examples'), dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports only new findings after lines moved, names the fixed one as gone, and writing again prunes it', () => {
    const w = isms(dir, ['check', '.', '--today', TODAY, '--write-baseline']);
    assert.equal(w.status, 0, w.stderr);
    const file = path.join(dir, '.isms-baseline.json');
    const recorded = parseBaseline(fs.readFileSync(file, 'utf8'), 'b');
    const all = JSON.parse(isms(dir, ['check', '.', '--today', TODAY, '--format', 'json']).stdout).files.flatMap((f: any) => f.findings);
    assert.equal(recorded.findings.reduce((n: number, e: any) => n + e.count, 0), all.length);
    // Nothing new: exit 0 although the files have errors.
    const clean = isms(dir, ['check', '.', '--today', TODAY, '--baseline', '.isms-baseline.json']);
    assert.equal(clean.status, 0, clean.stdout);
    assert.match(clean.stdout, /0 errors, 0 warnings, 0 infos/);

    plantChanges(dir);
    const r = isms(dir, ['check', '.', '--today', TODAY, '--baseline', '.isms-baseline.json']);
    assert.equal(r.status, 1);
    const lines = r.stdout.split('\n').filter((l) => /: (error|warning|info|hint) /.test(l));
    assert.deepEqual(lines.map((l) => l.replace(/ '.*$/, '')), ['inventories/payments.nhi.yaml:111:39: error']);
    assert.match(lines[0], /'CC9\.9'/);
    assert.match(r.stderr, /1 finding of the baseline is gone/);
    assert.match(r.stderr, /\[control-malformed\] 'PR\.AA-1'/);

    const w2 = isms(dir, ['check', '.', '--today', TODAY, '--write-baseline']);
    assert.match(w2.stderr, new RegExp(`wrote ${all.length} findings .* \\(it held ${all.length}\\)`));
    const again = isms(dir, ['check', '.', '--today', TODAY, '--baseline', '.isms-baseline.json']);
    assert.equal(again.status, 0);
    assert.doesNotMatch(again.stderr, /gone/);
  });

  it('marks SARIF results new, unchanged and absent', () => {
    isms(dir, ['check', '.', '--today', TODAY, '--write-baseline']);
    plantChanges(dir);
    const sarif = JSON.parse(isms(dir, ['check', '.', '--today', TODAY, '--baseline', '.isms-baseline.json', '--format', 'sarif']).stdout);
    const states = sarif.runs[0].results.map((r: any) => r.baselineState);
    assert.equal(states.filter((s: string) => s === 'new').length, 1);
    assert.equal(states.filter((s: string) => s === 'absent').length, 1);
    assert.ok(states.filter((s: string) => s === 'unchanged').length >= 10);
    assert.ok(states.every((s: string) => ['new', 'unchanged', 'absent'].includes(s)));
  });

  it('says what is wrong with a missing or broken baseline (exit 2)', () => {
    const missing = isms(dir, ['check', '.', '--baseline', 'nope.json']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file \(write one with --write-baseline\)/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"version": 2}');
    const bad = isms(dir, ['check', '.', '--baseline', 'bad.json']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /not an isms baseline/);
  });

  it('writes a sorted file, one entry per line, and counts equal findings', () => {
    const lines = ['a: CC9.9', 'b: CC9.9', 'c: x'];
    const b = makeBaseline([
      { file: 'z.md', findings: [finding(0, 3, 8)], lines },
      { file: 'a.md', findings: [finding(0, 3, 8), finding(1, 3, 8), finding(2, 3, 4, 'q')], lines },
    ]);
    assert.deepEqual(b.findings.map((e: any) => `${e.file} ${e.rule} ${e.count}`), ['a.md q 1', 'a.md r 2', 'z.md r 1']);
    const text = serializeBaseline(b);
    assert.equal(text.split('\n').filter((l: string) => l.startsWith('    {')).length, 3);
    assert.deepEqual(parseBaseline(text, 'x'), b);
    // Two equal findings in the baseline match two, the third is new.
    const m = matchBaseline(b, [{ file: 'a.md', findings: [finding(0, 3, 8), finding(1, 3, 8), finding(5, 3, 8)], lines: [...lines, '', '', 'x: CC9.9'] }]);
    assert.deepEqual(m.states.get('a.md'), ['unchanged', 'unchanged', 'new']);
    assert.deepEqual(m.absent.map((e: any) => `${e.file} ${e.rule}`), ['a.md q', 'z.md r']);
  });

  it('fingerprints the covered text, or the line when that text is too short to tell findings apart', () => {
    const a = fingerprint(finding(0, 3, 8), ['a: CC9.9 and more']);
    assert.equal(fingerprint(finding(4, 10, 15), ['', '', '', '', 'moved  a: CC9.9']), a, 'moved and re-indented');
    assert.notEqual(fingerprint(finding(0, 3, 8, 'other'), ['a: CC9.9']), a, 'another rule');
    assert.notEqual(fingerprint(finding(0, 0, 1), ['- x']), fingerprint(finding(0, 0, 1), ['- y']), 'a short covered text takes its line');
  });
});
