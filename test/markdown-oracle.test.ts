/**
 * The engine's Markdown facts checked against an independent reading of remark-parse's tree of the
 * whole body. The engine parses each section on its own (markdown-syntax: the fast reader, or remark-parse
 * where it gives up) and cuts sections with a cheap scan, merging a section with the next when its parse ends inside a top-level
 * fence or HTML block; this test shows that the sections, read as the engine reads them
 * (analyzeBody), give what one parse of the whole document gives:
 *   1. headings (ATX and setext, at any depth): line, depth and text (text only when the heading has no
 *      inline markup, which remark renders and we keep as written);
 *   2. links: the relative `url`s of remark's link, image and definition nodes vs BodyFacts.links;
 *   3. control references: none inside remark's code (blocks or spans), and one at every `PR.AA-01`,
 *      `NHI7` and `CC6.1` remark has in a text node (bare URLs excepted: remark without GFM keeps them as
 *      text, we blank them out on purpose);
 *   4. the sectioned result equals the engine's own whole-body result (headings, links, references).
 * Random documents mix every construct, including those that used to trip line scanners (fences in list
 * items, HTML blocks, setext headings, backtick runs, unclosed comments); and so must the Markdown files
 * in examples/ and docs/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Root, Nodes, Parents } from 'mdast';
import { markdownFiles, ROOT, server } from './helpers/root';
import { prng } from './helpers/prng';
import { document, int } from './helpers/markdown-gen';

const { analyzeBody, bodyRefs, clearBodyCache } = server('core/analysis/body.js');
const { defaultConfig } = server('core/config.js');
const { LineIndex } = server('core/text.js');
const { Reporter } = server('core/report.js');


// ---------------------------------------------------------------------------------------------------
// The oracle (remark on the whole text) and the engine, reduced to comparable facts.

let parse: (text: string) => Root;

interface Facts {
  headings: string[]; // "line:depth:text"
  links: string[]; // dest, sorted
  /** Offsets remark has in text nodes (prose) and in code (blocks and spans). */
  prose: Set<number>;
  code: Set<number>;
}

