/**
 * Golden snapshots of what users see, kept byte-identical across refactors (issue 15):
 * - `isms check --format json` over examples/ and every fixture folder, as CI runs it (test/golden/cli-*.json);
 * - per fixture and example file, through the service: every finding with its fixes, the code actions over
 *   each finding, hovers at every word start, completions at every line end and after every `: ` and `- `,
 *   and the outline (test/golden/service.json holds a digest of each, with the finding count readable).
 *
 * `UPDATE_GOLDEN=1 npx mocha test/out/golden.test.js` rewrites them: only for a change in behaviour that is
 * meant, and reviewed. `GOLDEN_DUMP=dir` writes the full service answers there, to diff a mismatch.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { nodeFileHost } = server('node/file-host.js');

const GOLDEN = path.join(ROOT, 'test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const DUMP = process.env.GOLDEN_DUMP;
const TODAY = '2026-11-23';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (/\.(md|ya?ml)$/.test(e.name)) out.push(p);
  }
  return out;
}

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 20);

function compare(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `${name} missing: run with UPDATE_GOLDEN=1`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs from the golden snapshot`);
}

describe('golden snapshots (no change in behaviour)', function () {
  this.timeout(120000);

  const cliTargets: [string, string][] = [
    ['cli-examples.json', 'examples'],
    ['cli-fixtures-documents.json', 'test/fixtures/documents'],
    ['cli-fixtures-inventory.json', 'test/fixtures/inventory'],
    ['cli-fixtures-discovery.json', 'test/fixtures/discovery/workspace'],
  ];
  for (const [name, dir] of cliTargets) {
    it(`isms check --format json ${dir}`, () => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', dir, '--format', 'json', '--today', TODAY], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      compare(name, r.stdout);
    });
  }

  // The CI formats (docs/ci.md) over the examples, as a pipeline writes them.
  for (const [name, format] of [['cli-examples.sarif.json', 'sarif'], ['cli-examples.github.txt', 'github'], ['cli-examples.gitlab.json', 'gitlab'], ['cli-examples.junit.xml', 'junit']]) {
    it(`isms check --format ${format} examples`, () => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', 'examples', '--format', format, '--today', TODAY], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
      });
      assert.equal(r.status, 1, r.stderr);
      compare(name, r.stdout);
    });
  }

  it('isms check --format sarif --baseline (new, unchanged, absent) over a changed copy of examples/', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isms-golden-bl-'));
    try {
      fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
      const run = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', '.', '--today', TODAY, ...args], { cwd: dir, encoding: 'utf8' });
      assert.equal(run(['--write-baseline']).status, 0);
      compare('cli-examples.baseline.json', fs.readFileSync(path.join(dir, '.isms-baseline.json'), 'utf8'));
      const inv = path.join(dir, 'inventories', 'payments.nhi.yaml');
      fs.writeFileSync(inv, '# moved down\n\n\n' + fs.readFileSync(inv, 'utf8').replace('controls: [PR.AA-1, CC6.9, NHI7]', 'controls: [PR.AA-01, CC6.9, NHI7, CC9.9]'));
      const r = run(['--baseline', '.isms-baseline.json', '--format', 'sarif']);
      assert.equal(r.status, 1, r.stderr);
      compare('cli-examples.baseline.sarif.json', r.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('findings, fixes, code actions, hovers, completions and outlines of every fixture and example', () => {
    const roots = [path.join(ROOT, 'examples'), path.join(ROOT, 'test', 'fixtures')];
    const out: Record<string, unknown> = {};
    for (const root of roots) {
      for (const file of files(root)) {
        const rel = path.relative(ROOT, file).split(path.sep).join('/');
        const cfg = defaultConfig();
        cfg.today = TODAY;
        if (rel.startsWith('test/fixtures/documents/')) cfg.documentGlobs = ['**/*.md'];
        const svc = new IsmsService({ relativePath: (p: string) => path.relative(root, p).split(path.sep).join('/'), files: nodeFileHost(() => root) }, cfg);
        const text = fs.readFileSync(file, 'utf8');
        const src = { uri: file, text };
        const findings = svc.check(src);
        const actions = findings.map((f: any) => svc.codeActions(src, f.range));
        const hovers: unknown[] = [];
        const completions: unknown[] = [];
        const lines = text.split(/\r?\n/);
        lines.forEach((line, i) => {
          for (let c = 0; c < line.length; c++) {
            if (/\S/.test(line[c]) && (c === 0 || /[\s:[,(-]/.test(line[c - 1]))) {
              const h = svc.hover(src, { line: i, character: c });
              if (h) hovers.push([i, c, h]);
            }
          }
          const spots = new Set([line.length]);
          for (const m of line.matchAll(/(?::|-) /g)) spots.add(m.index! + 2);
          for (const c of spots) {
            const items = svc.complete(src, { line: i, character: c });
            if (items.length) completions.push([i, c, items]);
          }
        });
        const symbols = svc.symbols(src);
        const entry = {
          findings: findings.length,
          rules: [...new Set(findings.map((f: any) => f.ruleId))].sort().join(' '),
          findingsDigest: digest(findings),
          actions: digest(actions),
          hovers: `${hovers.length} ${digest(hovers)}`,
          completions: `${completions.length} ${digest(completions)}`,
          symbols: digest(symbols),
        };
        out[rel] = entry;
        if (DUMP) {
          const f = path.join(DUMP, rel + '.json');
          fs.mkdirSync(path.dirname(f), { recursive: true });
          fs.writeFileSync(f, JSON.stringify({ findings, actions, hovers, completions, symbols }, null, 1));
        }
      }
    }
    compare('service.json', JSON.stringify(out, null, 2) + '\n');
  });
});
