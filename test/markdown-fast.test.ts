/**
 * The fast Markdown reader (markdown-fast) against the remark reader (markdown-remark): on every text
 * it either gives up or returns exactly what remark-parse gives (segments, headings, links, anchors,
 * open). Random line soups and random documents find the corners; the Markdown of examples/ and docs/
 * and the bench's runbook must be read without giving up, or the reader would not be worth having.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { markdownFiles, ROOT, server } from './helpers/root';
import { prng } from './helpers/prng';
import { document, int, soup } from './helpers/markdown-gen';

const { readSection } = server('core/lang/markdown-fast.js');
const { parseWithRemark } = server('core/lang/markdown-remark.js');
const { parseSection } = server('core/lang/markdown-syntax.js');
const { sectionStarts } = server('core/lang/markdown-body.js');
const { LineIndex } = server('core/text.js');
const { bodyStartLine, frontMatterRange } = server('core/lang/document.js');

/** Compares the two readers on `text`: 'gave up', 'same', or throws with both results. */
function compare(text: string): 'gave up' | 'same' {
  const fast = readSection(text);
  if (fast === undefined) return 'gave up';
  assert.deepEqual(fast, parseWithRemark(text), JSON.stringify(text));
  return 'same';
}

/** The sections of a Markdown file's body (after its front matter), as the engine cuts them. */
function sections(text: string): string[] {
  const lines = new LineIndex(text);
  const starts: number[] = sectionStarts(lines, bodyStartLine(lines, frontMatterRange(text)));
  return starts.map((l, i) => text.slice(lines.lineStarts[l], i + 1 < starts.length ? lines.lineStarts[starts[i + 1]] : text.length));
}

describe('fast Markdown reader vs remark-parse', function () {
  this.timeout(120000);

  it('reads 6,000 line soups exactly or gives up, and reads a good share of them', () => {
    const rand = prng(7);
    let same = 0;
    for (let i = 0; i < 6000; i++) if (compare(soup(rand)) === 'same') same++;
    assert.ok(same > 2000, `read ${same} of 6000`);
  });

  it('reads 600 random documents of every construct exactly or gives up', () => {
    const rand = prng(11);
    let same = 0;
    for (let i = 0; i < 600; i++) if (compare(document(rand, int(rand, 1, 6))) === 'same') same++;
    assert.ok(same > 200, `read ${same} of 600`);
  });

  it('reads every section of the Markdown in examples/, docs/ and the README without giving up', () => {
    const files = [...markdownFiles(path.join(ROOT, 'examples')), ...markdownFiles(path.join(ROOT, 'docs')), path.join(ROOT, 'README.md')];
    assert.ok(files.length > 10);
    for (const file of files) {
      for (const section of sections(fs.readFileSync(file, 'utf8'))) assert.equal(compare(section), 'same', `${path.relative(ROOT, file)}: ${JSON.stringify(section.slice(0, 80))}`);
    }
  });

  it("reads every section of the bench's runbook without giving up", async () => {
    const { runbook } = await import(path.join(ROOT, 'bench', 'generate.mjs'));
    for (const section of sections(runbook(50))) assert.equal(compare(section), 'same');
  });

  it('reads or gives up on pathological texts, and what it reads equals remark', () => {
    const texts = [
      '['.repeat(20000) + ']'.repeat(20000),
      '['.repeat(5000) + '[a](b)'.repeat(5000),
      Array.from({ length: 3000 }, (_, i) => '`'.repeat(1 + (i % 40))).join(' '),
      '<!--\n' + 'x\n'.repeat(20000),
      '> '.repeat(200) + 'x\n' + ('> '.repeat(200) + 'y\n').repeat(20),
      Array.from({ length: 300 }, (_, i) => ' '.repeat(i * 2) + '- x').join('\n'),
      '<a b="c" '.repeat(5000),
      '!['.repeat(5000) + '](x)'.repeat(100),
      '<a:'.repeat(20000),
      'word PR.AA-01 [x](y.md) `c` '.repeat(5000),
      'x\n'.repeat(30000),
    ];
    let read = 0;
    for (const text of texts) if (compare(text) === 'same') read++;
    assert.ok(read >= 6, `read ${read}`);
  });

  describe('reads these exactly as remark-parse does', () => {
    // micromark fixes "interrupt" at the start of a line: a list item that would interrupt a paragraph
    // or indented code (even in a new block quote) may not be empty or start at a number other than 1,
    // unless the code's last line was lazy. Setext headings: the heading's text ends before the trailing
    // spaces of its last line.
    const cases = [
      '    code\n\n10. x',
      '    code\n2) x',
      '    code\n> 2) x',
      'foo\n> 2) x',
      '>\n    code\n2) x',
      '>\n    code\n\n2) x',
      '>\n    code\n    more\n2) x',
      '> foo\n2. x',
      '[a]: /u\n    code',
      '[a]: /u\n2. x',
      '    code\n\n<x y="z">',
      '- a\n\n      code\n\n2. b',
      'Title  \n=====\n',
      'a\nb  \n---  \n',
      '> a\n> ===\n',
      '- a\n  ---\n',
    ];
    for (const text of cases) it(JSON.stringify(text), () => assert.equal(compare(text), 'same'));
  });

  describe('gives up on what it does not read, and parseSection then uses remark', () => {
    const cases = [
      '> foo\n-\n',
      '[a]: /u\nTitle\n===\n',
      '<pre>\n# x\n</pre>\n',
      '<?php x ?>\n',
      '\tcode\n',
      '- a\n\tb\n',
      '[a](<b c>)\n',
      '[a](b\\_c)\n',
      '[a](\nb)\n',
      '[x][y](z)\n',
      '[a]:\n  /next-line\n',
      'a <b\nc="d"> e\n',
      'x\r y\n',
    ];
    for (const text of cases) {
      it(JSON.stringify(text), () => {
        assert.equal(readSection(text), undefined);
        assert.deepEqual(parseSection(text), parseWithRemark(text));
      });
    }
  });
});
