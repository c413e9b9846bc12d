/** CLI tests: spawn bin/isms.js as CI would. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers/root';

function isms(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function workspace(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-cli-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const POLICY = [
  '---', 'type: policy', 'owner: a@example.com', 'approver: ciso@example.com', 'review_cadence: annual',
  'last_reviewed: 2026-11-01', 'controls: [CSF:PR.AA-01, A.5.16, SOC2:CC6.1]', '---', '# Policy', '',
  'See SOC2:CC6.1.', '', '## Purpose', '## Scope', '## Roles and responsibilities', '## Policy statements', '## Review', '',
].join('\n');
/** Only the control-reference findings (the cases below are about them). */
const refs = (findings: any[]) => findings.filter((f: any) => /^control-/.test(f.ruleId ?? f));
const BAD = '---\ntype: policy\ncontrols: [CC6.9, PR.AC-4]\n---\n# Bad\n';

describe('isms CLI', function () {
  this.timeout(20000);

  it('exits 0 on a clean workspace and prints a coverage summary', () => {
    const r = isms(['check', workspace({ 'policy.md': POLICY, 'README.md': '# x\n\nCC6.9\n' }), '--today', '2026-11-23']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /1 files checked \(1 process documents, 0 inventories\): 0 errors, 0 warnings/);
    assert.match(r.out, /Controls referenced: CSF 1\/106, ISO27001 1\/93, ISO27002 0\/93, SOC2 1\/61, NHI 0\/10/);
  });

  it('exits 1 when errors are found and prints file:line:col', () => {
    const dir = workspace({ 'bad.md': BAD });
    const r = isms(['check', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, /bad\.md:3:12: error 'CC6\.9' is not in AICPA SOC 2/);
    assert.match(r.out, /bad\.md:3:19: warning .*PR\.AA-05.*\[control-legacy\]/);
  });

  it('writes JSON with rule, severity, message, 0-based range and fixes', () => {
    const r = isms(['check', workspace({ 'bad.md': BAD }), '--format', 'json']);
    const j = JSON.parse(r.out);
    const f = refs(j.files[0].findings)[1];
    assert.equal(f.ruleId, 'control-legacy');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.range, { start: { line: 2, character: 18 }, end: { line: 2, character: 25 } });
    assert.equal(f.fixes[0].edits[0].newText, 'PR.AA-05');
  });

  it('writes SARIF 2.1.0 with rules and 1-based regions', () => {
    const r = isms(['check', workspace({ 'bad.md': BAD }), '--format=sarif']);
    const s = JSON.parse(r.out);
    assert.equal(s.version, '2.1.0');
    const run = s.runs[0];
    assert.deepEqual(refs(run.tool.driver.rules.map((x: any) => x.id)).sort(), ['control-legacy', 'control-unknown']);
    const res = run.results.find((x: any) => x.ruleId === 'control-unknown');
    assert.equal(res.level, 'error');
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 3, startColumn: 12, endLine: 3, endColumn: 17 });
    assert.match(res.locations[0].physicalLocation.artifactLocation.uri, /bad\.md$/);
  });

  it('reads .isms.yaml: frameworks and rule severities', () => {
    const dir = workspace({ '.isms.yaml': 'frameworks: [csf]\nrules:\n  control-legacy: error\n', 'bad.md': BAD });
    const r = isms(['check', dir, '--format', 'json']);
    const j = JSON.parse(r.out);
    assert.deepEqual(refs(j.files[0].findings).map((f: any) => [f.ruleId, f.severity]), [
      ['control-out-of-scope', 'warning'],
      ['control-legacy', 'error'],
    ]);
  });

  it('exits 2 on usage and configuration errors', () => {
    assert.equal(isms(['check', '--format', 'xml']).code, 2);
    assert.equal(isms(['check', '/no/such/path']).code, 2);
    assert.equal(isms(['frobnicate']).code, 2);
    const r = isms(['check', workspace({ '.isms.yaml': 'frameworks: [csf, cobit]\n', 'p.md': POLICY })]);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown framework 'cobit'/);
    const t = isms(['check', workspace({ '.isms.yaml': 'today: 2026-13-45\n', 'p.md': POLICY })]);
    assert.equal(t.code, 2);
    assert.match(t.err, /today must be a calendar date YYYY-MM-DD, not '2026-13-45'/);
    const deep = isms(['check', workspace({ '.isms.yaml': 'frameworks: ' + '['.repeat(200000) + ']'.repeat(200000) + '\n', 'p.md': POLICY })]);
    assert.equal(deep.code, 2, deep.err);
    assert.match(deep.err, /\.isms\.yaml:1:1: error nested more than 128 levels deep: not read/);
  });

  it('survives binary, empty, huge and malformed files', () => {
    const big = '---\ntype: runbook\nowner: a@example.com\n---\n' + 'Step with PR.AA-01 and CC6.1.\n'.repeat(100000);
    const dir = workspace({
      'bin.nhi.yaml': Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x00, 0x01, 0xff, 0xfe]),
      'empty.nhi.yaml': '',
      'broken.nhi.yaml': 'kind: nhi-inventory\nidentities: [\n  - {id: x\n',
      'huge.md': big,
      'utf16.md': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BAD, 'utf16le')]),
    });
    const r = isms(['check', dir, '--format', 'json']);
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    const by = Object.fromEntries(j.files.map((f: any) => [path.basename(f.path), f.findings.map((x: any) => x.ruleId)]));
    assert.deepEqual(by['bin.nhi.yaml'], ['file-unreadable']);
    assert.deepEqual(by['empty.nhi.yaml'], []);
    assert.ok(by['broken.nhi.yaml'].includes('syntax-error'));
    assert.deepEqual(refs(by['huge.md']), []);
    assert.ok(by['huge.md'].includes('evidence-missing'), 'a 3 MB runbook is still checked');
    assert.ok(by['huge.md'].includes('file-unreadable'), 'its 3 MB paragraph is too long to parse, and that is said');
    assert.deepEqual(refs(by['utf16.md']), ['control-unknown', 'control-legacy']);
  });

  it('shows and searches the catalogs', () => {
    const show = isms(['catalog', 'show', 'CSF:PR.AA-01']);
    assert.equal(show.code, 0);
    assert.match(show.out, /Identities and credentials/);
    const search = isms(['catalog', 'search', 'identity', 'management']);
    assert.match(search.out, /ISO27001:A\.5\.16 +Identity management/);
    assert.equal(isms(['catalog', 'show', 'PR.AA-99']).code, 1);
  });

  it('runs on the bundled examples workspace', () => {
    const r = isms(['check', 'examples', '--today', '2026-11-23']);
    assert.ok(r.code === 0 || r.code === 1, r.err);
    assert.match(r.out, /files checked/);
    assert.match(r.out, /\[control-legacy\]/);
  });
  it('reads ignoreGlobs and documentGlobs with the glob syntax: classes, braces, ! excludes', () => {
    const doc = '# A document without front matter\n';
    const dir = workspace({
      '.isms.yaml': [
        'documentGlobs: ["{policies,runbooks}/**/*.md", "!**/README.md"]',
        'ignoreGlobs: ["**/node_modules/**", "policies/draft-[0-9]*.md", "!policies/draft-1-keep.md", "archive/", "old/**", "!old/keep.md"]',
      ].join('\n'),
      'policies/a.md': doc,
      'policies/README.md': doc,
      'policies/draft-1.md': doc,
      'policies/draft-1-keep.md': doc,
      'policies/draft-x.md': doc,
      'runbooks/deep/r.md': doc,
      'notes/n.md': doc,
      'archive/policies/z.md': doc,
      'old/keep.md': doc,
      'old/policies/y.md': doc,
    });
    const r = isms(['check', dir, '--format', 'json', '--today', '2026-11-23'], dir);
    const checked = JSON.parse(r.out).files.filter((f: any) => f.findings.some((x: any) => x.ruleId === 'front-matter-missing')).map((f: any) => f.path);
    // A folder an ignore glob matches (old/** matches old itself) is skipped whole, as by the editor's index:
    // a ! glob brings back files, not folders.
    assert.deepEqual(checked.sort(), ['policies/a.md', 'policies/draft-1-keep.md', 'policies/draft-x.md', 'runbooks/deep/r.md']);
  });
});

