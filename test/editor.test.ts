/**
 * Editor assistance beyond control references: field and value completion, key hover, section
 * completion, outline and folding. Positions are marked with `|` in the test texts.
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { LineIndex } = server('core/text.js');
const { yamlContext } = server('core/editor/yaml-context.js');
const { FRONT_MATTER_FIELDS } = server('core/editor/fields.js');
const { catalog } = server('core/catalog/catalog.js');

function svc() {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  return new IsmsService({ relativePath: (p: string) => p }, cfg);
}

/** Splits "a|b" into the text "ab" and the position of the bar. */
function at(marked: string) {
  const i = marked.indexOf('|');
  const text = marked.slice(0, i) + marked.slice(i + 1);
  const lines = new LineIndex(text);
  return { text, pos: lines.positionAt(i), offset: i, lines };
}

const labels = (items: any[]) => items.map((i) => i.label);

describe('editor: front matter fields', () => {
  it('completes the keys a document does not have yet, with snippets', () => {
    const { text, pos } = at('---\ntype: policy\nowner: a@example.com\nrev|\n---\n# P\n');
    const items = svc().complete({ uri: 'p.md', text }, pos);
    const l = labels(items);
    assert.ok(l.includes('review_cadence') && l.includes('approver') && l.includes('last_reviewed'), l.join());
    assert.ok(!l.includes('type') && !l.includes('owner'), 'present keys are not offered again');
    const rc = items.find((i: any) => i.label === 'review_cadence');
    assert.equal(rc.snippet, true);
    assert.match(rc.textEdit.newText, /^review_cadence: \$\{1\|daily,weekly,monthly,quarterly/);
    assert.deepEqual(rc.textEdit.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } });
    assert.match(rc.documentation, /Why it matters/);
  });

  it('treats an alias as its canonical key when listing what is missing', () => {
    const { text, pos } = at('---\ntype: policy\nreview_frequency: annual\n|\n---\n# P\n');
    assert.ok(!labels(svc().complete({ uri: 'p.md', text }, pos)).includes('review_cadence'));
  });

  it('completes values: types, cadences and today for dates', () => {
    const s = svc();
    let c = at('---\ntype: pro|\nowner: a@example.com\n---\n# P\n');
    assert.deepEqual(labels(s.complete({ uri: 'p.md', text: c.text }, c.pos)), ['policy', 'standard', 'procedure', 'runbook', 'plan', 'record']);
    c = at('---\ntype: policy\nreview_cadence: |\n---\n# P\n');
    assert.ok(labels(s.complete({ uri: 'p.md', text: c.text }, c.pos)).includes('quarterly'));
    c = at('---\ntype: policy\nlast_reviewed: |\n---\n# P\n');
    assert.deepEqual(labels(s.complete({ uri: 'p.md', text: c.text }, c.pos)), ['2026-11-23']);
  });

  it('offers owners already used in the workspace', () => {
    const s = svc();
    s.check({ uri: 'a.md', text: '---\ntype: policy\nowner: iam-team@bank.example\n---\n# A\n' });
    s.indexFile({ uri: 'inv.nhi.yaml', text: 'identities:\n  - id: x\n    owner: "payments@bank.example" # team\n' });
    const c = at('---\ntype: runbook\nowner: |\n---\n# R\n');
    const l = labels(s.complete({ uri: 'r.md', text: c.text }, c.pos));
    assert.ok(l.includes('iam-team@bank.example') && l.includes('payments@bank.example'), l.join());
  });

  it('hovers a key with what it proves and the controls that ask for it', () => {
    const c = at('---\ntype: policy\nown|er: a@example.com\n---\n# P\n');
    const h = svc().hover({ uri: 'p.md', text: c.text }, c.pos);
    assert.match(h.contents, /\*\*owner\*\*/);
    assert.match(h.contents, /accountable/);
    assert.match(h.contents, /ISO27001:A\.5\.2 /);
    assert.deepEqual(h.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } });
  });

  it('hovers an alias key and names the canonical key', () => {
    const c = at('---\ntype: policy\nreview_fre|quency: annual\n---\n# P\n');
    const h = svc().hover({ uri: 'p.md', text: c.text }, c.pos);
    assert.match(h.contents, /\*\*review_cadence\*\* \(written as `review_frequency`\)/);
  });

  it('hovers the document type with its required sections', () => {
    const c = at('---\ntype: run|book\n---\n# R\n');
    const h = svc().hover({ uri: 'r.md', text: c.text }, c.pos);
    assert.match(h.contents, /runbook/);
    assert.match(h.contents, /Required sections: Purpose, Steps, Rollback, Evidence/);
  });

  it('names only real catalog controls in the field table', () => {
    for (const f of FRONT_MATTER_FIELDS) for (const ref of f.controls ?? []) assert.ok(catalog().resolve(ref), `${f.key}: ${ref}`);
  });
});

