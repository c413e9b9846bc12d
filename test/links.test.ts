/** link-broken for relative links to files and their headings, through an injected FileHost. */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');

/** A FileHost over an in-memory tree of workspace-relative paths (documents live at the root). */
function host(files: Record<string, string>) {
  const norm = (target: string) => target.replace(/^\.\//, '').replace(/^\//, '');
  const dirs = new Set(Object.keys(files).flatMap((f) => f.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))));
  return {
    stat: (_from: string, t: string) => (files[norm(t)] !== undefined ? 'file' : dirs.has(norm(t).replace(/\/$/, '')) ? 'dir' : 'missing'),
    readText: (_from: string, t: string) => files[norm(t)],
  };
}

const DOC = (body: string) =>
  `---\ntype: record\nowner: a@example.com\nreview_cadence: annual\nlast_reviewed: 2026-11-01\ncontrols: [NHI1]\n---\n# Record\n\n${body}\n`;

function links(body: string, files: Record<string, string>) {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  const s = new IsmsService({ relativePath: (p: string) => p, files: host(files) }, cfg);
  return s.check({ uri: 'file:///ws/record.md', text: DOC(body) }).filter((f: any) => f.ruleId === 'link-broken');
}

const FILES = {
  'runbooks/offboard.md': '---\ntype: runbook\n---\n# Offboard\n\n## Revoke the key\n',
  'evidence/2026-q3.csv': 'a,b\n',
};

describe('link-broken: files', () => {
  it('accepts links to existing files, directories, their headings, URLs and mail', () => {
    const body = [
      '[runbook](runbooks/offboard.md) [step](./runbooks/offboard.md#revoke-the-key) ![csv](evidence/2026-q3.csv)',
      '[dir](runbooks/) [web](https://example.com/x.md) [mail](mailto:a@example.com) [root](/evidence/2026-q3.csv)',
      '[ref]: runbooks/offboard.md',
      '`[code](missing.md)`',
    ].join('\n');
    assert.deepEqual(links(body, FILES), []);
  });

  it('flags a missing file, naming it', () => {
    const f = links('See [the runbook](runbooks/rotate.md "Rotate") and\n\n[old]: evidence/2025.csv', FILES);
    assert.deepEqual(f.map((x: any) => [x.range.start.line, x.range.start.character, x.range.end.character, x.data.target]), [
      [9, 18, 36, 'runbooks/rotate.md'],
      [11, 7, 24, 'evidence/2025.csv'],
    ]);
    assert.match(f[0].message, /'runbooks\/rotate\.md' does not exist/);
  });

  it('flags a missing heading in another document and offers the closest one', () => {
    const f = links('[step](runbooks/offboard.md#revoke-the-keys)', FILES);
    assert.equal(f.length, 1);
    assert.match(f[0].message, /did you mean '#revoke-the-key'/);
    assert.equal(f[0].fixes[0].edits[0].newText, 'revoke-the-key');
  });

  it('says nothing about file links when the host cannot tell', () => {
    const cfg = defaultConfig();
    const s = new IsmsService({ relativePath: (p: string) => p }, cfg);
    assert.deepEqual(s.check({ uri: 'record.md', text: DOC('[x](nope.md)') }).filter((f: any) => f.ruleId === 'link-broken'), []);
  });
});
