/**
 * Our Markdown line scanners checked against remark-parse, the reference CommonMark parser:
 * scanBody / sectionStarts (ATX headings outside fences), proseSegments (the text control references
 * are read from) and the LINK regex of markdown-body (link-broken), all seen through analyzeBody and
 * proseSegments as the engine uses them. For each document we compare
 *   1. ATX headings: line, depth and text (text only when the heading has no inline markup, which
 *      remark renders and we keep as written);
 *   2. code: no line of a remark `code` block and no character of an `inlineCode` may be in our prose;
 *      every character remark has in a `text` node (outside `html`) must be in our prose (bare URLs
 *      excepted: remark without GFM keeps them as text, we mask them on purpose);
 *   3. links: the relative `url`s of remark's link, image and definition nodes vs BodyFacts.links.
 * Random documents of the constructs we agree on must agree exactly, and so must the Markdown files in
 * examples/ and docs/ (apart from differences listed below that are recognised automatically).
 *
 * KNOWN_DIFFERENCES (each pinned by a test below with its minimal example; ranked by what they cost a
 * user of the document rules):
 *
 * Whole rest of the document lost (section-missing, references and links not checked):
 *  1. A line starting with an inline code span of three or more backticks, or a backtick fence whose
 *     info string contains a backtick, opens a fence for us that runs to the next fence line or the end:
 *       "```js``` is code, see PR.AA-01\n\n# Next"        (remark: paragraph + heading "Next")
 *       "``` a`b\n# Heading"                               (remark: paragraph + heading)
 *  2. A fence line inside an HTML comment toggles our fence state (the comment is not code to remark):
 *       "<!--\n```\n-->\n\n# Heading\n\nprose"           (ours: everything after ``` is code)
 *  3. A fence inside a list item (indented to the item's content) ends with the item for remark; for us
 *     it runs to the next fence line or the end of the file. So an unclosed one swallows the rest, and
 *     one "closed" at column 0 leaves that closing line to open a new fence to remark:
 *       "- item\n\n  ```\n  code\n\n# After the list"     (ours: "After the list" is code)
 *       "- item\n\n   ```\n```\n\n# Heading"                (remark: "# Heading" is code)
 *  4. An HTML comment opened inside a paragraph and not closed before a blank line is literal text to
 *     remark (inline HTML cannot span blocks); we mask everything up to the next `-->`:
 *       "text <!-- open\n\nprose PR.AA-01\n\n# Heading"    (ours: no prose, no heading)
 *
 * Sections (section-missing / heading and anchor rules):
 *  5. Headings inside HTML blocks other than comments count for us (an HTML block such as `<div>` up to
 *     its blank line); headings inside HTML comments do not count, as for remark:
 *       "<div>\n# not heading\n</div>"
 *  6. Setext headings are not headings for us:  "Title\n=====", "Sub\n---".
 *  7. Headings inside containers are not headings for us: "- # In a list", "> ## In a quote", and
 *     "- item\n\n    # Heading" (a heading in the list item, not indented code, to remark).
 *  8. An empty heading with a closing sequence, "### ###", has the text "###" for us ("" to remark).
 *
 * Control references read from code (false control-* findings):
 *  9. Indented code blocks: only the first line is skipped; the following lines are prose, and an
 *     indented block right after a heading (no blank line) is prose:
 *       "para\n\n    code one\n    code two PR.AA-01"    "# H\n    code PR.AA-01"
 * 10. Fenced code inside a block quote, or indented 4+ columns in a nested list item, is prose:
 *       "> ```\n> # code\n> PR.AA-01\n> ```"              "- a\n  - b\n\n        ```\n        PR.AA-01\n        ```"
 * 11. Inline code spanning lines is prose:  "text `code\nPR.AA-01 more` end"  (docs/process-documents.md
 *     has one; recognised automatically in the file check).
 * 12. A backslash-escaped backtick still opens a code span for us (prose hidden):  "a \\`not code PR.AA-01` b".
 *
 * Links (link-broken):
 * 13. Links inside HTML blocks, indented code and multi-line inline code are links for us (links inside
 *     HTML comments are not, as for remark):
 *       "para\n\n    [a](code.md)"   "`a\n[b](c.md)`"
 * 14. Destinations with balanced parentheses are cut:  "[a](x(1).md)" -> ours "x(1" (false link-broken).
 * 15. Character references and backslash escapes are not decoded: "[a](a&amp;b.md)" -> ours
 *     "a&amp;b.md", remark "a&b.md"; "[a](a\\_b.md)" -> ours "a\\_b.md", remark "a_b.md".
 * 16. A "definition" that continues a paragraph (no blank line before it) is paragraph text to remark,
 *     a link for us:  "para\n[x]: not-a-def.md".  "foo](x.md)" without an opening "[" is a link for us.
 * 17. Links we do not see (not checked; false negatives only): "[a](<my file.md>)", "[a](x.md (title))",
 *     "[a](\nx.md)", "[x]:\n  next-line.md", "> [x]: quoted.md", "- [x]: in-list.md".
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Root, Nodes, Parents } from 'mdast';
import { ROOT, server } from './helpers/root';
import { prng } from './helpers/prng';

const { analyzeBody, clearBodyCache } = server('core/lang/markdown-body.js');
const { proseSegments } = server('core/lang/markdown-prose.js');
const { defaultConfig } = server('core/config.js');
const { LineIndex } = server('core/text.js');
const { Reporter } = server('core/report.js');


type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const WORDS = ['access', 'review', 'PR.AA-01', 'CC6.1', 'A.5.16', 'owner', 'evidence', 'key', 'rotate', 'NHI7', 'quarterly', 'the', 'of'];
const words = (rand: Rand, n = int(rand, 1, 5)) => Array.from({ length: n }, () => pick(rand, WORDS)).join(' ');
const relDest = (rand: Rand) => pick(rand, ['runbooks/a.md', './b.md', '../c.md#step', '#purpose', 'evidence/q3.csv', 'x.md#a-b', '/root.md']);

/** Inline content: words, code spans, links, images, autolinks, bare URLs. */
function inline(rand: Rand): string {
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

/** Pieces where our scanners and remark agree (the random documents are built from these). */
const AGREED: Record<string, Piece> = {
  atx: (r) => [`${'#'.repeat(int(r, 1, 6))} ${words(r)}`],
  atxClosed: (r) => [`${' '.repeat(int(r, 0, 3))}${'#'.repeat(int(r, 1, 6))} ${words(r)} ${'#'.repeat(int(r, 1, 8))}`],
  atxInline: (r) => [`${'#'.repeat(int(r, 1, 6))} ${inline(r)}`],
  atxEmpty: (r) => [pick(r, ['#', '## ', '###   '])],
  notAtx: (r) => [pick(r, ['#hashtag ', '####### seven ', '#5 bolt ', '\\# escaped ']) + words(r)],
  atxSpacing: (r) => [`${'#'.repeat(int(r, 1, 6))}${pick(r, ['\t', '  ', ' \t'])}${words(r)}${pick(r, ['', '   ', '\t', ' #', ' ##  ', '#'])}`],
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
    // An indented fence right after a list would be inside the list item (KNOWN_DIFFERENCES 3).
    const lead = indent ? [words(r)] : [];
    return [...lead, indent + open + info, ...body, pick(r, ['', '  ']) + ch.repeat(open.length + int(r, 0, 2)) + pick(r, ['', '  '])];
  },
  // One line, no link, after a paragraph and a blank line (KNOWN_DIFFERENCES 7, 9, 13).
  indented: (r) => [words(r), '', '    ' + pick(r, ['# code ' + words(r), words(r), '`code` ' + words(r)])],
  // No heading, link or fence inside (KNOWN_DIFFERENCES 2, 5, 13).
  comment: (r) => [pick(r, ['<!--', '<!-- ' + words(r)]), words(r), `${words(r)} -->`],
  commentInline: (r) => pick(r, [[`${words(r)} <!-- ${words(r)} --> ${words(r)}`], [`${words(r)} <!-- ${words(r)}`, `${words(r)} --> ${words(r)}`]]),
  definition: (r) => [`[${words(r, 1)}]: ${relDest(r)}${pick(r, ['', ' "title"'])}`],
  list: (r) => Array.from({ length: int(r, 1, 3) }, () => `${pick(r, ['-', '*', '1.'])} ${inline(r)}`),
  quote: (r) => Array.from({ length: int(r, 1, 2) }, () => `> ${inline(r)}`),
  table: (r) => [`| ${words(r, 1)} | ${words(r, 1)} |`, '| --- | --- |', `| ${inline(r)} | ${words(r)} |`],
};

