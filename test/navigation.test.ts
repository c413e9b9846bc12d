/**
 * Navigation across files over stdio (docs/client.md, "Navigation"): references of a control, workspace symbols,
 * document links of path-valued fields, code lenses on listed controls. A multi-file workspace written here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, server } from './helpers/root';
import { LspClient } from './helpers/lsp-client';

const FILES: Record<string, string> = {
  'policies/access.md': `---
title: Access control policy
type: policy
owner: iam-team@example.com
review_cadence: annual
last_reviewed: 2026-06-01
status: approved
controls: [ISO27001:A.5.15, SOC2:CC6.1]
evidence: ../evidence/access-review.csv
---
# Access control policy

## Purpose

Access follows ISO 27001 A.5.15.
`,
  'runbooks/offboard.md': `---
title: Offboard a service account
type: runbook
owner: sre@example.com
review_cadence: annual
last_reviewed: 2026-06-01
status: approved
controls: [ISO27001:A.5.18]
approver: payments@example.com  # signs off
---
# Offboard a service account

## Purpose

Revoke the credential, as ISO 27001 A.5.15 requires.

## Steps

1. Revoke.

## Rollback

None.
`,
  'inventories/prod.nhi.yaml': `kind: nhi-inventory
identities:
  - id: svc-payments
    type: workload-identity
    owner: payments@example.com
    purpose: Payments API
    credential: federated
    last_reviewed: 2026-10-01
    review_cadence: quarterly
    offboarding: ../runbooks/offboard.md
    evidence: ../evidence/access-review.csv
    controls: [ISO27001:A.5.15, NHI1]
  - id: svc-billing
    type: workload-identity
    owner: billing@example.com
    purpose: Billing API
    credential: federated
    last_reviewed: 2026-10-01
    review_cadence: quarterly
    offboarding: ../runbooks/offboard.md
    controls: [SOC2:CC6.1]
`,
  'inventories/staging.nhi.yaml': `kind: nhi-inventory
identities:
  - id: svc-reports
    type: workload-identity
    owner: "payments@example.com" # the same team
    purpose: Reports
    credential: federated
    last_reviewed: 2026-10-01
    review_cadence: quarterly
    used_by:
      - svc-payments
`,
  'inventories/broken.nhi.yaml': `kind: nhi-inventory
identities:
  - id: svc-old
    owner: payments@example.com
    purpose: [unclosed
`,
  'evidence/access-review.csv': 'who,when\n',
};

describe('language server: navigation across files', function () {
  this.timeout(60000);
  let client: LspClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-nav-'));
  for (const [rel, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;
  const at = (rel: string, needle: string, nth = 0) => {
    const lines = FILES[rel].split('\n');
    let seen = 0;
    for (let line = 0; line < lines.length; line++) {
      const character = lines[line].indexOf(needle);
      if (character >= 0 && seen++ === nth) return { line, character };
    }
    throw new Error(`${needle} not in ${rel}`);
  };
  const brief = (locs: any[]) => locs.map((l) => `${path.relative(dir, new URL(l.uri).pathname)}:${l.range.start.line}`);

  before(async () => {
    client = new LspClient([path.join(ROOT, 'dist', 'server.js'), '--stdio']);
    const init = await client.start(dir, { today: '2026-11-23' });
    const caps = init.capabilities;
    assert.ok(caps.referencesProvider && caps.workspaceSymbolProvider && caps.documentLinkProvider && caps.codeLensProvider);
    await client.open(uri('policies/access.md'), 'markdown', FILES['policies/access.md']);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds every reference of a control: open documents exactly, other files by line (front matter, body, identities)', async () => {
    const pos = at('policies/access.md', 'ISO27001:A.5.15');
    const refs = await client.request('textDocument/references', { textDocument: { uri: uri('policies/access.md') }, position: { line: pos.line, character: pos.character + 10 }, context: { includeDeclaration: true } });
    assert.deepEqual(brief(refs), ['inventories/prod.nhi.yaml:2', 'policies/access.md:7', 'policies/access.md:14', 'runbooks/offboard.md:14']);
    // The open document's ranges are the references themselves.
    const own = refs.filter((l: any) => l.uri === uri('policies/access.md'));
    assert.deepEqual(own[0].range, { start: pos, end: { line: pos.line, character: pos.character + 'ISO27001:A.5.15'.length } });
    const body = at('policies/access.md', 'ISO 27001 A.5.15');
    assert.deepEqual(own[1].range.start, body);
    // The same from a citation in the body, spelled otherwise.
    const again = await client.request('textDocument/references', { textDocument: { uri: uri('policies/access.md') }, position: { line: body.line, character: body.character + 11 }, context: { includeDeclaration: true } });
    assert.deepEqual(again, refs);
  });

  it('follows an edit of an open document (its text, not the saved one)', async () => {
    const rel = 'runbooks/offboard.md';
    const text = FILES[rel].replace('as ISO 27001 A.5.15 requires', 'as required');
    await client.open(uri(rel), 'markdown', text);
    const pos = at('policies/access.md', 'ISO27001:A.5.15');
    const refs = await client.request('textDocument/references', { textDocument: { uri: uri('policies/access.md') }, position: pos, context: { includeDeclaration: true } });
    assert.deepEqual(brief(refs), ['inventories/prod.nhi.yaml:2', 'policies/access.md:7', 'policies/access.md:14']);
    client.notify('textDocument/didClose', { textDocument: { uri: uri(rel) } });
  });

  it('answers no references off a control reference', async () => {
    const refs = await client.request('textDocument/references', { textDocument: { uri: uri('policies/access.md') }, position: { line: 1, character: 3 }, context: { includeDeclaration: true } });
    assert.deepEqual(refs, []);
  });

  it('lists workspace symbols: documents by title, identities by id, referenced controls by ID and title', async () => {
    const all = await client.request('workspace/symbol', { query: '' });
    const names = all.map((s: any) => s.name);
    for (const n of ['Access control policy', 'Offboard a service account', 'svc-payments', 'svc-billing']) assert.ok(names.includes(n), n);
    const a515 = all.find((s: any) => s.name.startsWith('A.5.15 '));
    assert.ok(a515, names.join(', '));
    assert.match(a515.name, /^A\.5\.15 Access control$/);
    // (ISO/IEC 27002 5.15 is the same control: shown once, as Annex A.)
    assert.ok(!names.some((n: string) => n.startsWith('5.15 ')));
    const billing = await client.request('workspace/symbol', { query: 'billing' });
    assert.deepEqual(billing.map((s: any) => s.name), ['svc-billing']);
    assert.deepEqual(brief(billing.map((s: any) => s.location)), ['inventories/prod.nhi.yaml:12']);
  });

  it('links the path-valued fields (evidence, offboarding) to their files, resolved relative to the file', async () => {
    const links = await client.request('textDocument/documentLink', { textDocument: { uri: uri('policies/access.md') } });
    assert.deepEqual(links.map((l: any) => [l.range.start, l.target]), [[at('policies/access.md', '../evidence/access-review.csv'), uri('evidence/access-review.csv')]]);
    const rel = 'inventories/prod.nhi.yaml';
    await client.open(uri(rel), 'yaml', FILES[rel]);
    const inv = await client.request('textDocument/documentLink', { textDocument: { uri: uri(rel) } });
    assert.deepEqual(
      inv.map((l: any) => [l.range.start.line, l.target]).sort(),
      [
        [at(rel, 'offboarding:').line, uri('runbooks/offboard.md')],
        [at(rel, 'evidence:').line, uri('evidence/access-review.csv')],
        [at(rel, 'offboarding:', 1).line, uri('runbooks/offboard.md')],
      ].sort(),
    );
    client.notify('textDocument/didClose', { textDocument: { uri: uri(rel) } });
  });

  it('puts a code lens on each listed control, counting the other files that reference it, opening the references', async () => {
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri: uri('policies/access.md') } });
    assert.deepEqual(lenses.map((l: any) => l.range.start), [at('policies/access.md', 'ISO27001:A.5.15'), at('policies/access.md', 'SOC2:CC6.1')]);
    const a515 = await client.request('codeLens/resolve', lenses[0]);
    assert.equal(a515.command.title, '1 document, 1 identity');
    assert.equal(a515.command.command, 'isms.showReferences');
    assert.deepEqual(brief(a515.command.arguments[2]), ['inventories/prod.nhi.yaml:2', 'runbooks/offboard.md:14']);
    const cc61 = await client.request('codeLens/resolve', lenses[1]);
    assert.equal(cc61.command.title, '1 identity');
  });

  it('finds the references and the definition of an identity ID (its `id`, `used_by` elsewhere)', async () => {
    const rel = 'inventories/staging.nhi.yaml';
    await client.open(uri(rel), 'yaml', FILES[rel]);
    const pos = at(rel, 'svc-payments');
    const refs = await client.request('textDocument/references', { textDocument: { uri: uri(rel) }, position: pos, context: { includeDeclaration: true } });
    assert.deepEqual(brief(refs), ['inventories/prod.nhi.yaml:2', 'inventories/staging.nhi.yaml:10']);
    const noDecl = await client.request('textDocument/references', { textDocument: { uri: uri(rel) }, position: pos, context: { includeDeclaration: false } });
    assert.deepEqual(brief(noDecl), ['inventories/staging.nhi.yaml:10']);
    const def = await client.request('textDocument/definition', { textDocument: { uri: uri(rel) }, position: pos });
    const id = at('inventories/prod.nhi.yaml', 'svc-payments');
    assert.deepEqual(def, [{ uri: uri('inventories/prod.nhi.yaml'), range: { start: id, end: { line: id.line, character: id.character + 'svc-payments'.length } } }]);
  });

  it('finds every file naming an owner (front matter, inventories, quoted or not); no definition without a registry', async () => {
    const rel = 'inventories/staging.nhi.yaml';
    const pos = at(rel, 'payments@example.com');
    const refs = await client.request('textDocument/references', { textDocument: { uri: uri(rel) }, position: { line: pos.line, character: pos.character + 3 }, context: { includeDeclaration: true } });
    assert.deepEqual(brief(refs), ['inventories/broken.nhi.yaml:3', 'inventories/prod.nhi.yaml:4', 'inventories/staging.nhi.yaml:4', 'runbooks/offboard.md:8']);
    assert.equal(await client.request('textDocument/definition', { textDocument: { uri: uri(rel) }, position: pos }), null);
  });

  it('renames an owner across files, only the value (quotes, comments and formatting kept), never in a file that does not parse', async () => {
    const rel = 'inventories/staging.nhi.yaml';
    const pos = at(rel, 'payments@example.com');
    const prep = await client.request('textDocument/prepareRename', { textDocument: { uri: uri(rel) }, position: pos });
    assert.equal(prep.placeholder, 'payments@example.com');
    assert.deepEqual(prep.range, { start: pos, end: { line: pos.line, character: pos.character + 'payments@example.com'.length } });
    const warning = client.notification('window/showMessage');
    const edit = await client.request('textDocument/rename', { textDocument: { uri: uri(rel) }, position: pos, newName: 'pay-team@example.com' });
    assert.deepEqual(Object.keys(edit.changes).map((u) => path.relative(dir, new URL(u).pathname)).sort(), ['inventories/prod.nhi.yaml', 'inventories/staging.nhi.yaml', 'runbooks/offboard.md']);
    const apply = (r: string) => {
      const lines = FILES[r].split('\n');
      for (const e of [...edit.changes[uri(r)]].reverse()) {
        assert.equal(e.range.start.line, e.range.end.line);
        const l = lines[e.range.start.line];
        lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
      }
      return lines.join('\n');
    };
    assert.equal(apply(rel), FILES[rel].replace('"payments@example.com" # the same team', '"pay-team@example.com" # the same team'));
    assert.equal(apply('runbooks/offboard.md'), FILES['runbooks/offboard.md'].replace('approver: payments@example.com  # signs off', 'approver: pay-team@example.com  # signs off'));
    assert.equal(apply('inventories/prod.nhi.yaml'), FILES['inventories/prod.nhi.yaml'].replace('owner: payments@example.com', 'owner: pay-team@example.com'));
    assert.match((await warning).message, /broken\.nhi\.yaml/);
  });

  it('renames an identity ID in its `id` and every `used_by`', async () => {
    const rel = 'inventories/staging.nhi.yaml';
    const edit = await client.request('textDocument/rename', { textDocument: { uri: uri(rel) }, position: at(rel, 'svc-payments'), newName: 'svc-pay' });
    assert.deepEqual(
      Object.entries(edit.changes).flatMap(([u, es]: [string, any]) => es.map((e: any) => `${path.relative(dir, new URL(u).pathname)}:${e.range.start.line}:${e.newText}`)).sort(),
      ['inventories/prod.nhi.yaml:2:svc-pay', 'inventories/staging.nhi.yaml:10:svc-pay'],
    );
  });

  it('refuses to rename what is not an owner or an identity ID, and a name YAML would read otherwise', async () => {
    const rel = 'inventories/staging.nhi.yaml';
    await assert.rejects(client.request('textDocument/prepareRename', { textDocument: { uri: uri(rel) }, position: at(rel, 'Reports') }), /owner or an identity ID/);
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri: uri(rel) }, position: at(rel, 'svc-payments'), newName: 'a: b' }), /plain YAML value/);
  });
});

describe('navigation: names (core/editor/names.ts)', () => {
  const { nameOccurrences, scanNames, renameEdits, validName } = server('core/editor/names.js');
  const { IsmsService } = server('core/service.js');
  const { classify } = server('core/analysis/analyze.js');
  const { defaultConfig } = server('core/config.js');
  const { LineIndex } = server('core/text.js');

  function* walk(d: string): Generator<string> {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) yield* walk(p);
      else if (/\.(md|markdown|ya?ml)$/.test(e.name)) yield p;
    }
  }

  it('the line scan (the index) finds exactly the names the parser reads (part by part as whole), in every fixture and example', () => {
    let n = 0;
    for (const root of [path.join(ROOT, 'examples'), path.join(ROOT, 'test', 'fixtures')]) {
      for (const f of walk(root)) {
        const text = fs.readFileSync(f, 'utf8');
        const kind = classify(f, text, defaultConfig(), path.relative(root, f));
        if (kind === 'other') continue;
        n++;
        const lines = new LineIndex(text);
        const parsed = nameOccurrences(text, kind).items.map((o: any) => {
          const s = lines.positionAt(o.start);
          return [o.kind, o.value, s.line, s.character, lines.positionAt(o.end).character, o.definition];
        });
        const scanned = scanNames(text, kind).map((o: any) => [o.kind, o.value, o.line, o.start, o.end, o.definition]);
        assert.deepEqual(scanned, parsed, f);
        // (An inventory is parsed a part at a time: the same names, and clean exactly when the whole file is.)
        if (kind === 'inventory') assert.deepEqual(nameOccurrences(text, kind), nameOccurrences(text, kind, true), f);
      }
    }
    assert.ok(n > 100);
  });

  it('reads owners at any depth and in every form, identity IDs in `id` and `used_by`, nothing in prose or comments', () => {
    const inv = [
      'kind: nhi-inventory',
      'defaults: { owner: team-a, review_cadence: quarterly }',
      'identities:',
      '  - id: svc-a # owner: team-z',
      '    owners: [team-a, "team-b"]',
      '    purpose: owned by team-a',
      '    previous_owners:',
      '      - owner: team-c',
      '        until: 2026-01-01',
      '    used_by:',
      '      - svc-b',
      "  - id: 'svc-b'",
      '    approver:',
      '    - team-d',
      '',
    ].join('\n');
    const names = scanNames(inv, 'inventory').map((o: any) => `${o.kind}:${o.value}${o.definition ? '!' : ''}`);
    assert.deepEqual(names, ['owner:team-a', 'identity:svc-a!', 'owner:team-a', 'owner:team-b', 'owner:team-c', 'identity:svc-b', 'identity:svc-b!', 'owner:team-d']);
    assert.deepEqual(nameOccurrences(inv, 'inventory').items.map((o: any) => `${o.kind}:${o.value}${o.definition ? '!' : ''}`), names);
  });

  it('reads flow collections over lines (through the parser) exactly as the parser does, and finds them from the index', () => {
    const lines = (text: string) => new LineIndex(text);
    const parsed = (text: string, kind: string) => {
      const li = lines(text);
      return nameOccurrences(text, kind).items.map((o: any) => {
        const s = li.positionAt(o.start);
        return [o.kind, o.value, s.line, s.character, li.positionAt(o.end).character, o.definition];
      });
    };
    const scanned = (text: string, kind: string) => scanNames(text, kind).map((o: any) => [o.kind, o.value, o.line, o.start, o.end, o.definition]);
    const inv = [
      'kind: nhi-inventory',
      'identities:',
      '  - id: svc-a',
      '    owner: team-a',
      '    controls: [CSF:PR.AA-01,',
      '      ISO27001:A.5.16]',
      '    used_by: [svc-b,  # the batch',
      '      "svc-c"]',
      '    previous_owners: [{ owner: team-b,',
      '        until: 2026-01-01 }, { owner: team-c, until: 2025-01-01 }]',
      '  - { id: svc-b,',
      '      owner: team-d }',
      '',
    ].join('\n');
    const want = ['owner:team-a@3', 'identity:svc-a!@2', 'identity:svc-b@6', 'identity:svc-c@7', 'owner:team-b@8', 'owner:team-c@9', 'identity:svc-b!@10', 'owner:team-d@11'];
    const got = scanNames(inv, 'inventory').map((o: any) => `${o.kind}:${o.value}${o.definition ? '!' : ''}@${o.line}`);
    assert.deepEqual([...got].sort(), [...want].sort());
    assert.deepEqual(scanned(inv, 'inventory'), parsed(inv, 'inventory'));
    const doc = '---\ntitle: P\ntype: policy\nowner: [alice,\n  "bob"]\napprovers: [carol, # the CISO\n  dave]\n---\n# P\n';
    assert.deepEqual(scanned(doc, 'process-document'), parsed(doc, 'process-document'));
    assert.deepEqual(scanNames(doc, 'process-document').map((o: any) => `${o.value}@${o.line}:${o.start}`), ['alice@3:8', 'bob@4:3', 'carol@5:12', 'dave@6:2']);
    // A `[` in a plain scalar or a quoted one is no flow collection; a file that does not parse keeps the line scan.
    for (const t of ['kind: nhi-inventory\nidentities:\n  - id: a\n    purpose: fix [the] thing\n    owner: x\n', 'kind: nhi-inventory\nidentities:\n  - id: a\n    purpose: "a [b"\n    owner: x\n'])
      assert.deepEqual(scanned(t, 'inventory'), parsed(t, 'inventory'));
    const broken = 'kind: nhi-inventory\nidentities:\n  - id: a\n    owner: x\n    used_by: [b,\n';
    assert.deepEqual(scanNames(broken, 'inventory').map((o: any) => o.value), ['a', 'x', 'b']);
    // From the index (a file not open): references of an owner named on a continuation line, and of an identity.
    const svc = new IsmsService({ relativePath: (u: string) => u }, defaultConfig());
    svc.indexFile({ uri: 'file:///ws/a.nhi.yaml', text: inv });
    svc.indexFile({ uri: 'file:///ws/p.md', text: doc });
    assert.deepEqual(svc.nameReferences('owner', 'team-b', [], 'all').map((l: any) => [l.uri, l.range.start.line, l.range.start.character]), [['file:///ws/a.nhi.yaml', 8, 31]]);
    assert.deepEqual(svc.nameReferences('owner', 'bob', [], 'all').map((l: any) => [l.uri, l.range.start.line, l.range.start.character]), [['file:///ws/p.md', 4, 3]]);
    assert.deepEqual(svc.nameReferences('identity', 'svc-c', [], 'all').map((l: any) => [l.range.start.line, l.range.start.character]), [[7, 7]]);
  });

  it('renames only the values (quotes, comments, spacing kept), and never in a file whose YAML has errors', () => {
    const good = 'kind: nhi-inventory\nidentities:\n  - id: a   # the first\n    owner:  "team-a"  # lead\n    owners: [team-a,team-b]\n';
    const broken = 'kind: nhi-inventory\nidentities:\n  - id: b\n    owner: team-a\n    purpose: [open\n';
    const r = renameEdits([{ uri: 'good', text: good, kind: 'inventory' }, { uri: 'broken', text: broken, kind: 'inventory' }], 'owner', 'team-a', 'team-x');
    assert.deepEqual(r.skipped, ['broken']);
    let text = good;
    for (const e of [...r.edits].reverse()) text = text.slice(0, e.start) + 'team-x' + text.slice(e.end);
    assert.equal(text, good.replace('"team-a"', '"team-x"').replace('[team-a,', '[team-x,'));
  });

  it('survives bad input: deep nesting, binary-looking text, unclosed quotes', () => {
    const deep = 'kind: nhi-inventory\nidentities:\n  - id: a\n    owner: x\n    extra: ' + '['.repeat(20000) + '\n';
    assert.equal(nameOccurrences(deep, 'inventory').clean, false);
    assert.ok(Array.isArray(scanNames(deep, 'inventory')));
    for (const t of ['owner: "unclosed\n', 'owner: [a, "b\n', '\u0000\u0001owner: x', 'identities:\n  - id: [\n']) {
      assert.ok(Array.isArray(scanNames(t, 'inventory')));
      assert.ok(Array.isArray(nameOccurrences(t, 'inventory').items));
    }
  });

  it('accepts as a new name only what YAML reads as that text', () => {
    for (const ok of ['team-a', 'alice@example.com', 'svc.payments_1', 'Platform Team', 'a/b']) assert.ok(validName(ok), ok);
    for (const bad of ['', 'a: b', 'a #b', '[x]', 'x,y', 'true', 'null', '42', '@team', '- x', 'a  b', ' a', 'a"b']) assert.ok(!validName(bad), bad);
  });
});
