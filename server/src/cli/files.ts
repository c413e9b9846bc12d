/** The files a check reads: collected from the paths given, decoded from bytes. */
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Config } from '../core/config';
import { matchesAny } from '../core/glob';
import { isCandidate } from '../core/analysis/analyze';

/** A path the walk met but will not read, and why (a symlink loop, a FIFO, a link out of the project). */
export interface Skipped {
  path: string;
  reason: string;
}

/**
 * The Markdown and YAML files under `paths` (and files of any extension that `documentGlobs` or `inventoryGlobs`
 * name, such as `*.md.erb`), absolute, in order and without duplicates. A file given by path is always read.
 * Folders are walked in name order; below the paths given, what matches `config.ignoreGlobs` (relative to
 * `root`) and folders named node_modules or .git are skipped. A path given is never skipped.
 *
 * Symbolic links are followed only within `root` (a link out of the project is not read), each real folder is
 * walked once (a link loop ends there) and each real file read once; what is not a regular file (a FIFO, a
 * socket, a device) is never opened. Such paths are returned in `skipped`, with the reason.
 * `many`: a callback once the walk has found that many files (the CLI starts its worker threads then).
 */
export function collect(
  paths: readonly string[],
  root: string,
  config: Config,
  /** Called once, as soon as the walk has found this many files (the walk goes on). */
  many?: { files: number; then: () => void },
): { files: string[]; skipped: Skipped[]; ignored: string[] } {
  const out: string[] = [];
  /** What ignoreGlobs left out, root-relative (a folder with a trailing /): the unmatched-glob check reads it. */
  const ignored: string[] = [];
  const skipped: Skipped[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const realRoot = real(root) ?? root;
  /**
   * `known`: what the folder's listing already says of a plain (not linked) entry, and its real path (the folder's
   * real path and its name): then no lstat, stat or realpath call is needed for it.
   */
  const visit = (p: string, explicit: boolean, known?: { dir: boolean; real: string }) => {
    const rel = relative(root, p).split('\\').join('/');
    if (!explicit && matchesAny(rel, config.ignoreGlobs)) {
      ignored.push(rel);
      return;
    }
    let st: { isDirectory(): boolean; isFile(): boolean };
    let link = false;
    if (known) st = { isDirectory: () => known.dir, isFile: () => !known.dir };
    else
      try {
        link = !explicit && lstatSync(p).isSymbolicLink();
        st = statSync(p);
      } catch (e) {
        if (link) skipped.push({ path: p, reason: `a symbolic link that leads nowhere (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
        return;
      }
    const target = known ? known.real : (real(p) ?? p);
    if (link && !inside(target, realRoot)) {
      skipped.push({ path: p, reason: `a symbolic link out of the project (to ${target}): not followed` });
      return;
    }
    if (st.isDirectory()) {
      const name = p.split(/[\\/]/).pop()!;
      if (!explicit && matchesAny(rel + '/', config.ignoreGlobs)) {
        ignored.push(rel + '/');
        return;
      }
      if (!explicit && (name === 'node_modules' || name === '.git')) return;
      if (seenDirs.has(target)) {
        if (link) skipped.push({ path: p, reason: `a symbolic link to a folder already walked (${target}): a loop, or the same files twice` });
        return;
      }
      seenDirs.add(target);
      let entries: Dirent[];
      try {
        entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (e) {
        skipped.push({ path: p, reason: `a folder that cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
        return;
      }
      for (const e of entries) {
        // A plain file or folder is what its entry says; a link, or anything else, is looked at closely.
        const plain = e.isFile() || e.isDirectory();
        visit(join(p, e.name), false, plain ? { dir: e.isDirectory(), real: join(target, e.name) } : undefined);
      }
      return;
    }
    if (!explicit && !isCandidate(rel, config)) return;
    if (!st.isFile()) {
      skipped.push({ path: p, reason: 'not a regular file (a FIFO, socket or device): not opened' });
      return;
    }
    if (seenFiles.has(target)) return;
    seenFiles.add(target);
    out.push(resolve(p));
    if (many && out.length === many.files) many.then();
  };
  for (const p of paths) visit(resolve(p), true);
  return { files: out, skipped, ignored };
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function inside(p: string, dir: string): boolean {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is read as UTF-8 with replacement characters. */
export function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Where `buf` stops being valid UTF-8: the byte offset of the first bad byte, or -1 when it is all valid
 * (a U+FFFD written in the file is valid). Linear; only called when decoding produced a U+FFFD.
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      if (k === 1 && ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f))) return i;
    }
    i += n + 1;
  }
  return -1;
}
