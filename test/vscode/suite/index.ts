/** Entry point of the @vscode/test-electron suite: runs the mocha files of this folder in the extension host. */
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Printed once at the end, for runners that only see the extension host's console (the code-server
 * run in test/e2e/run.mjs): `ISMS-VSCODE-SUITE-RESULT {"passes":[...],"failures":[...]}`.
 */
export const RESULT_MARKER = 'ISMS-VSCODE-SUITE-RESULT';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: !process.env.ISMS_VSCODE_SUITE_PLAIN });
  mocha.addFile(path.join(__dirname, 'scenarios.js'));
  const passes: string[] = [];
  const failures: { title: string; error: string }[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((count) => {
      console.log(`${RESULT_MARKER} ${JSON.stringify({ passes, failures })}`);
      if (count) reject(new Error(`${count} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => passes.push(test.fullTitle()));
    runner.on('fail', (test, err: Error) => failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) }));
  });
}
