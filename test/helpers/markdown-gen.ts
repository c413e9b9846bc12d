/**
 * Random Markdown documents for the tests that compare readers of Markdown: every construct of
 * CommonMark that ISMS documents use, and those that used to trip line scanners and fast readers.
 */

export type Rand = () => number;
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
export const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const WORDS = ['access', 'review', 'PR.AA-01', 'CC6.1', 'A.5.16', 'owner', 'evidence', 'key', 'rotate', 'NHI7', 'quarterly', 'the', 'of'];
export const words = (rand: Rand, n = int(rand, 1, 5)) => Array.from({ length: n }, () => pick(rand, WORDS)).join(' ');
const relDest = (rand: Rand) => pick(rand, ['runbooks/a.md', './b.md', '../c.md#step', '#purpose', 'evidence/q3.csv', 'x.md#a-b', '/root.md']);

/** Inline content: words, code spans, links, images, autolinks, bare URLs. */
export function inline(rand: Rand): string {
  const parts: string[] = [];
  for (let i = int(rand, 1, 4); i > 0; i--) {
    const r = rand();
    if (r < 0.4) parts.push(words(rand));
    else if (r < 0.5) parts.push('`' + words(rand) + '`');
    else if (r < 0.55) parts.push('``a ` ' + words(rand) + '``');
    else if (r < 0.65) parts.push(`[${words(rand)}](${relDest(rand)})`);
    else if (r < 0.7) parts.push(pick(rand, [`[${words(rand)}](${relDest(rand)} "${words(rand)}")`, `[${words(rand)}](${relDest(rand)} '${words(rand)}')`, `[${words(rand)}](<${relDest(rand)}>)`, `[${words(rand)}][${pick(rand, WORDS)}]`]));
    else if (r < 0.75) parts.push(pick(rand, [`![${words(rand)}](${relDest(rand)})`, `![${words(rand)}](${relDest(rand)} "${words(rand)}")`]));
    else if (r < 0.8) parts.push('<https://example.com/' + pick(rand, ['a', 'b/c', 'x.md']) + '>');
    else if (r < 0.85) parts.push('see https://example.com/' + pick(rand, ['a', 'b', 'c.md']) + ' now');
    else if (r < 0.9) parts.push(`[${words(rand)}](https://example.com/d)`);
    else parts.push('**' + words(rand) + '**');
  }
  return parts.join(' ');
}

type Piece = (rand: Rand) => string[];

