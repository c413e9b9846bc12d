/** Minimal glob matching for workspace-relative paths: `**`, `*`, `?`, `{a,b}`. */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) out += '\\{';
      else {
        out += '(?:' + glob.slice(i + 1, close).split(',').map(escape).join('|') + ')';
        i = close;
      }
    } else out += escape(c);
  }
  re = new RegExp('^' + out + '$');
  cache.set(glob, re);
  return re;
}

function escape(s: string): string {
  return s.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
}

/** True when the path (forward slashes, relative to the workspace root) matches any glob. */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => globToRegExp(g).test(path) || (!g.includes('/') && globToRegExp(g).test(path.split('/').pop()!)));
}
