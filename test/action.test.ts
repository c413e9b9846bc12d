/**
 * The repository's CI integrations (issue 21), run here without network:
 * - the GitHub Action (action.yml): its script with the variables GitHub sets (GITHUB_WORKSPACE, GITHUB_OUTPUT,
 *   GITHUB_STEP_SUMMARY) and the CLI of this build as the installed one;
 * - the pre-commit hook (.pre-commit-hooks.yaml) through a real pre-commit (Debian's package, installed by
 *   scripts/e2e-setup.sh) in a temporary git repository: a commit that adds an error is refused, a clean one passes.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers/root';
import { CLI, copyDir } from './helpers/cli';

const TODAY = '2026-11-23';


describe('GitHub Action (action.yml)', function () {
  this.timeout(120000);
  let ws = '';
  let out = '';
  let summary = '';
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-action-'));
    copyDir(path.join(ROOT, 'examples'), ws);
    out = path.join(ws, '.gh-output');
    summary = path.join(ws, '.gh-summary.md');
    fs.writeFileSync(out, '');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const action = (inputs: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'github-action.mjs')], {
      cwd: os.tmpdir(),
      encoding: 'utf8',
      env: {
        ...process.env,
        ISMS_CLI: CLI,
        GITHUB_WORKSPACE: ws,
        GITHUB_OUTPUT: out,
        GITHUB_STEP_SUMMARY: summary,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
      },
    });
  const outputs = () => Object.fromEntries(fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split('=')));

  it('passes every input the action declares to its script, and the script reads no other', () => {
    const yml = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    const declared = Object.keys(yml.inputs).filter((k) => k !== 'version').map((k) => `INPUT_${k.toUpperCase().replace(/-/g, '_')}`).sort();
    const step = yml.runs.steps.find((s: any) => s.id === 'check');
    assert.deepEqual(Object.keys(step.env).filter((k) => k.startsWith('INPUT_')).sort(), declared);
    const script = fs.readFileSync(path.join(ROOT, 'scripts', 'github-action.mjs'), 'utf8');
    const read = [...script.matchAll(/input\('([A-Z_]+)'/g)].map((m) => `INPUT_${m[1]}`);
    assert.deepEqual([...new Set(read)].sort(), declared);
    assert.deepEqual(Object.keys(yml.outputs).sort(), ['errors', 'exit-code', 'warnings']);
  });

  it('annotates, writes the job summary and the outputs, and fails on errors', () => {
    const r = action({ paths: '.', today: TODAY });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^::error file=inventories\/payments\.nhi\.yaml,line=\d+,col=\d+,.*title=control-unknown::/m);
    assert.match(fs.readFileSync(summary, 'utf8'), /## ISMS check/);
    const o = outputs();
    const json = JSON.parse(spawnSync(process.execPath, [CLI, 'check', '.', '--today', TODAY, '--format', 'json'], { cwd: ws, encoding: 'utf8' }).stdout);
    const all = json.files.flatMap((f: any) => f.findings);
    assert.deepEqual(o, {
      errors: String(all.filter((f: any) => f.severity === 'error').length),
      warnings: String(all.filter((f: any) => f.severity === 'warning').length),
      'exit-code': '1',
    });
  });

  it('fail-on never passes, fail-on warning fails on warnings alone, a baseline passes old findings, SARIF is written', () => {
    assert.equal(action({ today: TODAY, 'fail-on': 'never' }).status, 0);
    assert.equal(spawnSync(process.execPath, [CLI, 'check', '.', '--today', TODAY, '--write-baseline'], { cwd: ws }).status, 0);
    const sarif = path.join(ws, 'isms.sarif');
    const base = action({ today: TODAY, baseline: '.isms-baseline.json', 'sarif-file': sarif });
    assert.equal(base.status, 0, base.stdout + base.stderr);
    assert.equal(outputs().errors, '0');
    assert.equal(JSON.parse(fs.readFileSync(sarif, 'utf8')).version, '2.1.0');
    // Only warnings left (the errors fixed): fail-on warning fails, error passes.
    const inv = path.join(ws, 'inventories', 'payments.nhi.yaml');
    fs.rmSync(inv);
    const warningsOnly = JSON.parse(spawnSync(process.execPath, [CLI, 'check', '.', '--today', TODAY, '--format', 'json'], { cwd: ws, encoding: 'utf8' }).stdout).files.flatMap((f: any) => f.findings);
    assert.ok(warningsOnly.some((f: any) => f.severity === 'warning') && !warningsOnly.some((f: any) => f.severity === 'error'));
    assert.equal(action({ today: TODAY }).status, 0);
    assert.equal(action({ today: TODAY, 'fail-on': 'warning' }).status, 1);
    assert.equal(action({ today: TODAY, 'fail-on': 'sometimes' }).status, 2);
  });
});

describe('CI snippets (snippets/ci, shown in docs/ci.md)', function () {
  this.timeout(60000);
  const snippet = (name: string) => fs.readFileSync(path.join(ROOT, 'snippets', 'ci', name), 'utf8');
  const docs = fs.readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8');

  it('README and docs/ci.md show the files as they are', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const name of ['github-workflow.yml', 'gitlab-ci.yml', 'pre-commit-config.yaml']) {
      assert.ok(docs.includes('```yaml\n' + snippet(name) + '```'), `${name} in docs/ci.md`);
      assert.ok(readme.includes('```yaml\n' + snippet(name) + '```'), `${name} in README.md`);
    }
  });

  it('the GitHub workflow passes only inputs the Action declares', () => {
    const inputs = Object.keys(parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')).inputs);
    const wf = parse(snippet('github-workflow.yml'));
    const step = wf.jobs.isms.steps.find((s: any) => String(s.uses).startsWith('isms-author/isms-author'));
    assert.ok(step, 'the workflow uses the Action');
    for (const k of Object.keys(step.with)) assert.ok(inputs.includes(k), `'${k}' is an input of action.yml`);
    // The commented baseline line names an input too.
    assert.ok(inputs.includes('baseline'));
  });

  it('the GitLab job runs a command line the CLI accepts and writes a Code Quality report', () => {
    const job = parse(snippet('gitlab-ci.yml')).isms;
    const line: string = job.script.find((l: string) => l.startsWith('npx isms '));
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-gl-'));
    try {
      copyDir(path.join(ROOT, 'examples'), ws);
      const args = line.replace(/^npx isms /, '').split(/\s+/);
      const r = spawnSync(process.execPath, [CLI, ...args, '--today', TODAY], { cwd: ws, encoding: 'utf8' });
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      const report = JSON.parse(fs.readFileSync(path.join(ws, job.artifacts.reports.codequality), 'utf8'));
      assert.ok(Array.isArray(report) && report.length > 0 && report.every((i: any) => i.fingerprint && i.location.path));
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('pre-commit hook (.pre-commit-hooks.yaml)', function () {
  this.timeout(300000);

  it('refuses a commit that adds an error and lets a clean one through (real pre-commit)', () => {
    const which = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    assert.equal(which.status, 0, 'pre-commit is not installed: run scripts/e2e-setup.sh (it installs Debian\'s pre-commit)');
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-precommit-'));
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-bin-'));
    // `isms` on PATH, as `npm install -g isms-author` puts it.
    fs.writeFileSync(path.join(bin, 'isms'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PRE_COMMIT_HOME: path.join(bin, 'pre-commit-home'), GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: repo, env, encoding: 'utf8' });
    try {
      // The hook repository: this one's hook file, committed in a repository of its own.
      const hooks = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-hooks-'));
      fs.copyFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), path.join(hooks, '.pre-commit-hooks.yaml'));
      for (const args of [['init', '-q'], ['add', '.'], ['commit', '-qm', 'hooks']]) assert.equal(spawnSync('git', args, { cwd: hooks, env }).status, 0);
      const rev = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: hooks, encoding: 'utf8' }).stdout.trim();
      assert.equal(sh('git', ['init', '-q']).status, 0);
      // The README's snippet, pointed at the hook repository made above.
      const config = fs
        .readFileSync(path.join(ROOT, 'snippets', 'ci', 'pre-commit-config.yaml'), 'utf8')
        .replace('https://github.com/isms-author/isms-author', hooks)
        .replace(/rev: .*/, `rev: ${rev}`);
      assert.notEqual(config, fs.readFileSync(path.join(ROOT, 'snippets', 'ci', 'pre-commit-config.yaml'), 'utf8'));
      fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), config);
      fs.writeFileSync(path.join(repo, '.isms.yaml'), `today: ${TODAY}\n`);
      assert.equal(sh('pre-commit', ['install']).status, 0);
      const clean = '---\ntype: policy\nowner: a@example.com\napprover: b@example.com\nreview_cadence: annual\nlast_reviewed: 2026-06-01\ncontrols: [ISO27001:A.5.15]\n---\n# Access\n\n## Purpose\nx\n## Scope\nx\n## Roles and responsibilities\nx\n## Policy\nx\n## Review\nx\n';
      fs.writeFileSync(path.join(repo, 'access.md'), clean);
      sh('git', ['add', '.']);
      const ok = sh('git', ['commit', '-qm', 'clean policy']);
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      fs.writeFileSync(path.join(repo, 'access.md'), clean.replace('ISO27001:A.5.15', 'ISO27001:A.5.15, SOC2:CC9.9'));
      sh('git', ['add', 'access.md']);
      const refused = sh('git', ['commit', '-qm', 'an unknown control']);
      assert.notEqual(refused.status, 0, 'the commit with an error was accepted');
      assert.match(refused.stdout + refused.stderr, /access\.md:7:\d+: error 'SOC2:CC9\.9'/);
      assert.match(sh('git', ['log', '--oneline']).stdout.trim(), /^[0-9a-f]+ clean policy$/);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