/** The pieces random documents are built from. */
export const PIECES: Record<string, Piece> = {
  atx: (r) => [`${'#'.repeat(int(r, 1, 6))} ${words(r)}`],
  atxClosed: (r) => [`${' '.repeat(int(r, 0, 3))}${'#'.repeat(int(r, 1, 6))} ${words(r)} ${'#'.repeat(int(r, 1, 8))}`],
  atxInline: (r) => [`${'#'.repeat(int(r, 1, 6))} ${inline(r)}`],
  atxEmpty: (r) => [pick(r, ['#', '## ', '###   ', '### ###'])],
  notAtx: (r) => [pick(r, ['#hashtag ', '####### seven ', '#5 bolt ', '\\# escaped ']) + words(r)],
  atxSpacing: (r) => [`${'#'.repeat(int(r, 1, 6))}${pick(r, ['\t', '  ', ' \t'])}${words(r)}${pick(r, ['', '   ', '\t', ' #', ' ##  ', '#'])}`],
  setext: (r) => [words(r), pick(r, ['===', '---', '  ====  '])],
  paragraph: (r) => Array.from({ length: int(r, 1, 3) }, () => inline(r)),
  fenced: (r) => {
    const ch = pick(r, ['`', '~']);
    const open = ch.repeat(int(r, 3, 5));
    const other = ch === '`' ? '~' : '`';
    const inner = ['# not a heading ' + words(r), words(r), '[x](in-code.md)', ch.repeat(3) + 'x', other.repeat(3), '<!-- in code', '    indented PR.AA-01', `  ${ch.repeat(open.length)} x`];
    if (open.length > 3) inner.push(ch.repeat(3), ' ' + ch.repeat(open.length - 1));
    const body = Array.from({ length: int(r, 0, 4) }, () => pick(r, inner));
    const info = pick(r, ['', 'js', ' yaml', ch === '~' ? ' a`b' : ' a~b']);
    const indent = pick(r, ['', ' ', '   ']);
    const close = r() < 0.15 ? [] : [pick(r, ['', '  ']) + ch.repeat(open.length + int(r, 0, 2)) + pick(r, ['', '  '])];
    return [indent + open + info, ...body, ...close];
  },
  backtickRun: (r) => [pick(r, ['```js``` is code, see PR.AA-01', '``` a`b', '````x```` NHI7'])],
  fenceInList: (r) => ['- item ' + words(r), '', pick(r, ['  ```', '   ```', '    ```']), '  code PR.AA-01 ' + words(r), ...(r() < 0.5 ? [pick(r, ['  ```', '```'])] : [])],
  fenceInQuote: (r) => ['> ```', '> # code', '> PR.AA-01', ...(r() < 0.5 ? ['> ```'] : [])],
  indented: (r) => [words(r), '', '    ' + pick(r, ['# code ' + words(r), words(r), '`code` ' + words(r)]), ...(r() < 0.5 ? ['    code two PR.AA-01 [a](code.md)'] : [])],
  indentedAfterHeading: (r) => ['# ' + words(r), '    code PR.AA-01'],
  comment: (r) => [pick(r, ['<!--', '<!-- ' + words(r)]), pick(r, [words(r), '```', '# hidden ' + words(r), '[x](hidden.md)']), `${words(r)} -->`],
  commentUnclosed: (r) => [pick(r, ['<!-- never closed', 'text <!-- open'])],
  commentInline: (r) => pick(r, [[`${words(r)} <!-- ${words(r)} --> ${words(r)}`], [`${words(r)} <!-- ${words(r)}`, `${words(r)} --> ${words(r)}`]]),
  html: (r) => [pick(r, ['<div>', '<details>', '<a name="anchor-x"></a>']), pick(r, ['# not heading ' + words(r), words(r), '[a](div.md)']), ...(r() < 0.6 ? [pick(r, ['</div>', '</details>'])] : [])],
  definition: (r) => [`[${words(r, 1)}]: ${relDest(r)}${pick(r, ['', ' "title"'])}`],
  definitionOdd: (r) => [pick(r, ['[x]:\n  next-line.md', '> [x]: quoted.md', '- [x]: in-list.md', 'para\n[x]: not-a-def.md'])],
  linkOdd: (r) => [pick(r, ['[a](x(1).md)', '[a](a&amp;b.md)', '[a](a\\_b.md)', '[a](<my file.md>)', '[a](x.md (title))', '[a](\nx.md)', 'foo](x.md) bar', 'a \\`not code PR.AA-01` b', 'text `code\nPR.AA-01 more` end'])],
  list: (r) => Array.from({ length: int(r, 1, 3) }, () => `${pick(r, ['-', '*', '1.'])} ${pick(r, ['', '# ', '## '])}${inline(r)}`),
  listNested: (r) => ['- a', '  - b ' + words(r), '', '        ```', '        PR.AA-01', '        ```', '', '  # in item ' + words(r)],
  quote: (r) => Array.from({ length: int(r, 1, 2) }, () => `> ${pick(r, ['', '## '])}${inline(r)}`),
  table: (r) => [`| ${words(r, 1)} | ${words(r, 1)} |`, '| --- | --- |', `| ${inline(r)} | ${words(r)} |`],
};

export function document(rand: Rand, n: number): string {
  const names = Object.keys(PIECES);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(...PIECES[pick(rand, names)](rand));
    if (rand() < 0.8) out.push('');
  }
  return out.join('\n');
}

// Line soup: random prefixes, block starts and inline tokens, for readers that must either read a
// construct exactly or give up. Most soups are nonsense; that is the point.
const SOUP_PREFIX = ['', '', '', ' ', '  ', '   ', '    ', '     ', '- ', '* ', '+ ', '1. ', '2) ', '10. ', '> ', '>', '> - ', '  - ', '   1. ', '-', '1.', '>  ', '-    ', '-     x ', '\t', ' \t'];
const SOUP_LEAD = ['', '', '', '# ', '## ', '#', '```', '````', '~~~', '```js', '<!--', '-->', '<div>', '</div>', '<a name="n1"></a>', '<kbd>', '<p/>', '<x y="z">', '<span>', '***', '---', '===', '- - -', '[a]: /u', '[b]: x.md "t"', '[c]:', '"t"', '<http://x.y/z>', '|a|b|'];
const SOUP_INLINE = ['word', 'PR.AA-01', ' ', ' ', '  ', '[', ']', '(', ')', '](', '![', '`', '``', '\\', '\\[', '\\`', '<', '>', '<!--', '-->', '<b>', '</b>', '<a id="q">', '<kbd>x</kbd>', 'http://e.com/a', '<https://e.com>', '<a@b.co>', '[t](d.md)', '[t](d.md "x")', '[t][r]', '[r]', '![i](p.png)', '[![i](p.png)](l.md)', '*', '_', '&amp;', '#', '"', "'", '\t', '[t](<a b>)', '[t]( d.md )', 'x-->', '`code [x](y)`'];

export function soup(rand: Rand): string {
  const lines: string[] = [];
  for (let k = int(rand, 1, 8); k > 0; k--) {
    if (rand() < 0.2) {
      lines.push(pick(rand, ['', '  ', '>', '> ']));
      continue;
    }
    let s = pick(rand, SOUP_PREFIX) + pick(rand, SOUP_LEAD);
    for (let i = int(rand, 0, 5); i > 0; i--) s += pick(rand, SOUP_INLINE);
    lines.push(s);
  }
  return lines.join(pick(rand, ['\n', '\n', '\n', '\r\n'])) + pick(rand, ['', '\n', '\n\n']);
}
