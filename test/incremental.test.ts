/**
 * Incremental analysis must equal a full re-check. Random edit sequences (seeded) are applied to
 * documents full of the constructs that decide where sections are cut (headings, fences, HTML comments)
 * and after every edit the sectioned, cached analysis is compared with a whole-document analysis.
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';
import { prng } from './helpers/prng';

const { analyze } = server('core/analysis/analyze.js');
const { defaultConfig } = server('core/config.js');
const { sectionStarts, LONG_SECTION } = server('core/lang/markdown-body.js');
const { clearBodyCache } = server('core/analysis/body.js');
const { LineIndex } = server('core/text.js');


const PIECES = [
  '# Title\n', '## Purpose\n', '## Steps\n', '### Detail\n', '## Evidence\n', 'Text with PR.AA-01 and CC6.1-CC6.3.\n',
  'See A.9.2.1 and PR.AC-4 (legacy).\n', '```\nPR.AC-4 in code\n## not a heading\n```\n', '~~~~\n# code\n~~~\n',
  '<!-- comment\n## hidden heading\nPR.AA-07\n-->\n', 'TODO: fill in. <insert owner>\n', '[link](#steps) [bad](#nowhere)\n',
  'Keys: AKIA' + 'Q7ZK3M2X9WBN4PLT in text\n', '\n', '    indented code PR.AC-4\n', '- list item SOC2:CC7.2\n', 'records are retained\n',
  // Constructs a line scan misjudges; the parse of the section says when to merge it with the next.
  '- item\n\n  ```\n  code PR.AA-01\n', '<div>\n', 'Title PR.AA-01\n===\n', '```js``` inline NHI7\n', '> ```\n> # quoted code\n',
];
const ALPHABET = ['#', '`', '~', '\n', '<!--', '-->', ' ', 'A', '.', '-', '1', 'PR.AA-0', '## ', '```', 'x', '- ', '  ', '<div>', '==='];

function document(rand: () => number, n: number): string {
  let out = '---\ntype: runbook\nowner: a@example.com\ncontrols: [NHI7, CSF:PR.AA-01]\n---\n';
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(rand() * PIECES.length)];
  return out;
}

/** A body with few headings: its sections are long enough to be cut before paragraphs too. */
function longBody(rand: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const p = PIECES[Math.floor(rand() * PIECES.length)];
    out += p.startsWith('#') && rand() < 0.9 ? 'Plain paragraph with NHI7.\n\n' : p;
    if (rand() < 0.5) out += '\n';
  }
  return out;
}

function edit(rand: () => number, text: string): string {
  const at = Math.floor(rand() * (text.length + 1));
  if (rand() < 0.35 && text.length > 0) {
    const len = 1 + Math.floor(rand() * 3);
    return text.slice(0, at) + text.slice(at + len);
  }
  return text.slice(0, at) + ALPHABET[Math.floor(rand() * ALPHABET.length)] + text.slice(at);
}

const cfg = defaultConfig();
cfg.today = '2026-11-23';
const view = (a: any) => ({
  findings: a.findings.map((f: any) => JSON.stringify(f)).sort(),
  refs: a.refs.map((r: any) => JSON.stringify(r)).sort(),
});

describe('incremental analysis equals a full re-check', function () {
  this.timeout(60000);

  /** The oracle: a plain line-by-line scan for `#` lines outside what looks like a fence or a comment. */
  function headingLines(lines: any, from: number): number[] {
    const out = [from];
    let fence: string | undefined;
    let inComment = false;
    for (let ln = from; ln < lines.lineCount; ln++) {
      const t = lines.lineText(ln);
      const f = /^ {0,3}(`{3,}|~{3,})/.exec(t);
      if (fence) {
        if (f && f[1][0] === fence[0] && f[1].length >= fence.length && t.trim() === f[1]) fence = undefined;
        continue;
      }
      if (f) {
        fence = f[1];
        continue;
      }
      if (!inComment && ln > from && /^#{1,6}(\s|$)/.test(t)) out.push(ln);
      else if (!inComment && ln - out[out.length - 1] >= LONG_SECTION && /^[A-Za-z]/.test(t) && !/<!--|-->/.test(t) && lines.lineText(ln - 1).trim() === '') out.push(ln);
      for (const m of t.matchAll(/<!--|-->/g)) inComment = m[0] === '<!--';
    }
    return out;
  }

  it('cuts sections at the `#` lines outside fences and comments, and long ones before paragraphs', () => {
    const rand = prng(7);
    let text = document(rand, 60) + longBody(rand, 300);
    for (let k = 0; k < 300; k++) {
      text = edit(rand, text);
      const lines = new LineIndex(text);
      const from = Math.min(5, lines.lineCount - 1);
      assert.deepEqual(sectionStarts(lines, from), headingLines(lines, from), text);
    }
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7]) {
    it(`process document, random edits (seed ${seed}${seed > 5 ? ', long sections' : ''})`, () => {
      clearBodyCache();
      const rand = prng(seed);
      let text = seed > 5 ? document(rand, 3) + longBody(rand, 200) : document(rand, 40);
      for (let step = 0; step < 150; step++) {
        text = edit(rand, text);
        const uri = `file:///ws/doc-${seed}.md`;
        const inc = analyze({ uri, text }, cfg);
        const whole = analyze({ uri: `file:///ws/whole-${seed}.md`, text }, cfg, undefined, undefined, { whole: true });
        assert.deepEqual(view(inc), view(whole), `step ${step}:\n${text}`);
      }
    });
  }
});

describe('LruCache (the chunk caches)', () => {
  const { LruCache } = server('core/chunks.js');

  it('forgets the least recently used entry first; a hit makes an entry the most recent, under the key it was set with', () => {
    const c = new LruCache(3);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    // Looked up with an equal string built anew (as the analyses look chunks up with a slice of the current text).
    assert.equal(c.get(['a'].join('')), 1);
    c.set('d', 4);
    assert.equal(c.get('b'), undefined, 'b was the least recently used');
    assert.deepEqual([...c.values()], [3, 1, 4]);
    assert.equal(c.size, 3);
    c.set('c', 30);
    assert.deepEqual([...c.values()], [1, 4, 30]);
    assert.equal(c.get('x'), undefined);
    c.clear();
    assert.equal(c.size, 0);
  });
});
