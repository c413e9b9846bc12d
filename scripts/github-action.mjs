#!/usr/bin/env node
// The script of action.yml: runs `isms check` with the action's inputs (INPUT_* variables), writes the report to the
// log (annotations with the default format github, plus the job summary), SARIF when asked, and the outputs errors,
// warnings and exit-code to GITHUB_OUTPUT, all from one run of the check (`--also`). Fails the step per `fail-on`. No network: the CLI is ISMS_CLI (installed by
// the action's first step). Tested by test/action.test.ts with the GitHub variables set.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
const input = (name, fallback = '') => (env[`INPUT_${name}`] ?? '').trim() || fallback;
const cli = env.ISMS_CLI;
if (!cli) {
  console.error('::error title=isms-author::ISMS_CLI is not set (the action installs isms-author and sets it)');
  process.exit(2);
}
const paths = input('PATHS', '.').split(/\s+/).filter(Boolean);
const format = input('FORMAT', 'github');
const failOn = input('FAIL_ON', 'error');
if (!['error', 'warning', 'never'].includes(failOn)) {
  console.error(`::error title=isms-author::fail-on must be error, warning or never, not '${failOn}'`);
  process.exit(2);
}
const common = [...paths];
if (input('BASELINE')) common.push('--baseline', input('BASELINE'));
if (input('TODAY')) common.push('--today', input('TODAY'));

// One check: the report to the log (the CLI appends the job summary itself when the format is github), and from the
// same run the JSON the counts are read from and the SARIF file when asked (`--also`).
const work = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'isms-action-'));
const countsFile = join(work, 'isms.json');
const also = ['--also', `json:${countsFile}`];
if (input('SARIF_FILE')) also.push('--also', `sarif:${input('SARIF_FILE')}`);
const main = spawnSync(process.execPath, [cli, 'check', ...common, '--format', format, ...also], {
  cwd: env.GITHUB_WORKSPACE || process.cwd(),
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...env, NO_COLOR: '1' },
});
const code = main.status ?? 2;
let errors = 0;
let warnings = 0;
if (code === 0 || code === 1 || code === 3) {
  try {
    const report = JSON.parse(readFileSync(countsFile, 'utf8'));
    for (const f of report.files) for (const x of f.findings) if (x.severity === 'error') errors++; else if (x.severity === 'warning') warnings++;
  } catch {
    console.error('::warning title=isms-author::could not count the findings');
  }
}
rmSync(work, { recursive: true, force: true });
if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `errors=${errors}\nwarnings=${warnings}\nexit-code=${code}\n`);
// Usage, configuration and unchecked files fail whatever fail-on says: the gate did not run as asked.
if (code === 2 || code === 3) process.exit(code);
if (failOn === 'never') process.exit(0);
if (errors > 0 || (failOn === 'warning' && warnings > 0)) process.exit(1);
process.exit(0);
