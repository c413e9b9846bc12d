/**
 * `isms check --fix` and `--fix-dry-run` (issue 21) on a copy of examples/ with planted mistakes that have safe
 * fixes: --fix leaves only findings without a safe fix, a second --fix changes no byte, the dry run changes no byte
 * and its diff applies with `git apply`; a file with a syntax error and a file that is not UTF-8 are never touched.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';
import { CLI, copyDir, runIsms } from './helpers/cli';

const { fixFile } = server('core/fix.js');
const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');

const TODAY = '2026-11-23';

const isms = (cwd: string, args: string[]) => runIsms(cwd, args);


function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

const PLANTED_DOC = [
  '---',
  'title: Key management standard',
  'type: standard',
  'owner: security@example.com # the accountable team',
  'approver: ciso@example.com',
  'review_cadence: annual',
  'last_reviewed: 2026-06-01',
  'controls: [PR.AA-1, ISO27001:A.5.17, nhi7]',
  '---',
  '# Key management standard',
  '',
  '<!-- keep this comment -->',
  '## Purpose',
  'Keys follow PR.AA-01.',
  '## Scope',
  'All keys.',
  '## Requirements',
  'Rotate.',
  '',
].join('\n');

describe('isms check --fix', function () {
  this.timeout(120000);
  let dir = '';

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-fix-'));
    copyDir(path.join(ROOT, 'examples'), dir);
    fs.writeFileSync(path.join(dir, 'standards-key-management.md'), PLANTED_DOC);
    // A syntax error: never touched, although it has a fixable reference.
    fs.writeFileSync(path.join(dir, 'broken.nhi.yaml'), 'kind: nhi-inventory\nidentities:\n  - id: a\n    controls: [PR.AA-1\n    owner: [x\n');
    // UTF-16: never rewritten.
    fs.writeFileSync(path.join(dir, 'utf16.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('---\ntype: policy\ncontrols: [PR.AA-1]\n---\n# P\n', 'utf16le')]));
    spawnSync('git', ['init', '-q'], { cwd: dir });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--fix-dry-run changes no byte and prints a diff that git apply applies', () => {
    const before = snapshot(dir);
    const r = isms(dir, ['check', '.', '--today', TODAY, '--fix-dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(snapshot(dir), before);
    assert.match(r.stdout, /^--- a\/standards-key-management\.md\n\+\+\+ b\/standards-key-management\.md\n@@ /m);
    assert.match(r.stderr, /standards-key-management\.md:8: fixed \[control-malformed\]/);
    assert.match(r.stderr, /broken\.nhi\.yaml: not fixed: it has a syntax error/);
    assert.match(r.stderr, /utf16\.md: not fixed: the file is not UTF-8/);
    const patch = path.join(os.tmpdir(), `isms-fix-${process.pid}.patch`);
    fs.writeFileSync(patch, r.stdout + '\n');
    const applied = spawnSync('git', ['apply', patch], { cwd: dir, encoding: 'utf8' });
    assert.equal(applied.status, 0, applied.stderr);
    // The patch does what --fix does.
    const patched = snapshot(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-fix-'));
    copyDir(path.join(ROOT, 'examples'), dir);
    fs.writeFileSync(path.join(dir, 'standards-key-management.md'), PLANTED_DOC);
    fs.writeFileSync(path.join(dir, 'broken.nhi.yaml'), 'kind: nhi-inventory\nidentities:\n  - id: a\n    controls: [PR.AA-1\n    owner: [x\n');
    fs.writeFileSync(path.join(dir, 'utf16.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('---\ntype: policy\ncontrols: [PR.AA-1]\n---\n# P\n', 'utf16le')]));
    isms(dir, ['check', '.', '--today', TODAY, '--fix']);
    const fixed = snapshot(dir);
    delete patched['.git'];
    assert.deepEqual(fixed, patched);
  });

  it('--fix leaves only findings without a safe fix, keeps comments, and a second --fix changes no byte', () => {
    const broken = fs.readFileSync(path.join(dir, 'broken.nhi.yaml'), 'utf8');
    const r = isms(dir, ['check', '.', '--today', TODAY, '--fix', '--format', 'json']);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const left = JSON.parse(r.stdout).files.flatMap((f: any) => f.findings.map((x: any) => ({ ...x, path: f.path })));
    const stillFixable = left.filter((f: any) => f.path !== 'broken.nhi.yaml' && f.path !== 'utf16.md' && f.fixes.some((x: any) => x.safe));
    assert.deepEqual(stillFixable.map((f: any) => `${f.path}:${f.range.start.line + 1} ${f.ruleId}`), []);
    const doc = fs.readFileSync(path.join(dir, 'standards-key-management.md'), 'utf8');
    assert.match(doc, /^controls: \[PR\.AA-01, ISO27001:A\.5\.17, NHI7\]$/m);
    assert.match(doc, /owner: security@example\.com # the accountable team/);
    assert.match(doc, /<!-- keep this comment -->/);
    assert.equal(fs.readFileSync(path.join(dir, 'broken.nhi.yaml'), 'utf8'), broken);
    assert.match(r.stderr, /standards-key-management\.md:8: fixed \[control-malformed\] Change to PR\.AA-01/);
    const once = snapshot(dir);
    const again = isms(dir, ['check', '.', '--today', TODAY, '--fix']);
    assert.match(again.stdout, /Fixed 0 findings in 0 files\./);
    assert.deepEqual(snapshot(dir), once);
  });

  it('--fix and --fix-dry-run exclude each other', () => {
    assert.equal(isms(dir, ['check', '.', '--fix', '--fix-dry-run']).status, 2);
  });

  it('never applies a fix that inserts a placeholder, whatever it is marked', () => {
    const cfg = defaultConfig();
    cfg.today = TODAY;
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg);
    const text = '---\ntype: policy\n---\n# P\n';
    const engine = {
      check: (f: any) => [
        {
          ruleId: 'owner-missing',
          severity: 'warning',
          message: 'no owner',
          range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
          fixes: [{ title: "Add 'owner'", safe: true, edits: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: 'owner: TODO\n' }] }],
        },
      ].filter(() => !f.text.includes('owner:')),
      fixAll: (fs: any) => svc.fixAll(fs),
    };
    const r = fixFile(engine, { uri: 'p.md', text });
    assert.equal(r.text, text);
    assert.deepEqual(r.applied, []);
  });
});
