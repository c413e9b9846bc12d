#!/usr/bin/env node
// The script of action.yml: runs `isms check` with the action's inputs (INPUT_* variables), writes the report to the
// log (annotations with the default format github, plus the job summary), SARIF when asked, and the outputs errors,
// warnings and exit-code to GITHUB_OUTPUT. Fails the step per `fail-on`. No network: the CLI is ISMS_CLI (installed by
// the action's first step). Tested by test/action.test.ts with the GitHub variables set.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';

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

const run = (args, inherit) =>
  spawnSync(process.execPath, [cli, 'check', ...common, ...args], {
    cwd: env.GITHUB_WORKSPACE || process.cwd(),
    encoding: 'utf8',
    stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
    env: { ...env, NO_COLOR: '1' },
  });

// 1. The report, to the log (the CLI appends the job summary itself when the format is github).
const main = run(['--format', format], true);
const code = main.status ?? 2;
// 2. The counts, from the JSON of the same check (without the summary: GITHUB_STEP_SUMMARY unset).
let errors = 0;
let warnings = 0;
if (code === 0 || code === 1 || code === 3) {
  const counts = spawnSync(process.execPath, [cli, 'check', ...common, '--format', 'json'], {
    cwd: env.GITHUB_WORKSPACE || process.cwd(),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...env, GITHUB_STEP_SUMMARY: '' },
  });
  try {
    const report = JSON.parse(counts.stdout);
    for (const f of report.files) for (const x of f.findings) if (x.severity === 'error') errors++; else if (x.severity === 'warning') warnings++;
  } catch {
    console.error('::warning title=isms-author::could not count the findings');
  }
  // 3. SARIF, when asked.
  if (input('SARIF_FILE')) run(['--format', 'sarif', '--output', input('SARIF_FILE')], false);
}
if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `errors=${errors}\nwarnings=${warnings}\nexit-code=${code}\n`);
// Usage, configuration and unchecked files fail whatever fail-on says: the gate did not run as asked.
if (code === 2 || code === 3) process.exit(code);
if (failOn === 'never') process.exit(0);
if (errors > 0 || (failOn === 'warning' && warnings > 0)) process.exit(1);
process.exit(0);
