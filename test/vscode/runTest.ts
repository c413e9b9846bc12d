/**
 * `npm run test:vscode`: runs test/vscode/suite in a VS Code downloaded by @vscode/test-electron,
 * with this repository as the extension under development and a copy of examples/ as the workspace.
 * Needs network access to Microsoft's update service (or VSCODE_EXECUTABLE pointing at an installed
 * VS Code). On machines without it, `npm test` runs the code-server suite (test/e2e) instead.
 * See docs/testing.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { prepareWorkspace } from './suite/workspace';

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-vscode-'));
  const workspace = path.join(tmp, 'workspace');
  prepareWorkspace(ROOT, workspace);
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      version: process.env.VSCODE_VERSION || undefined,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(__dirname, 'suite', 'index'),
      extensionTestsEnv: { ISMS_ROOT: ROOT, ISMS_WORKSPACE: workspace },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${path.join(tmp, 'user-data')}`,
      ],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
