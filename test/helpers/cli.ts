/** Running the built CLI (bin/isms.js) from tests, and copying a folder to run it on. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './root';

export const CLI = path.join(ROOT, 'bin', 'isms.js');

/** `isms <args>` in `cwd`, without colour; stdout, stderr and the exit code as strings and a number. */
export function runIsms(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
}

/** A copy of `from` (files and folders) at `to`. */
export function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}
