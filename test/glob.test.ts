/** The glob syntax of inventoryGlobs, documentGlobs and ignoreGlobs (server/src/core/glob.ts, docs/cli.md#globs). */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { matchesAny } = server('core/glob.js') as { matchesAny: (path: string, globs: readonly string[]) => boolean };

/** Asserts which of `paths` the glob list matches. */
function check(globs: string | string[], yes: string[], no: string[]): void {
  const list = typeof globs === 'string' ? [globs] : globs;
  for (const p of yes) assert.equal(matchesAny(p, list), true, `${JSON.stringify(list)} should match ${p}`);
  for (const p of no) assert.equal(matchesAny(p, list), false, `${JSON.stringify(list)} should not match ${p}`);
}

/** The hand-written matcher picomatch replaced, for the globs both read alike. */
function legacyMatchesAny(path: string, globs: readonly string[]): boolean {
  const re = (glob: string) => {
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
    return new RegExp('^' + out + '$');
  };
  const escape = (s: string) => s.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  return globs.some((g) => re(g).test(path) || (!g.includes('/') && re(g).test(path.split('/').pop()!)));
}

describe('globs', () => {
  it('* matches within one segment, dotfiles included', () => {
    check('policies/*.md', ['policies/a.md', 'policies/.draft.md', 'policies/.md'], ['policies/a/b.md', 'a.md', 'policies/a.yaml', 'x/policies/a.md']);
    check('*', ['a', 'a.md', '.isms.yaml', 'x/y/z.md'], []);
  });

  it('** matches zero or more folders, dot folders included', () => {
    check('policies/**/*.md', ['policies/a.md', 'policies/x/a.md', 'policies/x/y/z/a.md', 'policies/.hidden/a.md'], ['a.md', 'other/a.md', 'policies/a.yaml']);
    check('**/*.md', ['a.md', 'x/a.md', 'x/y/a.md', '.github/a.md'], ['a.yaml']);
    check('**/node_modules/**', ['node_modules/x.md', 'a/node_modules/b/c.md', 'node_modules/', 'node_modules'], ['node_modules_old/x.md', 'a/b.md']);
    check('**/.git/**', ['.git/config.yaml', 'sub/.git/x.yml', '.git/'], ['.github/x.yml', 'git/x.yml']);
    check('a/**', ['a', 'a/', 'a/b', 'a/b/c.md'], ['ab', 'b/a/c']);
  });

  it('? matches one character but /', () => {
    check('runbook-?.md', ['runbook-1.md', 'runbook-a.md', 'x/runbook-2.md'], ['runbook-.md', 'runbook-12.md']);
    check('a?b.md', ['axb.md'], ['a/b.md']);
  });

  it('[abc], [a-z], [!a-z] and POSIX classes match one character', () => {
    check('id-[abc].yaml', ['id-a.yaml', 'id-c.yaml'], ['id-d.yaml', 'id-ab.yaml', 'id-.yaml']);
    check('v[0-9].md', ['v0.md', 'v7.md'], ['va.md', 'v10.md']);
    check('[a-z]*.md', ['policy.md'], ['Policy.md', '1.md']);
    check('v[!0-9].md', ['va.md'], ['v1.md']);
    check('v[^0-9].md', ['va.md'], ['v1.md']);
    check('v[[:digit:]].md', ['v1.md'], ['va.md']);
  });

  it('{a,b} matches either alternative, nested and ranges too', () => {
    check('{policies,standards}/*.md', ['policies/a.md', 'standards/b.md'], ['procedures/a.md']);
    check('*.{yaml,yml}', ['a.yaml', 'x/b.yml'], ['c.md']);
    check('docs/{a,b/{c,d}}/*.md', ['docs/a/x.md', 'docs/b/c/x.md', 'docs/b/d/x.md'], ['docs/b/x.md']);
    check('q{1..4}.md', ['q1.md', 'q4.md'], ['q5.md']);
  });

  it('a glob without / also matches the last segment; one with / the whole path only', () => {
    check('*.nhi.yaml', ['a.nhi.yaml', 'x/y/a.nhi.yaml'], ['a.yaml']);
    check('README.md', ['README.md', 'docs/README.md'], ['docs/README.md.bak']);
    check('docs/*.md', ['docs/a.md'], ['x/docs/a.md']);
  });

  it('dotfiles and dot folders match like other names', () => {
    check('*.yaml', ['.isms.yaml', 'cfg/.isms.yaml'], []);
    check('.isms.yaml', ['.isms.yaml', 'sub/.isms.yaml'], ['isms.yaml']);
    check('**/.drafts/**', ['.drafts/a.md', 'x/.drafts/y/a.md'], ['drafts/a.md']);
  });

  it('a leading ! excludes, whatever its place in the list', () => {
    const list = ['policies/**/*.md', '!policies/README.md', '!**/drafts/**'];
    check(list, ['policies/a.md', 'policies/x/b.md'], ['policies/README.md', 'policies/drafts/a.md', 'policies/x/drafts/b.md', 'other/a.md']);
    check(['!policies/README.md', 'policies/*.md'], ['policies/a.md'], ['policies/README.md']);
    check(['**/*.md', '!README.md'], ['a.md', 'x/b.md'], ['README.md', 'x/README.md']);
    check(['!*.md'], [], ['a.md', 'a.yaml']);
  });

  it('\\ escapes; ( ) + @ | ! $ inside a glob are plain characters', () => {
    check('\\[draft\\]*.md', ['[draft] a.md'], ['d a.md']);
    check('a/\\*.md', ['a/*.md'], ['a/b.md']);
    check('HR (confidential)/*.md', ['HR (confidential)/a.md'], ['HR confidential/a.md']);
    check('a+b@c|d!e$.md', ['a+b@c|d!e$.md'], ['aab@c|d!e$.md']);
    check('+(a|b).md', ['+(a|b).md'], ['a.md', 'b.md', '+a.md']);
    check('*|.md', ['x|.md'], ['x', '.md']);
    check('[(|)]*.md', ['(a.md', '|a.md', ')a.md'], ['a.md']);
  });

  it('is case-sensitive; a leading ./ in a glob is read as the root', () => {
    check('*.MD', ['A.MD'], ['a.md']);
    check('./policies/*.md', ['policies/a.md'], ['x/policies/a.md']);
  });

  it('empty lists, empty globs and globs too long for picomatch match nothing (and never throw)', () => {
    check([], [], ['a.md', '']);
    check('', [], ['a.md']);
    check('!', [], ['a.md']);
    check('x'.repeat(70000), [], ['a.md']);
    check('[z-a].md', [], ['a.md', 'z.md']);
  });

  it('reads the globs the hand-written matcher read as it did', () => {
    const globs = [
      '**/node_modules/**', '**/.git/**', 'policies/**/*.md', 'identities/**/*.yaml', 'runbooks/*.md', '**/*.md', '*.md',
      '*.yaml', '.isms.yaml', 'security/identities/*.yaml', '{policies,procedures}/**/*.md', 'docs/**', 'a?.md', '**/drafts/*.md',
    ];
    const paths = [
      'a.md', 'ab.md', 'README.md', '.isms.yaml', 'node_modules/', 'node_modules/x/y.md', 'a/node_modules/b.yaml', '.git/', '.git/x.yml',
      'policies/a.md', 'policies/x/y/a.md', 'policies/.hidden/a.md', 'identities/a.yaml', 'identities/x/b.yaml', 'runbooks/r.md',
      'runbooks/x/r.md', 'security/identities/s.yaml', 'procedures/p.md', 'docs/', 'docs/a/b.md', 'x/drafts/a.md', 'drafts/a.md',
      'x/.github/a.md', 'x/y.yml',
    ];
    for (const g of globs) for (const p of paths) assert.equal(matchesAny(p, [g]), legacyMatchesAny(p, [g]), `${g} on ${p}`);
  });
});
