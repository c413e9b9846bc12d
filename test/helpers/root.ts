import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (tests run from test/out/...). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Loads a compiled server module (server/out/...) by its path under server/src. */
export function server<T = any>(modulePath: string): T {
  return require(path.join(ROOT, 'server', 'out', modulePath));
}

/** The Markdown files under `dir`, recursively. */
export function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...markdownFiles(p));
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}
