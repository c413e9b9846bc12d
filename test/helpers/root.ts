import * as path from 'node:path';

/** The repository root (tests run from test/out/...). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Loads a compiled server module (server/out/...) by its path under server/src. */
export function server<T = any>(modulePath: string): T {
  return require(path.join(ROOT, 'server', 'out', modulePath));
}