describe('isms CLI: what could not be checked is never silence', function () {
  this.timeout(30000);
  const POL = '---\ntype: policy\nowner: a@example.com\n---\n# P\n';

  it('says what it did not check and exits 3 when nothing else failed (binary, too deep, unreadable)', () => {
    const dir = workspace({ '.isms.yaml': 'documentGlobs: ["**/*.md"]\n', 'bin.md': Buffer.from([0x23, 0x20, 0x00, 0x01]), 'ok.md': POL });
    const r = isms(['check', dir, '--today', '2026-11-23']);
    assert.equal(r.code, 3, r.out + r.err);
    assert.match(r.err, /1 file \(or parts of files\) could not be checked/);
    assert.match(r.out, /bin\.md:1:1: warning This file was not checked: it looks binary/);
  });

  it('never opens a FIFO, given directly or met in a walk', function () {
    if (process.platform === 'win32') this.skip();
    const dir = workspace({ 'ok.md': POL });
    spawnSync('mkfifo', [path.join(dir, 'pipe.md')]);
    for (const args of [['check', path.join(dir, 'pipe.md')], ['check', dir]]) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), ...args, '--today', '2026-11-23'], { encoding: 'utf8', timeout: 15000 });
      assert.equal(r.signal, null, 'the CLI hung on the FIFO');
      assert.equal(r.status, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /pipe\.md: not a regular file/);
    }
  });

  it('walks each folder once (symlink loops) and does not follow links out of the project', function () {
    if (process.platform === 'win32') this.skip();
    const outside = workspace({ 'secret.md': POL });
    const dir = workspace({ '.git/HEAD': '', 'docs/p.md': POL });
    fs.symlinkSync('..', path.join(dir, 'docs', 'loop'));
    fs.symlinkSync(outside, path.join(dir, 'docs', 'out'));
    const r = isms(['check', dir, '--format', 'json', '--today', '2026-11-23']);
    assert.equal(r.code, 3, r.err);
    assert.deepEqual(JSON.parse(r.out).files.map((f: any) => path.basename(f.path)), ['p.md'], 'p.md once, secret.md never');
    assert.match(r.err, /docs\/loop: a symbolic link to a folder already walked/);
    assert.match(r.err, /docs\/out: a symbolic link out of the project/);
  });

  it('names the first byte that is not UTF-8, once, and checks the file', () => {
    const bad = Buffer.concat([Buffer.from(POL + 'line \xc3'.slice(0, 5), 'latin1'), Buffer.from([0xc3, 0x28, 0x20, 0xff]), Buffer.from(' CC6.1\n')]);
    const dir = workspace({ 'bad.md': bad });
    const r = isms(['check', dir, '--today', '2026-11-23']);
    const notices = r.err.split('\n').filter((l) => /not valid UTF-8/.test(l));
    assert.equal(notices.length, 1, r.err);
    assert.match(notices[0], /bad\.md:6:6: not valid UTF-8 \(byte 0xc3 at offset 51\)/);
    assert.match(r.out, /1 files checked/);
  });

  it('a reader that goes away (| head) ends the run quietly', () => {
    const r = spawnSync('bash', ['-c', `node ${JSON.stringify(path.join(ROOT, 'bin', 'isms.js'))} check ${JSON.stringify(path.join(ROOT, 'examples'))} --format json | head -c 10 >/dev/null; echo "code=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    assert.doesNotMatch(r.stderr, /EPIPE|Error/);
    assert.match(r.stdout, /code=[01]/);
  });

  it('a file that cannot be read is reported as such, not skipped', () => {
    const { checkShard, checker } = require(path.join(ROOT, 'server', 'out', 'cli', 'check-files.js'));
    const { defaultConfig } = require(path.join(ROOT, 'server', 'out', 'core', 'config.js'));
    const warnings: string[] = [];
    const [o] = checkShard([path.join(os.tmpdir(), 'no-such-isms-file.md')], checker(os.tmpdir(), defaultConfig()), (m: string) => warnings.push(m));
    assert.ok(o && !('kind' in o) && /ENOENT|no such file/.test(o.reason), JSON.stringify(o));
    assert.match(warnings[0], /cannot read .*no-such-isms-file\.md/);
  });
});

describe('isms CLI usage', function () {
  this.timeout(20000);
  const noStack = (s: string) => assert.doesNotMatch(s, /\n\s+at /, 'no stack trace');

  it('--help lists the commands and the exit codes, exit 0', () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = isms(args);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^Usage: isms <command>/);
      for (const cmd of ['check [paths...]', 'catalog show <id> | search <words>', 'lsp --stdio', 'help [command]']) assert.ok(r.out.includes(`\n  ${cmd}  `), cmd);
      assert.match(r.out, /Exit codes: 0 no errors, 1 errors found, 2 usage or configuration error, 3 no errors but a file/);
      assert.equal(r.err, '');
    }
    const none = isms([]);
    assert.equal(none.code, 2);
    assert.match(none.err, /^Usage: isms <command>/);
  });

  it('help <command>, <command> --help and <command> -h print the command\'s usage and options, exit 0', () => {
    const options: Record<string, string[]> = {
      check: ['--format <text|json|sarif|github|gitlab|junit>', '--output <file>', '--quiet', '--max-warnings <n>', '--today <YYYY-MM-DD>', '--config <file>', '-h, --help'],
      catalog: ['-h, --help'],
      lsp: ['--stdio', '--node-ipc', '--socket <port>', '--pipe <name>', '--clientProcessId <pid>', '-h, --help'],
    };
    for (const [cmd, opts] of Object.entries(options)) {
      const help = isms(['help', cmd]);
      assert.equal(help.code, 0, help.err);
      assert.match(help.out, new RegExp(`^Usage:\\n  isms ${cmd}`));
      for (const o of opts) assert.ok(help.out.includes(`${o}  `), `${cmd} help lists ${o}`);
      assert.match(help.out, /Exit codes: 0 /);
      for (const flag of ['--help', '-h']) {
        const r = isms([cmd, flag]);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, help.out);
      }
    }
    // Help wins over other mistakes on the same line, and is never taken as a path or a control ID.
    assert.equal(isms(['check', '--formt', 'x', '--help']).code, 0);
    assert.match(isms(['catalog', 'show', '--help']).out, /^Usage:\n  isms catalog show <id>/);
    assert.match(isms(['check', '--help']).out, /ISMS_WORKERS/);
  });

  it('suggests the nearest command, subcommand or option, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['chek'], /unknown command 'chek'; did you mean 'check'\?/],
      [['chcek', 'examples'], /unknown command 'chcek'; did you mean 'check'\?/],
      [['help', 'catalgo'], /unknown command 'catalgo'; did you mean 'catalog'\?/],
      [['check', '--formt', 'json'], /unknown option '--formt'; did you mean '--format'\?/],
      [['check', '--tody=2026-11-23'], /unknown option '--tody'; did you mean '--today'\?/],
      [['check', '--format', 'jsno'], /--format must be text, json, sarif, github, gitlab or junit, not 'jsno'; did you mean 'json'\?/],
      [['--verison'], /unknown option '--verison'; did you mean '--version'\?/],
      [['catalog', 'shwo', 'A.5.16'], /unknown catalog command 'shwo'; did you mean 'show'\?/],
      [['lsp', '--stdoi'], /unknown option '--stdoi'; did you mean '--stdio'\?/],
    ];
    for (const [args, message] of cases) {
      const r = isms(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, message);
      assert.match(r.err, /Run 'isms (\w+ )?--help' for usage\./);
      assert.equal(r.out, '');
    }
    const far = isms(['frobnicate']);
    assert.equal(far.code, 2);
    assert.match(far.err, /^isms: unknown command 'frobnicate'\n/);
    assert.match(isms(['check', '-x']).err, /^isms: unknown option '-x'\n/);
  });

  it('says which option lacks a value, without a stack trace, exit 2', () => {
    for (const opt of ['--format', '--today', '--config']) {
      const r = isms(['check', 'examples', opt]);
      assert.equal(r.code, 2, opt);
      assert.match(r.err, new RegExp(`^isms: option '${opt}' needs a value: ${opt} <`));
      noStack(r.err);
    }
    // A value that looks like an option is not taken as one (write --config=-x.yaml for that).
    const r = isms(['check', '--format', '--today', '2026-11-23']);
    assert.equal(r.code, 2);
    assert.match(r.err, /option '--format' needs a value/);
    assert.match(isms(['check', '--help=yes']).out, /^Usage:/);
    assert.match(isms(['lsp', '--stdio=yes']).err, /option '--stdio' takes no value/);
  });

  it('takes --today only as a real calendar date, exit 2 otherwise', () => {
    const dir = workspace({ 'policy.md': POLICY });
    for (const bad of ['2026-13-45', '2026-02-29', '2026-04-31', '2026-00-10', '26-11-23', '2026-1-5', 'tomorrow', '']) {
      const r = isms(['check', dir, `--today=${bad}`]);
      assert.equal(r.code, 2, bad);
      assert.match(r.err, new RegExp(`^isms: --today must be a calendar date YYYY-MM-DD, not '${bad}'`));
      noStack(r.err);
    }
    for (const good of ['2028-02-29', '2026-12-31', '2026-11-23']) assert.equal(isms(['check', dir, '--today', good]).code, 0, good);
  });

  it('exits 0 without errors, 1 with errors, 2 on usage and configuration errors', () => {
    const clean = workspace({ 'policy.md': POLICY });
    const bad = workspace({ 'bad.md': BAD });
    const expect: [string[], number][] = [
      [['check', clean, '--today', '2026-11-23'], 0],
      [['check', clean, '--today', '2026-11-23', '--format', 'json'], 0],
      [['check', bad], 1],
      [['check', bad, '--format=sarif'], 1],
      [['--version'], 0],
      [['catalog', 'show', 'A.5.16'], 0],
      [['catalog', 'show', 'PR.AA-99'], 1],
      [['catalog', 'search', 'zzqqxx'], 1],
      [['catalog'], 2],
      [['catalog', 'show'], 2],
      [['catalog', 'show', 'A.5.16', 'A.5.17'], 2],
      [['catalog', 'search'], 2],
      [['lsp'], 2],
      [['lsp', 'extra', '--stdio'], 2],
      [['check', bad, '--format', 'xml'], 2],
      [['check', '/no/such/path'], 2],
      [['check', bad, '--config', path.join(bad, 'missing.yaml')], 2],
      [['check', workspace({ '.isms.yaml': 'rules: [\n', 'bad.md': BAD })], 2],
      [['check', workspace({ '.isms.yaml': 'rules:\n  control-legacy: loud\n', 'bad.md': BAD })], 2],
    ];
    for (const [args, code] of expect) {
      const r = isms(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
      noStack(r.err);
    }
  });

  it('-- ends the options: what follows is a path', () => {
    const dir = workspace({ '-odd.md': BAD });
    const r = isms(['check', '--format', 'json', '--', '-odd.md'], dir);
    assert.equal(r.code, 1, r.err);
    assert.equal(JSON.parse(r.out).files[0].path, '-odd.md');
  });
});

describe('isms CLI on many files', function () {
  this.timeout(120000);
  it('gives the same result with worker threads as in one thread, duplicates across shards included', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) {
      files[`inv/i-${i}.nhi.yaml`] = `kind: nhi-inventory\nidentities:\n  - id: svc-${i % 50}\n    owner: team-${i}@bank.example\n    controls: [PR.AC-4]\n`;
      // (One suppression of a cross-file finding: applied once the other shards' IDs are known.)
      if (i === 54) files[`inv/i-${i}.nhi.yaml`] = files[`inv/i-${i}.nhi.yaml`].replace('  - id:', '  # isms-disable-next-line nhi-id-duplicate -- Regional copy of svc-4 by design, ARCH-3\n  - id:');
      files[`docs/p-${i}.md`] = `---\ntype: runbook\nowner: a@example.com\ncontrols: [NHI7]\n---\n# R ${i}\n\nSee CC6.${(i % 9) + 1} and [x](missing-${i}.md).\n`;
    }
    const dir = workspace(files);
    const run = (workers: string) => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', dir, '--format', 'json', '--today', '2026-11-23'], {
        encoding: 'utf8',
        env: { ...process.env, ISMS_WORKERS: workers },
      });
      return { code: r.status, json: JSON.parse(r.stdout), text: r.stdout, err: r.stderr };
    };
    const one = run('1');
    const three = run('3');
    // The workers load the same bundle: they must not run the command line themselves (it printed the usage).
    assert.equal(three.err, '');
    assert.equal(one.code, three.code);
    assert.equal(one.text, three.text);
    assert.equal(one.json.files.length, 120);
    const dup = one.json.files.find((f: any) => f.path.endsWith('i-55.nhi.yaml')).findings.filter((f: any) => f.ruleId === 'nhi-id-duplicate');
    assert.match(dup[0].message, /also used in inv\/i-5\.nhi\.yaml:3/);
    const accepted = one.json.files.find((f: any) => f.path.endsWith('i-54.nhi.yaml')).findings.filter((f: any) => f.ruleId === 'nhi-id-duplicate');
    assert.deepEqual(accepted.map((f: any) => f.suppressed), [{ reason: 'Regional copy of svc-4 by design, ARCH-3', line: 2 }]);
    assert.equal(one.json.summary.suppressed, 1);
    // Each file's JSON is rendered on the thread that checked it (read back on the main thread when a cross-file
    // finding or a suppression changes it): the report is the one --output writes from the findings themselves.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isms-report-')), 'report.json');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', dir, '--format', 'json', '--output', file, '--today', '2026-11-23'], {
      encoding: 'utf8',
      env: { ...process.env, ISMS_WORKERS: '3' },
    });
    assert.equal(r.status, three.code);
    assert.equal(fs.readFileSync(file, 'utf8'), three.text);
  });
});

