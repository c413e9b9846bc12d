/**
 * The CI side of `isms check` (docs/ci.md): the text line format and the VS Code problem matcher that reads it,
 * colour, --quiet, --max-warnings, --output, and the github, gitlab and junit formats.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';

const { githubAnnotations, githubSummary, gitlabReport, junitReport, fingerprints } = server('cli/ci-formats.js');
const { findingLine } = server('cli/output.js');
const { wantsColor } = server('cli/io.js');

const TODAY = '2026-11-23';
const CLI = path.join(ROOT, 'bin', 'isms.js');

function isms(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } });
}

const finding = (line: number, ruleId: string, severity: string, message: string) => ({
  ruleId,
  severity,
  message,
  range: { start: { line, character: 2 }, end: { line, character: 9 } },
  fixes: [],
});

/** Tags of an XML text balance (a small check, enough to catch a missing close tag or a stray '<'). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z][\w-]*)[^<>]*?(\/?)>|</g)) {
    if (!m[2]) return false; // a '<' that opens no tag
    if (m[3]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return stack.length === 0;
}

describe('CI formats of isms check', function () {
  this.timeout(60000);

  describe('the text line and the problem matcher $isms', () => {
    const matcher = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.problemMatchers.find((m: { name: string }) => m.name === 'isms');
    const re = new RegExp(matcher.pattern.regexp);

    it('reads every finding line of the CLI as the JSON output has it (file, line, column, severity, rule)', () => {
      const text = isms(['check', 'examples', '--today', TODAY]);
      const json = JSON.parse(isms(['check', 'examples', '--today', TODAY, '--format', 'json']).stdout);
      const expected = json.files.flatMap((f: any) => f.findings.map((x: any) => [f.path, x.range.start.line + 1, x.range.start.character + 1, x.severity, x.ruleId].join(' ')));
      const lines = text.stdout.split('\n').filter((l) => l.trim());
      const matched = lines.map((l) => re.exec(l)).filter((m): m is RegExpExecArray => !!m);
      assert.equal(matched.length, expected.length, 'one matched line per finding');
      assert.ok(expected.length > 5);
      const p = matcher.pattern;
      assert.deepEqual(matched.map((m) => [m[p.file], Number(m[p.line]), Number(m[p.column]), m[p.severity], m[p.code]].join(' ')), expected);
      // The summary lines are not findings.
      assert.equal(lines.length - matched.length, 2);
    });

    it('reads messages with brackets, colons and paths with colons', () => {
      const line = findingLine('docs/a:b.md', finding(4, 'control-unknown', 'error', "'CC9.9' [sic]: see A.5.15 [x]"));
      assert.equal(line, "docs/a:b.md:5:3: error 'CC9.9' [sic]: see A.5.15 [x] [control-unknown]");
      const m = re.exec(line)!;
      assert.deepEqual([m[1], m[2], m[3], m[4], m[5], m[6]], ['docs/a:b.md', '5', '3', 'error', "'CC9.9' [sic]: see A.5.15 [x]", 'control-unknown']);
    });

    it('colours on a terminal, never with NO_COLOR or in a pipe', () => {
      assert.equal(wantsColor({}, true), true);
      assert.equal(wantsColor({ NO_COLOR: '1' }, true), false);
      assert.equal(wantsColor({}, false), false);
      assert.equal(wantsColor({ FORCE_COLOR: '1' }, false), true);
      assert.equal(wantsColor({ TERM: 'dumb' }, true), false);
      const coloured = findingLine('a.md', finding(0, 'r', 'warning', 'm'), true);
      assert.match(coloured, /\x1b\[33mwarning\x1b\[39m/);
      assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), 'a.md:1:3: warning m [r]');
      assert.doesNotMatch(isms(['check', 'examples', '--today', TODAY], { FORCE_COLOR: '' }).stdout, /\x1b/);
    });
  });

  describe('--quiet, --max-warnings, --output', () => {
    it('--quiet reports errors only', () => {
      const r = isms(['check', 'examples', '--today', TODAY, '--quiet', '--format', 'json']);
      const all = JSON.parse(r.stdout).files.flatMap((f: any) => f.findings);
      assert.ok(all.length > 0);
      assert.ok(all.every((f: any) => f.severity === 'error'));
    });

    it('--max-warnings fails a run without errors that has more warnings than allowed', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-mw-'));
      fs.writeFileSync(
        path.join(dir, 'p.md'),
        '---\ntype: policy\nowner: a@example.com\napprover: b@example.com\nreview_cadence: annual\nlast_reviewed: 2026-01-10\ncontrols: [CSF:PR.AA-01]\n---\n# P\n\nSee PR.AC-4.\n\n## Purpose\nx\n## Scope\nx\n## Roles and responsibilities\nx\n## Policy\nx\n## Review\nx\n',
      );
      const json = JSON.parse(isms(['check', dir, '--today', TODAY, '--format', 'json']).stdout);
      const warnings = json.files.flatMap((f: any) => f.findings).filter((f: any) => f.severity === 'warning').length;
      const errors = json.files.flatMap((f: any) => f.findings).filter((f: any) => f.severity === 'error').length;
      assert.equal(errors, 0);
      assert.ok(warnings >= 1);
      assert.equal(isms(['check', dir, '--today', TODAY]).status, 0);
      assert.equal(isms(['check', dir, '--today', TODAY, '--max-warnings', String(warnings)]).status, 0);
      const over = isms(['check', dir, '--today', TODAY, '--max-warnings', String(warnings - 1)]);
      assert.equal(over.status, 1);
      assert.match(over.stderr, /more than --max-warnings/);
      assert.equal(isms(['check', dir, '--max-warnings', 'many']).status, 2);
    });

    it('--output writes the report to a file and the terminal gets the text', () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isms-out-')), 'gl.json');
      const r = isms(['check', 'examples', '--today', TODAY, '--format', 'gitlab', '--output', out]);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /files checked/);
      const report = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(report.length, r.stdout.split('\n').filter((l) => /: (error|warning|info|hint) /.test(l)).length);
    });
  });

  describe('github', () => {
    it('writes one workflow command per finding, escaping data and properties', () => {
      const results = [
        { path: 'docs/a,b:c.md', kind: 'process-document', findings: [finding(0, 'owner-missing', 'error', '50% done\nnext line'), finding(2, 'x', 'info', 'i')] },
      ];
      assert.deepEqual(githubAnnotations(results), [
        '::error file=docs/a%2Cb%3Ac.md,line=1,col=3,endLine=1,endColumn=10,title=owner-missing::50%25 done%0Anext line',
        '::notice file=docs/a%2Cb%3Ac.md,line=3,col=3,endLine=3,endColumn=10,title=x::i',
      ]);
    });

    it('appends a job summary when GITHUB_STEP_SUMMARY is set', () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isms-gh-')), 'summary.md');
      fs.writeFileSync(file, '# before\n');
      const r = isms(['check', 'examples', '--today', TODAY, '--format', 'github'], { GITHUB_STEP_SUMMARY: file });
      assert.equal(r.status, 1);
      const md = fs.readFileSync(file, 'utf8');
      assert.match(md, /^# before\n## ISMS check\n/);
      assert.match(md, /\| `control-unknown` \| 1 \| 0 \| 0 \|/);
      assert.match(md, /### Files with the most findings/);
      const summary = githubSummary([{ path: 'a|b.md', kind: 'inventory', findings: [finding(0, 'r', 'error', 'm')] }]);
      assert.match(summary, /\| a\\\|b\.md \| 1 \| 1 \|/);
    });
  });

  describe('gitlab', () => {
    it('writes Code Quality issues whose fingerprint survives moved lines', () => {
      const a = { path: 'p.md', kind: 'process-document', findings: [finding(3, 'owner-missing', 'error', 'No owner'), finding(9, 'control-legacy', 'warning', 'old')] };
      const moved = { ...a, findings: a.findings.map((f) => ({ ...f, range: { start: { line: f.range.start.line + 5, character: 0 }, end: { line: f.range.end.line + 5, character: 1 } } })) };
      assert.deepEqual(fingerprints(a), fingerprints(moved));
      const twice = { ...a, findings: [a.findings[0], a.findings[0]] };
      const [x, y] = fingerprints(twice);
      assert.notEqual(x, y, 'equal findings get distinct fingerprints');
      const [issue] = gitlabReport([a]);
      assert.deepEqual(Object.keys(issue).sort(), ['check_name', 'description', 'fingerprint', 'location', 'severity']);
      assert.deepEqual(issue.location, { path: 'p.md', lines: { begin: 4, end: 4 } });
      assert.equal(issue.severity, 'major');
    });
  });

  describe('junit', () => {
    it('writes well-formed XML: a suite per file, a failure per error or warning, escaped text', () => {
      const xml = junitReport([
        { path: 'a&b.md', kind: 'process-document', findings: [finding(0, 'r1', 'error', 'x < y & "q"\u0001'), finding(1, 'r2', 'info', 'note')] },
        { path: 'clean.md', kind: 'process-document', findings: [] },
      ]);
      assert.ok(balanced(xml), xml);
      assert.match(xml, /<testsuites name="isms check" tests="3" failures="1" errors="0">/);
      assert.match(xml, /message="x &lt; y &amp; &quot;q&quot;\ufffd"/);
      assert.match(xml, /<testsuite name="clean.md" tests="1" failures="0"/);
      const cli = isms(['check', 'examples', '--today', TODAY, '--format', 'junit']);
      assert.ok(balanced(cli.stdout));
    });
  });
});
