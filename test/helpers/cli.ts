/** Running the built CLI (bin/isms.js) from tests, and copying a folder to run it on. */
import * as assert from 'node:assert/strict';
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

/** `isms <args>` in `cwd` (default: the repository): its exit code, stdout and stderr. */
export function isms(args: string[], cwd = ROOT): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `actual` equals test/golden/<name>; `UPDATE_GOLDEN=1` rewrites the file instead (review the diff). */
export function golden(name: string, actual: string): void {
  const file = path.join(ROOT, 'test', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs from the golden file`);
}
