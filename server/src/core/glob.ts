/**
 * Glob matching for workspace-relative paths (forward slashes), by picomatch: the syntax of
 * `inventoryGlobs`, `documentGlobs` and `ignoreGlobs` (docs/cli.md#globs).
 *
 *   *        any characters but `/`              ?        one character but `/`
 *   **       a whole segment: zero or more folders (`a/**` also matches `a` itself)
 *   [abc]    one of the characters               [a-z]    one in the range; [!a-z] / [^a-z] one outside it
 *   {a,b}    either alternative (nested, and ranges such as {1..3})
 *   \x       the character x itself, e.g. `\[` `\*`
 *
 * Dotfiles and dot folders are matched like any other name (`*.yaml` matches `.isms.yaml`). A glob
 * without `/` is also matched against the path's last segment (`*.md` matches `a/b/c.md`). Matching is
 * case-sensitive. `(`, `)`, `+`, `@`, `|` are ordinary characters (no extglobs), and so is `!` but first or after `[`.
 *
 * In a list, a glob starting with `!` excludes: `matchesAny` is true when some other glob matches the
 * path and no `!` glob does, whatever their order. A list of `!` globs alone matches nothing.
 */
import picomatch from 'picomatch/posix';

const OPTIONS: picomatch.PicomatchOptions = {
  dot: true, // dotfiles and dot folders are names like any other (as the earlier matcher had it)
  posix: true, // [!a] and POSIX classes such as [[:digit:]]
  noextglob: true, // +(a|b), @(a), !(a) ... are not patterns: their characters are matched literally
  nonegate: true, // a leading `!` is taken off by matchesAny (it excludes), never passed to picomatch
  windows: false, // the paths given here always use `/`; `\` escapes the next character on every platform
};

interface Compiled {
  /** The glob started with `!`. */
  exclude: boolean;
  test(path: string, base: string): boolean;
}

const MAX_CACHED = 1000;
const cache = new Map<string, Compiled>();

/** The compiled matcher of one glob (cached: globs come from settings and are few). */
function compiled(glob: string): Compiled {
  let c = cache.get(glob);
  if (c) return c;
  const exclude = glob.startsWith('!');
  const body = literalRegexChars(exclude ? glob.slice(1) : glob);
  let match: (s: string) => boolean;
  try {
    match = body ? picomatch(body, OPTIONS) : () => false;
  } catch {
    match = () => false; // longer than picomatch accepts: matches nothing (bad input never throws out of the core)
  }
  // A glob without `/` also matches the last segment (picomatch's own `basename` option applies to every glob).
  const test = body.includes('/') ? (path: string) => match(path) : (path: string, base: string) => match(path) || match(base);
  c = { exclude, test };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(glob, c);
  return c;
}

/** Escapes `(`, `)` and `|`: with extglobs off picomatch still passes them into its regular expression (a group, an alternative). */
function literalRegexChars(glob: string): string {
  if (!/[()|]/.test(glob)) return glob;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) out += c + glob[++i];
    else out += c === '(' || c === ')' || c === '|' ? '\\' + c : c;
  }
  return out;
}

/**
 * True when the path (forward slashes, relative to the workspace root) matches a glob of the list
 * and no `!` glob of the list.
 */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const base = path.slice(path.lastIndexOf('/') + 1);
  let hit = false;
  let excludes = false;
  for (const g of globs) {
    const c = compiled(g);
    if (c.exclude) excludes = true;
    else if (!hit && c.test(path, base)) hit = true;
  }
  if (!hit || !excludes) return hit;
  for (const g of globs) {
    const c = compiled(g);
    if (c.exclude && c.test(path, base)) return false;
  }
  return true;
}
