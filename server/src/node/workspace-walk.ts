/**
 * Finds the workspace's Markdown and YAML files for the index, without blocking: the walk yields to
 * the event loop between batches so edits, completion and hover are answered while a large
 * workspace is indexed.
 */
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { matchesAny } from '../core/glob';

export const INDEX_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Calls `visit(path, text)` for every .md/.markdown/.yaml/.yml file under `root` not ignored, `batch` at a time;
 * `ignored(rel)` for what `ignore` leaves out (root-relative, a folder with a trailing /), as the CLI's walk
 * (cli/files.ts collect) lists it: the check of ignoreGlobs that match nothing reads it.
 */
export async function walkWorkspace(
  root: string,
  ignore: readonly string[],
  visit: (path: string, text: string) => void,
  isCancelled: () => boolean = () => false,
  batch = 64,
  /** Globs that bring in files of other extensions (the configured document and inventory globs). */
  include: readonly string[] = [],
  ignored: (rel: string) => void = () => undefined,
): Promise<number> {
  const stack = [root];
  let count = 0;
  let pending: string[] = [];
  const drain = async () => {
    const texts = await Promise.all(
      pending.map(async (p) => {
        try {
          const st = await fs.stat(p);
          return st.size <= INDEX_MAX_BYTES ? await fs.readFile(p, 'utf8') : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    pending.forEach((p, i) => texts[i] !== undefined && visit(p, texts[i]!));
    count += pending.length;
    pending = [];
    await new Promise((r) => setImmediate(r));
  };
  while (stack.length && !isCancelled()) {
    const dir = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      const rel = relative(root, p).split('\\').join('/');
      if (e.isDirectory()) {
        if (matchesAny(rel, ignore)) ignored(rel);
        else if (matchesAny(rel + '/', ignore)) ignored(rel + '/');
        else if (e.name !== '.git' && e.name !== 'node_modules') stack.push(p);
      } else if (e.isFile()) {
        if (matchesAny(rel, ignore)) ignored(rel);
        else if (/\.(md|markdown|ya?ml)$/i.test(e.name) || matchesAny(rel, include)) {
          pending.push(p);
          if (pending.length >= batch) await drain();
        }
      }
    }
  }
  if (pending.length) await drain();
  return count;
}