describe('editor: sections, outline and folding', () => {
  const RUNBOOK = '---\ntype: runbook\nowner: a@example.com\ncontrols: [NHI7]\n---\n# Rotate\n\n## Purpose\n\nWhy.\n\n### Detail\n\nMore.\n\n|';

  it('offers the sections the document type still lacks at a heading', () => {
    const c = at(RUNBOOK.replace('|', '## |'));
    const items = svc().complete({ uri: 'r.md', text: c.text }, c.pos);
    assert.deepEqual(labels(items), ['Steps', 'Rollback', 'Evidence']);
    assert.equal(items[0].textEdit.newText, 'Steps');
    const bare = at(RUNBOOK);
    assert.deepEqual(svc().complete({ uri: 'r.md', text: bare.text }, bare.pos).map((i: any) => i.textEdit.newText), ['## Steps', '## Rollback', '## Evidence']);
  });

  it('outlines a document: front matter, then headings nested by level', () => {
    const text = RUNBOOK.replace('|', '## Steps\n\n1. Go.\n');
    const syms = svc().symbols({ uri: 'r.md', text });
    const shape = (s: any): any => [s.name, s.range.start.line, s.range.end.line, s.children.map(shape)];
    assert.deepEqual(syms.map(shape), [
      ['Front matter', 0, 4, [['type', 1, 1, []], ['owner', 2, 2, []], ['controls', 3, 3, []]]],
      ['Rotate', 5, 17, [['Purpose', 7, 13, [['Detail', 11, 13, []]]], ['Steps', 15, 17, []]]],
    ]);
    const folds = svc().folding({ uri: 'r.md', text }).map((f: any) => [f.startLine, f.endLine]);
    assert.deepEqual(folds, [[0, 4], [5, 17], [7, 13], [11, 13], [15, 17]]);
  });

  it('outlines an inventory: one symbol per identity, named by its id', () => {
    const text = 'kind: nhi-inventory\ndefaults:\n  environment: prod\nidentities:\n  # payments\n  - id: svc-a\n    type: api-key\n    owner: x\n\n  - name: only-a-name\n    type: token\n';
    const syms = svc().symbols({ uri: 'i.nhi.yaml', text });
    assert.deepEqual(syms.map((s: any) => s.name), ['kind', 'defaults', 'identities']);
    const ids = syms[2].children.map((s: any) => [s.name, s.detail, s.range.start.line, s.range.end.line, s.selectionRange.start]);
    assert.deepEqual(ids, [
      ['svc-a', 'api-key', 5, 7, { line: 5, character: 8 }],
      ['only-a-name', 'token', 9, 10, { line: 9, character: 10 }],
    ]);
  });

  it('reads the YAML context of half-typed lines', () => {
    const ctx = (marked: string) => {
      const c = at(marked);
      const r = yamlContext(c.lines, c.offset);
      return r && { kind: r.kind, path: r.path, key: r.key, prefix: r.prefix, inList: r.inList, siblings: r.siblings && [...r.siblings] };
    };
    assert.deepEqual(ctx('identities:\n  - id: a\n    ow|\n'), { kind: 'key', path: ['identities', '-'], key: undefined, prefix: 'ow', inList: undefined, siblings: ['id'] });
    assert.deepEqual(ctx('identities:\n  - id: a\n    type: |'), { kind: 'value', path: ['identities', '-'], key: 'type', prefix: '', inList: false, siblings: undefined });
    assert.deepEqual(ctx('a:\n  controls:\n    - NHI7\n    - PR|'), { kind: 'value', path: ['a'], key: 'controls', prefix: 'PR', inList: true, siblings: undefined });
    assert.deepEqual(ctx('environment: [prod, st|'), { kind: 'value', path: [], key: 'environment', prefix: 'st', inList: true, siblings: undefined });
    assert.equal(ctx('owner: x # a comm|'), undefined);
  });
});