describe('isms CLI: suppressions', function () {
  this.timeout(30000);
  const DOC = [
    '---', 'title: Keys', 'type: record', 'owner: sre@example.com', 'isms-disable:', '  controls-missing: {reason: "Records cite no controls by design, see ISMS-1", until: 2027-01-31}', '---', '', '# Keys', '',
    '<!-- isms-disable-next-line placeholder -- The vendor fills this in, SEC-12 -->', 'TODO: vendor text.', '',
    '<!-- isms-disable-next-line placeholder -->', 'TBD later.', '',
    '<!-- isms-disable-next-line link-broken -- Checked by hand, SEC-13 -->', 'No link here.', '',
  ].join('\n');
  const INV = [
    'identities:', '  # isms-disable-next-line secret-inline -- Test fixture token, revoked, SEC-14 (expires 2026-12-31)',
    '  - id: fixture', '    owner: qa-team', '    note: ghp_abcdefghijklmnopqrstuvwxyz0123456789', '',
  ].join('\n');
  const dir = workspace({ 'docs/keys.md': DOC, 'nhi/fixtures.nhi.yaml': INV });

  it('counts suppressed findings in the text and JSON summaries, and does not fail on a suppressed error', () => {
    const text = isms(['check', dir, '--today', '2026-11-23']);
    assert.equal(text.code, 0, text.out + text.err);
    assert.ok(!/\[placeholder\]/.test(text.out.split('\n').filter((l) => l.includes('keys.md:12:')).join('\n')), 'the suppressed finding is not printed');
    assert.match(text.out, /, 4 suppressed with a reason \(isms exceptions lists them\)\./);
    assert.match(text.out, /keys\.md:14:1: warning This suppression of 'placeholder' gives no reason.*\[suppression-unjustified\]/);
    assert.match(text.out, /keys\.md:17:29: warning No 'link-broken' finding is suppressed here.*\[suppression-unused\]/);
    const json = JSON.parse(isms(['check', dir, '--today', '2026-11-23', '--format', 'json']).out);
    assert.equal(json.summary.suppressed, 4);
    assert.equal(json.summary.errors, 0);
    const secret = json.files.find((f: any) => f.path.endsWith('fixtures.nhi.yaml')).findings.find((f: any) => f.ruleId === 'secret-inline');
    assert.deepEqual(secret.suppressed, { reason: 'Test fixture token, revoked, SEC-14', expires: '2026-12-31', line: 1 });
    // The day after the expiry the error is back, with suppression-expired next to it.
    const later = isms(['check', dir, '--today', '2027-01-01']);
    assert.equal(later.code, 1);
    assert.match(later.out, /fixtures\.nhi\.yaml:2:\d+: warning This suppression of 'secret-inline' expired on 2026-12-31 \(1 finding is reported again\)/);
    assert.match(later.out, /fixtures\.nhi\.yaml:5:\d+: error .*\[secret-inline\]/);
  });

  it('carries suppressed findings in SARIF as suppressions inSource with the justification', () => {
    const sarif = JSON.parse(isms(['check', dir, '--today', '2026-11-23', '--format', 'sarif']).out);
    const results = sarif.runs[0].results;
    const placeholder = results.filter((r: any) => r.ruleId === 'placeholder');
    assert.deepEqual(placeholder.map((r: any) => [r.locations[0].physicalLocation.region.startLine, r.suppressions]), [
      [12, [{ kind: 'inSource', justification: 'The vendor fills this in, SEC-12' }]],
      [15, [{ kind: 'inSource' }]],
    ]);
    assert.ok(results.filter((r: any) => r.ruleId.startsWith('suppression-')).every((r: any) => !r.suppressions));
  });

  it('isms exceptions lists every suppression with its state and owner (md, csv, json)', () => {
    const json = JSON.parse(isms(['exceptions', dir, '--today', '2026-11-23', '--format', 'json']).out);
    assert.equal(json.today, '2026-11-23');
    assert.deepEqual(
      json.exceptions.map((e: any) => [e.path.replace(/^.*\/(docs|nhi)\//, '$1/'), e.line, e.rules.join(), e.state, e.suppressed, e.owner ?? '', e.expires ?? '']),
      [
        ['docs/keys.md', 6, 'controls-missing', 'active', 1, 'sre@example.com', '2027-01-31'],
        ['docs/keys.md', 11, 'placeholder', 'active', 1, 'sre@example.com', ''],
        ['docs/keys.md', 14, 'placeholder', 'unjustified', 1, 'sre@example.com', ''],
        ['docs/keys.md', 17, 'link-broken', 'unused', 0, 'sre@example.com', ''],
        ['nhi/fixtures.nhi.yaml', 2, 'secret-inline', 'active', 1, 'qa-team', '2026-12-31'],
      ],
    );
    const later = JSON.parse(isms(['exceptions', dir, '--today', '2027-01-01', '--format', 'json']).out);
    assert.equal(later.exceptions[4].state, 'expired');
    const md = isms(['exceptions', dir, '--today', '2026-11-23']);
    assert.equal(md.code, 0);
    assert.match(md.out, /^# Exceptions: findings accepted with a reason\n\n5 suppressions as of 2026-11-23 \(3 active, 1 unused, 1 unjustified\)\./);
    assert.match(md.out, /\| File \| Line \| Rules \| Reason \| Expires \| State \| Suppressed \| Owner \|/);
    const csv = isms(['exceptions', dir, '--today', '2026-11-23', '--format', 'csv']).out;
    assert.ok(csv.startsWith('\uFEFFFile,Line,Rules,Reason,Expires,State,Suppressed,Owner\r\n'), JSON.stringify(csv.slice(0, 80)));
    assert.match(csv, /,11,placeholder,"The vendor fills this in, SEC-12",,active,1,sre@example\.com\r\n/);
    const bad = isms(['exceptions', dir, '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--format must be md, csv, json/);
  });
});

describe('isms check --also', () => {
  const { runIsms } = require('./helpers/cli');
  it('writes more formats from the same run, each equal to its own --format run; a bad value is a usage error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-also-'));
    try {
      const examples = path.join(ROOT, 'examples');
      const today = ['--today', '2026-11-23'];
      const r = runIsms(examples, ['check', '.', ...today, '--format', 'github', '--also', `json:${path.join(dir, 'a.json')}`, '--also', `sarif:${path.join(dir, 'b.sarif')}`]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, runIsms(examples, ['check', '.', ...today, '--format', 'github']).stdout, 'the --format report as without --also');
      assert.equal(fs.readFileSync(path.join(dir, 'a.json'), 'utf8'), runIsms(examples, ['check', '.', ...today, '--format', 'json']).stdout);
      assert.equal(fs.readFileSync(path.join(dir, 'b.sarif'), 'utf8'), runIsms(examples, ['check', '.', ...today, '--format', 'sarif']).stdout);
      const bad = runIsms(examples, ['check', '.', '--also', 'xml:out.xml']);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--also takes <format>:<file>/);
      const unwritable = runIsms(examples, ['check', '.', ...today, '--also', `json:${path.join(dir, 'no', 'such', 'dir', 'x.json')}`]);
      assert.equal(unwritable.status, 2);
      assert.match(unwritable.stderr, /cannot write/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