function document(rand: Rand, pieces: Record<string, Piece>, n: number, unclosedFenceAtEnd = false): string {
  const names = Object.keys(pieces);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(...pieces[pick(rand, names)](rand));
    out.push('');
  }
  if (unclosedFenceAtEnd) out.push(pick(rand, ['```', '~~~~']), '# in the unclosed fence', '[x](unclosed.md)');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The oracle (remark) and our scanners, reduced to comparable facts.

let parse: (text: string) => Root;

interface Facts {
  headings: string[]; // "line:depth:text"
  links: string[]; // dest, sorted
  /** Per line: offsets (in the line) of characters remark has as prose / as inline or block code. */
  prose: Map<number, number[]>;
  code: Map<number, number[]>;
  /** Lines remark has inside code blocks. */
  codeLines: Set<number>;
  /** Lines of inline code spans that span lines (KNOWN_DIFFERENCES 11). */
  multiLineCode: Set<number>;
}

const hasScheme = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//');
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Heading source text with inline markup that remark renders differently from the source. */
const MARKUP = /[`*_[\]<>\\&!]|https?:/;

function toString(node: Nodes): string {
  if ('value' in node && node.type !== 'html') return node.value;
  if (node.type === 'image') return node.alt ?? '';
  if ('children' in node) return (node.children as Nodes[]).map(toString).join('');
  return '';
}

function remarkFacts(text: string, lines: any): Facts {
  const tree = parse(text);
  const f: Facts = { headings: [], links: [], prose: new Map(), code: new Map(), codeLines: new Set(), multiLineCode: new Set() };
  const mark = (map: Map<number, number[]>, start: number, end: number) => {
    for (let o = start; o < end; o++) {
      if (/\s/.test(text[o])) continue;
      const p = lines.positionAt(o);
      let a = map.get(p.line);
      if (!a) map.set(p.line, (a = []));
      a.push(p.character);
    }
  };
  const walk = (node: Nodes) => {
    const pos = node.position!;
    switch (node.type) {
      case 'heading': {
        const src = text.slice(pos.start.offset, pos.end.offset);
        if (src.trimStart().startsWith('#')) {
          const t = norm(toString(node));
          f.headings.push(`${pos.start.line - 1}:${node.depth}:${MARKUP.test(src) ? '*' : t}`);
        } else f.headings.push(`${pos.start.line - 1}:${node.depth}:setext`);
        break;
      }
      case 'link':
      case 'image':
      case 'definition':
        if (!hasScheme(node.url)) f.links.push(node.url);
        break;
      case 'code':
        for (let l = pos.start.line - 1; l <= pos.end.line - 1; l++) f.codeLines.add(l);
        mark(f.code, pos.start.offset!, pos.end.offset!);
        return;
      case 'inlineCode':
        for (let l = pos.start.line - 1; pos.end.line > pos.start.line && l <= pos.end.line - 1; l++) f.multiLineCode.add(l);
        mark(f.code, pos.start.offset!, pos.end.offset!);
        return;
      case 'text':
        mark(f.prose, pos.start.offset!, pos.end.offset!);
        return;
      case 'html':
        return;
    }
    if ('children' in node) for (const c of (node as Parents).children) walk(c as Nodes);
  };
  walk(tree);
  f.links.sort();
  return f;
}

interface Ours {
  headings: string[];
  links: string[];
  /** Per line: our prose text (masked), for the lines that have a prose segment. */
  prose: Map<number, string>;
}

function ourFacts(text: string, lines: any): Ours {
  const cfg = defaultConfig();
  const facts = analyzeBody(lines, 0, cfg, new Reporter(lines));
  const prose = new Map<number, string>();
  for (const s of proseSegments(lines, 0)) prose.set(lines.positionAt(s.start).line, s.text);
  const headings = facts.headings.map((h: any) => {
    const src = lines.lineText(h.line);
    return `${h.line}:${h.level}:${MARKUP.test(src) ? '*' : norm(h.text)}`;
  });
  return { headings, links: facts.links.map((l: any) => l.dest).sort(), prose };
}

interface Diff {
  kind: 'heading' | 'link' | 'code-as-prose' | 'prose-hidden';
  detail: string;
  /** The KNOWN_DIFFERENCES entry that explains it, when recognised. */
  known?: number;
}

/** Everything on which our scanners and remark disagree in `text` (a body without front matter). */
function compare(text: string): Diff[] {
  const lines = new LineIndex(text);
  const want = remarkFacts(text, lines);
  const got = ourFacts(text, lines);
  const diffs: Diff[] = [];
  const a = new Set(want.headings);
  const b = new Set(got.headings);
  for (const h of a) if (!b.has(h)) diffs.push({ kind: 'heading', detail: `remark only: ${h} | ${lines.lineText(+h.split(':')[0])}` });
  for (const h of b) if (!a.has(h)) diffs.push({ kind: 'heading', detail: `ours only: ${h} | ${lines.lineText(+h.split(':')[0])}` });
  const wl = want.links;
  const gl = got.links.filter((l) => !hasScheme(l));
  if (wl.join('\n') !== gl.join('\n')) diffs.push({ kind: 'link', detail: `remark ${JSON.stringify(wl)} ours ${JSON.stringify(gl)}` });
  for (const line of want.codeLines) if (got.prose.has(line)) diffs.push({ kind: 'code-as-prose', detail: `line ${line}: ${JSON.stringify(lines.lineText(line))}` });
  for (const [line, chars] of want.code) {
    const ours = got.prose.get(line);
    if (!ours || want.codeLines.has(line)) continue;
    const leaked = chars.filter((c) => ours[c] !== undefined && ours[c] !== ' ');
    if (leaked.length) diffs.push({ kind: 'code-as-prose', detail: `line ${line}: ${JSON.stringify(lines.lineText(line))}`, ...(want.multiLineCode.has(line) ? { known: 11 } : {}) });
  }
  for (const [line, chars] of want.prose) {
    const src = lines.lineText(line);
    const ours = got.prose.get(line) ?? '';
    // Bare URLs are text to remark (no GFM autolink literals) and masked by us on purpose.
    const url = new Set<number>();
    for (const m of src.matchAll(/<https?:[^>]*>|https?:\/\/\S+/g)) for (let i = 0; i < m[0].length; i++) url.add(m.index! + i);
    const hidden = chars.filter((c) => !url.has(c) && (ours[c] === undefined || ours[c] === ' '));
    if (hidden.length) diffs.push({ kind: 'prose-hidden', detail: `line ${line}: ${JSON.stringify(src)}` });
  }
  return diffs;
}

/** A file's body: the front matter blanked (line numbers kept). */
function body(text: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return text;
  return m[0].replace(/[^\r\n]/g, '') + text.slice(m[0].length);
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...markdownFiles(p));
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** The minimal example of each KNOWN_DIFFERENCES entry and the kinds of difference it shows. */
const KNOWN: [number, string, Diff['kind'][]][] = [
  [1, '```js``` is code, see PR.AA-01\n\n# Next\n\nprose', ['heading', 'prose-hidden']],
  [1, '``` a`b\n# Heading\n\ntext', ['heading', 'prose-hidden']],
  [2, '<!--\n```\n-->\n\n# Heading\n\nprose', ['heading', 'prose-hidden']],
  [3, '- item\n\n  ```\n  code\n\n# After the list\n\nprose', ['heading', 'prose-hidden']],
  [3, '- item\n\n   ```\n```\n\n# Heading\n\nprose [a](b.md)\n', ['heading', 'link', 'code-as-prose']],
  [4, 'text <!-- open\n\nprose PR.AA-01\n\n# Heading\n', ['heading', 'prose-hidden']],
  [5, '<div>\n# not heading\n</div>\n', ['heading']],
  [6, 'Title\n=====\n\nSub\n---\n', ['heading']],
  [7, '- # In a list\n', ['heading']],
  [7, '> ## In a quote\n', ['heading']],
  [7, '- item\n\n    # Heading\n', ['heading']],
  [8, '### ###\n', ['heading']],
  [9, 'para\n\n    code one\n    code two PR.AA-01\n', ['code-as-prose']],
  [9, '# H\n    code PR.AA-01\n', ['code-as-prose']],
  [10, '> ```\n> # code\n> PR.AA-01\n> ```\n\nafter', ['code-as-prose']],
  [10, '- a\n  - b\n\n        ```\n        PR.AA-01\n        ```\n', ['code-as-prose']],
  [11, 'text `code\nPR.AA-01 more` end', ['code-as-prose']],
  [12, 'a \\`not code PR.AA-01` b', ['prose-hidden']],
  [13, '<div>\n[a](div.md)\n</div>\n', ['link']],
  [13, 'para\n\n    [a](code.md)\n', ['link']],
  [13, '`a\n[b](c.md)`', ['link', 'code-as-prose']],
  [14, '[a](x(1).md)', ['link']],
  [15, '[a](a&amp;b.md)', ['link']],
  [15, '[a](a\\_b.md)', ['link']],
  [16, 'para\n[x]: not-a-def.md\n', ['link']],
  [16, 'foo](x.md) bar', ['link', 'prose-hidden']],
  [17, '[a](<my file.md>)', ['link']],
  [17, '[a](x.md (title))', ['link']],
  [17, '[a](\nx.md)', ['link']],
  [17, '[x]:\n  next-line.md\n', ['link']],
  [17, '> [x]: quoted.md\n', ['link']],
  [17, '- [x]: in-list.md\n', ['link']],
];

