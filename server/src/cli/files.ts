/** The files a check reads: collected from the paths given, decoded from bytes. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Config } from '../core/config';
import { matchesAny } from '../core/glob';
import { isCandidate } from '../core/analysis/analyze';

/**
 * The Markdown and YAML files under `paths` (and files of any extension that `documentGlobs` or `inventoryGlobs`
 * name, such as `*.md.erb`), absolute, in order and without duplicates. A file given by path is always read. Folders are walked
 * in name order; below the paths given, what matches `config.ignoreGlobs` (relative to `root`) and folders
 * named node_modules or .git are skipped. A path given is never skipped.
 */
export function collect(paths: readonly string[], root: string, config: Config): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    const rel = relative(root, p).split('\\').join('/');
    if (!explicit && matchesAny(rel, config.ignoreGlobs)) return;
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      const name = p.split(/[\\/]/).pop()!;
      if (!explicit && (name === 'node_modules' || name === '.git' || matchesAny(rel + '/', config.ignoreGlobs))) return;
      for (const e of readdirSync(p).sort()) visit(join(p, e), false);
    } else if (explicit || isCandidate(rel, config)) out.push(resolve(p));
  };
  for (const p of paths) visit(resolve(p), true);
  return [...new Set(out)];
}

/** UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is read as UTF-8 with replacement characters. */
export function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}
