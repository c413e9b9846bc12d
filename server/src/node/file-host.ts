/**
 * The FileHost of the Node adapters (LSP server and CLI): answers the engine's questions about link
 * targets from the disk. Link targets starting with '/' are read from the workspace root, as GitHub does.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileHost } from '../core/types';

/** Markdown files larger than this are not read for their headings. */
const MAX_READ = 4 * 1024 * 1024;

/**
 * `consulted`, if given, is told the path of every file or folder the engine asks about (the server's evidence
 * dependencies). `memo` (a one-shot run, the CLI's: nothing changes on disk meanwhile) keeps each path's answer to
 * `stat`: a workspace's identities name the same runbooks again and again.
 */
export function nodeFileHost(root: () => string | undefined, consulted?: (path: string) => void, memo = false): FileHost {
  const stats = memo ? new Map<string, 'file' | 'dir' | 'missing' | undefined>() : undefined;
  const statOf = (p: string): 'file' | 'dir' | 'missing' | undefined => {
    try {
      // (No exception for a missing file: a thrown error costs more than the stat itself.)
      const st = statSync(p, { throwIfNoEntry: false });
      return st === undefined ? 'missing' : st.isDirectory() ? 'dir' : 'file';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : undefined;
    }
  };
  const locate = (fromUri: string, target: string): string | undefined => {
    let from: string;
    try {
      from = fromUri.startsWith('file:') ? fileURLToPath(fromUri) : fromUri;
    } catch {
      return undefined;
    }
    if (!from || !/[\\/]/.test(from)) return undefined; // not a file on disk (untitled:, a bare name)
    const r = root();
    const p = target.startsWith('/') ? (r ? join(r, target) : undefined) : resolve(dirname(from), target);
    if (p !== undefined) consulted?.(p);
    return p;
  };
  return {
    stat(fromUri, target) {
      const p = locate(fromUri, target);
      if (!p) return undefined;
      if (!stats) return statOf(p);
      if (stats.has(p)) return stats.get(p);
      const st = statOf(p);
      stats.set(p, st);
      return st;
    },
    readText(fromUri, target) {
      const p = locate(fromUri, target);
      if (!p) return undefined;
      try {
        if (statSync(p).size > MAX_READ) return undefined;
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