describe('Markdown line scanners vs remark-parse', function () {
  this.timeout(60000);

  before(async () => {
    // tsc (module nodenext, CommonJS output) keeps this import() as is, so the ESM-only packages load.
    const { unified } = await import('unified');
    const { default: remarkParse } = await import('remark-parse');
    const processor = unified().use(remarkParse);
    parse = (text) => processor.parse(text) as Root;
    clearBodyCache();
  });

  it('agree on 400 random documents of the constructs we agree on', () => {
    const rand = prng(42);
    for (let i = 0; i < 400; i++) {
      const text = document(rand, AGREED, int(rand, 3, 30), rand() < 0.2);
      assert.deepEqual(compare(text), [], `document ${i}:\n${text}`);
    }
  });

  it('agree on the Markdown files in examples/ and docs/ (but for recognised known differences)', () => {
    const files = [...markdownFiles(path.join(ROOT, 'examples')), ...markdownFiles(path.join(ROOT, 'docs'))];
    assert.ok(files.length > 10, 'the example and doc files are found');
    for (const file of files) {
      const diffs = compare(body(fs.readFileSync(file, 'utf8'))).filter((d) => d.known === undefined);
      assert.deepEqual(diffs, [], path.relative(ROOT, file));
    }
  });

  describe('KNOWN_DIFFERENCES still differ (when one is fixed, move its construct to AGREED and drop it from the list)', () => {
    for (const [n, text, kinds] of KNOWN) {
      it(`${n}: ${JSON.stringify(text)}`, () => {
        const got = [...new Set(compare(text).map((d) => d.kind))].sort();
        assert.deepEqual(got, [...kinds].sort());
      });
    }
  });
});