const hasScheme = (url: string) => /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//');
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Heading source text with inline markup that remark renders differently from the source. */
const MARKUP = /[`*_[\]<>\\&!#]|https?:/;
const heading = (line: number, depth: number, text: string) => `${line}:${depth}:${MARKUP.test(text) ? '*' : norm(text)}`;

function toString(node: Nodes): string {
  if ('value' in node && node.type !== 'html') return node.value;
  if (node.type === 'image') return node.alt ?? '';
  if ('children' in node) return (node.children as Nodes[]).map(toString).join('');
  return '';
}

function remarkFacts(text: string): Facts {
  const tree = parse(text);
  const f: Facts = { headings: [], links: [], prose: new Set(), code: new Set() };
  const mark = (set: Set<number>, start: number, end: number) => {
    for (let o = start; o < end; o++) set.add(o);
  };
  const walk = (node: Nodes) => {
    const pos = node.position!;
    switch (node.type) {
      case 'heading': {
        const kids = node.children;
        const src = kids.length ? text.slice(kids[0].position!.start.offset, kids[kids.length - 1].position!.end.offset) : '';
        f.headings.push(heading(pos.start.line - 1, node.depth, MARKUP.test(src) ? '#' : toString(node)));
        break;
      }
      case 'link':
      case 'image':
      case 'definition':
        if (!hasScheme(node.url)) f.links.push(node.url);
        break;
      case 'code':
      case 'inlineCode':
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
  /** Control references: [start, end) and the text. */
  refs: string[];
}

function ourFacts(text: string, lines: any, whole: boolean): Ours {
  const cfg = defaultConfig();
  const facts = analyzeBody(lines, 0, cfg, new Reporter(lines), { whole });
  return {
    headings: facts.headings.map((h: any) => heading(h.line, h.level, h.text)),
    links: facts.links.map((l: any) => l.dest).filter((d: string) => !hasScheme(d)).sort(),
    refs: bodyRefs(facts).map((r: any) => `${r.start}-${r.end}:${r.raw}`).sort(),
  };
}

/** Everything on which the engine and remark's tree of the whole text disagree (a body without front matter). */
function compare(text: string): string[] {
  const lines = new LineIndex(text);
  const want = remarkFacts(text);
  const got = ourFacts(text, lines, false);
  const whole = ourFacts(text, lines, true);
  const diffs: string[] = [];
  if (JSON.stringify(got) !== JSON.stringify(whole)) diffs.push(`sectioned != whole: ${JSON.stringify(got)} vs ${JSON.stringify(whole)}`);
  const a = new Set(want.headings);
  const b = new Set(got.headings);
  for (const h of a) if (!b.has(h)) diffs.push(`heading, remark only: ${h}`);
  for (const h of b) if (!a.has(h)) diffs.push(`heading, ours only: ${h}`);
  if (want.links.join('\n') !== got.links.join('\n')) diffs.push(`links: remark ${JSON.stringify(want.links)} ours ${JSON.stringify(got.links)}`);
  const spans = got.refs.map((ref) => ref.split(':')[0].split('-').map(Number));
  got.refs.forEach((ref, i) => {
    for (let o = spans[i][0]; o < spans[i][1]; o++) if (want.code.has(o)) diffs.push(`reference in code: ${ref}`);
  });
  const url = new Set<number>();
  for (const m of text.matchAll(/<https?:[^>]*>|https?:\/\/\S+/g)) for (let i = 0; i < m[0].length; i++) url.add(m.index! + i);
  for (const m of text.matchAll(/\b(?:PR\.AA-01|NHI7|CC6\.1)\b/g)) {
    const s = m.index!;
    let inProse = true;
    for (let o = s; o < s + m[0].length; o++) if (!want.prose.has(o) || url.has(o)) inProse = false;
    if (inProse && !spans.some(([rs, re]) => rs <= s && re >= s + m[0].length)) {
      diffs.push(`prose reference not seen at ${s}: ${m[0]} | ${lines.lineText(lines.positionAt(s).line)}`);
    }
  }
  return [...new Set(diffs)];
}

/** A file's body: the front matter blanked (line numbers kept). */
function body(text: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return text;
  return m[0].replace(/[^\r\n]/g, '') + text.slice(m[0].length);
}

/** Constructs that line scanners used to misread (each once a KNOWN_DIFFERENCES entry); all must agree now. */
const FORMERLY_DIFFERENT = [
  '```js``` is code, see PR.AA-01\n\n# Next\n\nprose',
  '``` a`b\n# Heading\n\ntext',
  '<!--\n```\n-->\n\n# Heading\n\nprose',
  '- item\n\n  ```\n  code\n\n# After the list\n\nprose',
  '- item\n\n   ```\n```\n\n# Heading\n\nprose [a](b.md)\n',
  'text <!-- open\n\nprose PR.AA-01\n\n# Heading\n',
  '<div>\n# not heading\n</div>\n',
  'Title\n=====\n\nSub\n---\n',
  '- # In a list\n',
  '> ## In a quote\n',
  '- item\n\n    # Heading\n',
  '### ###\n',
  'para\n\n    code one\n    code two PR.AA-01\n',
  '# H\n    code PR.AA-01\n',
  '> ```\n> # code\n> PR.AA-01\n> ```\n\nafter',
  '- a\n  - b\n\n        ```\n        PR.AA-01\n        ```\n',
  'text `code\nPR.AA-01 more` end',
  'a \\`not code PR.AA-01` b',
  '<div>\n[a](div.md)\n</div>\n',
  'para\n\n    [a](code.md)\n',
  '`a\n[b](c.md)`',
  '[a](x(1).md)',
  '[a](a&amp;b.md)',
  '[a](a\\_b.md)',
  'para\n[x]: not-a-def.md\n',
  'foo](x.md) bar',
  '[a](<my file.md>)',
  '[a](x.md (title))',
  '[a](\nx.md)',
  '[x]:\n  next-line.md\n',
  '> [x]: quoted.md\n',
  '- [x]: in-list.md\n',
  '```\ncode\n# in the unclosed fence\n[x](unclosed.md)',
  '<div>\nhtml\n# still html\n\n# Heading',
];

describe('Markdown facts of the sectioned engine vs remark-parse on the whole document', function () {
  this.timeout(120000);

  before(async () => {
    // tsc (module nodenext, CommonJS output) keeps this import() as is, so the ESM-only packages load.
    const { unified } = await import('unified');
    const { default: remarkParse } = await import('remark-parse');
    const processor = unified().use(remarkParse);
    parse = (text) => processor.parse(text) as Root;
    clearBodyCache();
  });

  it('agree on 400 random documents of every construct', () => {
    const rand = prng(42);
    for (let i = 0; i < 400; i++) {
      const text = document(rand, int(rand, 3, 30));
      assert.deepEqual(compare(text), [], `document ${i}:\n${text}`);
    }
  });

  it('agree on the Markdown files in examples/ and docs/', () => {
    const files = [...markdownFiles(path.join(ROOT, 'examples')), ...markdownFiles(path.join(ROOT, 'docs'))];
    assert.ok(files.length > 10, 'the example and doc files are found');
    for (const file of files) assert.deepEqual(compare(body(fs.readFileSync(file, 'utf8'))), [], path.relative(ROOT, file));
  });

  describe('agree on what line scanners used to misread', () => {
    for (const text of FORMERLY_DIFFERENT) {
      it(JSON.stringify(text), () => {
        assert.deepEqual(compare(text), []);
        assert.deepEqual(compare(`# Before\n\n${text}\n\n# After\n\nPR.AA-01\n`), []);
      });
    }
  });

  it('the comparison fails when the engine misses a heading or reads code as prose', () => {
    // Guards the oracle itself: a remark tree that differs from the engine's view must be reported.
    const saved = parse;
    try {
      parse = (text) => saved(text.replace('# Real', 'Real'));
      assert.ok(compare('# Real\n\ntext\n').some((d) => d.startsWith('heading, ours only')));
      parse = (text) => saved('```\n' + text + '\n```');
      assert.ok(compare('see PR.AA-01\n').some((d) => d.startsWith('reference in code')));
    } finally {
      parse = saved;
    }
  });
});