describe('editor: inventory fields', () => {
  const INV = 'kind: nhi-inventory\ndefaults:\n  review_cadence: quarterly\nidentities:\n  - id: svc-a\n    type: api-key\n    owner: payments@bank.example\n';

  it('completes the keys an identity lacks, described from the inventory schema', () => {
    const c = at(INV + '    |\n');
    const items = svc().complete({ uri: 'i.nhi.yaml', text: c.text }, c.pos);
    const l = labels(items);
    assert.ok(l.includes('purpose') && l.includes('secret_store') && l.includes('rotation'), l.join());
    assert.ok(!l.includes('id') && !l.includes('type') && !l.includes('owner'));
    const store = items.find((i: any) => i.label === 'secret_store');
    assert.match(store.textEdit.newText, /^secret_store: \$\{1\|vault,cloud-secrets-manager,/);
    assert.match(store.documentation, /Why it matters/);
  });

  it('completes the first key of a new identity and only inheritable keys under defaults', () => {
    const c = at(INV + '  - |\n');
    assert.ok(labels(svc().complete({ uri: 'i.nhi.yaml', text: c.text }, c.pos)).includes('id'));
    const d = at('kind: nhi-inventory\ndefaults:\n  review_cadence: quarterly\n  |\nidentities: []\n');
    const l = labels(svc().complete({ uri: 'i.nhi.yaml', text: d.text }, d.pos));
    assert.ok(l.includes('environment') && !l.includes('id') && !l.includes('review_cadence'), l.join());
  });

  it('completes enum values, booleans, cadences, dates and known owners', () => {
    const s = svc();
    const vals = (line: string) => {
      const c = at(INV + line + '\n');
      return labels(s.complete({ uri: 'i.nhi.yaml', text: c.text }, c.pos));
    };
    assert.deepEqual(vals('    privilege: |'), ['admin', 'privileged', 'scoped', 'read-only']);
    assert.deepEqual(vals('    third_party: |'), ['false', 'true']);
    assert.ok(vals('    rotation: |').includes('P90D'));
    assert.deepEqual(vals('    last_rotated: |'), ['2026-11-23']);
    assert.ok(vals('  - id: svc-b\n    owner: |').includes('payments@bank.example'));
  });

  it('hovers a key with why it matters and the controls it evidences', () => {
    const c = at(INV.replace('    type: api-key', '    ty|pe: api-key'));
    const h = svc().hover({ uri: 'i.nhi.yaml', text: c.text }, c.pos);
    assert.match(h.contents, /^\*\*type\*\*/);
    assert.match(h.contents, /Values: `service-account`/);
  });

  it('hovers an identity id with a summary of its findings', () => {
    const c = at(INV.replace('  - id: svc-a', '  - id: svc|-a'));
    const s = svc();
    const h = s.hover({ uri: 'i.nhi.yaml', text: c.text }, c.pos);
    const expected = s.check({ uri: 'i.nhi.yaml', text: c.text }).filter((f: any) => f.range.start.line >= 4);
    assert.ok(expected.length > 0);
    assert.match(h.contents, /^\*\*svc-a\*\* — api-key/);
    for (const f of expected.slice(0, 12)) assert.ok(h.contents.includes(`\`${f.ruleId}\``), f.ruleId);
    assert.deepEqual(h.range.start, { line: 4, character: 8 });
  });
});
