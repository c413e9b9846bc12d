/**
 * Precision on real front matter (issue 14): documents written for the tests in the styles of Jekyll, Hugo,
 * Docusaurus, MkDocs, comply and a static site, under test/fixtures/precision/front-matter/, forced in with
 * `documentGlobs`. Every finding that is not a control reference (those are test/precision-prose.test.ts's)
 * must be marked inline (`# expect: rule-id` in front matter, `<!-- expect: rule-id -->` in Markdown), and
 * every marker found: the site generators' keys stay silent, aliases are infos, true gaps stay reported.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');

const DIR = path.join(ROOT, 'test', 'fixtures', 'precision', 'front-matter');

function expected(text: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    for (const m of l.matchAll(/<!--\s*expect:\s*([^>]*?)\s*-->|#\s*expect:\s*(.+)$/g)) {
      for (const id of (m[1] ?? m[2]).split(/[,\s]+/).filter(Boolean)) out.push(`${i + 1}:${id}`);
    }
  });
  return out.sort();
}

describe('precision: front matter of other tools and site generators', () => {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  cfg.documentGlobs = ['**/*.md'];
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.md')).sort();
  let found = 0;
  let infos = 0;
  for (const f of files) {
    it(f, () => {
      const text = fs.readFileSync(path.join(DIR, f), 'utf8');
      const svc = new IsmsService({ relativePath: (p: string) => path.basename(p) }, cfg);
      const findings = svc.check({ uri: path.join(DIR, f), text }).filter((x: any) => !x.ruleId.startsWith('control-'));
      found += findings.length;
      infos += findings.filter((x: any) => x.severity === 'info').length;
      assert.deepEqual(findings.map((x: any) => `${x.range.start.line + 1}:${x.ruleId}`).sort(), expected(text));
    });
  }
  after(() => console.log(`      precision fixtures (front matter): ${files.length} documents, ${found} findings, all expected (${infos} of them infos)`));

  it('classifies a static page with a site type and no ISMS key as no ISMS document', () => {
    const c = defaultConfig();
    const svc = new IsmsService({ relativePath: (p: string) => p }, c);
    const page = '---\nlayout: page\ntitle: How we work\ntype: learn\nowner_slack: "#dx"\n---\n# How we work\n';
    assert.deepEqual(svc.check({ uri: 'learn/how.md', text: page }), []);
    assert.equal(svc.analysis({ uri: 'p.md', text: page.replace('type: learn', 'type: runbook') }).kind, 'process-document');
    assert.equal(svc.analysis({ uri: 'p.md', text: '---\nname: AOTP\nsatisfies:\n  TSC: [CC6.1]\n---\n# x\n' }).kind, 'process-document');
  });

  it('reads a header without an opening fence as comply writes it, not a setext heading', () => {
    const { frontMatterRange } = server('core/lang/document.js');
    const comply = 'name: Access Policy\nacronym: AP\nsatisfies:\n  TSC:\n    - CC6.1\n---\n# Purpose\n';
    assert.deepEqual(frontMatterRange(comply), { start: 0, end: comply.indexOf('\n---') });
    assert.equal(frontMatterRange('Note: read this first\n---\nText\n'), undefined, 'a setext heading');
    assert.equal(frontMatterRange('Status: draft\nAuthor: me\n\nSome prose here.\n---\n'), undefined, 'prose before the rule');
    assert.equal(frontMatterRange('name: x\nacronym: y\nno closing rule\n'), undefined);
    const c = defaultConfig();
    const svc = new IsmsService({ relativePath: (p: string) => p }, c);
    assert.equal(svc.analysis({ uri: 'policies/access.md', text: comply }).kind, 'process-document');
  });

  it('brings in files of other extensions that a configured glob names', () => {
    const c = defaultConfig();
    c.documentGlobs = ['policies/**/*.md.erb', 'docs/*.mdx'];
    const svc = new IsmsService({ relativePath: (p: string) => p }, c);
    const text = '---\ntitle: x\n---\n# Policy\n';
    assert.equal(svc.analysis({ uri: 'policies/a/access.html.md.erb', text }).kind, 'process-document');
    assert.equal(svc.analysis({ uri: 'docs/intro.mdx', text }).kind, 'process-document');
    assert.equal(svc.analysis({ uri: 'other/intro.mdx', text }).kind, 'other');
  });
});
