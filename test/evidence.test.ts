/**
 * Evidence that resolves and is fresh (issue 16): evidence-unresolved, evidence-stale, placeholders that count as
 * missing (`offboarding: TODO`), the offboarding fix that never writes a placeholder, and the coverage problems of
 * a small workspace (test/fixtures/evidence).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';
import { mapHost, ruleTester } from './helpers/rule-tester';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { classifyTarget } = server('core/lang/evidence.js');
const { isPlaceholderValue } = server('core/lang/words.js');

const INV = 'inv.nhi.yaml';
const head = 'kind: nhi-inventory\nidentities:\n  - id: svc-a\n    type: workload-identity\n    owner: a@example.com\n    purpose: Pay\n    review_cadence: quarterly\n    last_reviewed: 2026-10-01\n    offboarding: Revoke the role in IAM\n';
const RUNBOOK = '---\ntype: runbook\n---\n# Offboard\n\n## Revoke\n\nRevoke the key.\n';
const POLICY = '---\ntype: policy\n---\n# Access\n\nAccess ends when it is no longer needed; offboarding is required.\n';

describe('evidence targets: path, URL or prose', () => {
  const kind = (s: string) => classifyTarget(s).kind;
  it('reads prose as prose (never checked)', () => {
    for (const s of ['Quarterly access review export in Drata', 'SEC-1234', 'Vault audit log', 'See the runbook', 'v1.2', 'CSF:PR.AA-01', 'Drata: quarterly export']) assert.equal(kind(s), 'prose', s);
  });
  it('reads paths', () => {
    for (const s of ['reviews/q3.md', './q3.md', '../x/y.pdf', 'export.csv', '/docs/a.md#b', '#evidence']) assert.equal(kind(s), 'path', s);
    assert.deepEqual(classifyTarget('docs/a%20b.md#Revoke-Now'), { kind: 'path', path: 'docs/a b.md', anchor: 'Revoke-Now' });
  });
  it('reads URLs and checks their shape only', () => {
    assert.deepEqual(classifyTarget('https://grc.example.com/e/1'), { kind: 'url' });
    assert.deepEqual(classifyTarget('mailto:audit@example.com'), { kind: 'url' });
    assert.deepEqual(classifyTarget('s3://bucket/exports/q3.csv'), { kind: 'url' });
    assert.equal(classifyTarget('https://grc example.com/x').urlProblem, 'contains white space');
    assert.ok(classifyTarget('https:/grc.example.com').urlProblem);
    assert.ok(classifyTarget('https://').urlProblem);
    assert.equal(classifyTarget('drata.com/reports/7').urlProblem, 'has no scheme (write https://...)');
  });
  it('tells placeholders from values', () => {
    for (const s of ['TODO', 'TBD: ask infra', '...', '…', '<fill me>', '<your team>', '<insert runbook>']) assert.ok(isPlaceholderValue(s), s);
    for (const s of ['Revoke in Vault; TODO automate', '<stored in secret store>', '<alice@example.com>', 'todo-service', 'runbooks/offboard.md']) assert.ok(!isPlaceholderValue(s), s);
  });
});

ruleTester('evidence-unresolved', {
  uri: INV,
  files: { 'reviews/q3.md': RUNBOOK, 'exports/': '' },
  valid: [
    { name: 'a path that exists, with its anchor', text: head + '    evidence: [reviews/q3.md#revoke]\n' },
    { name: 'prose and URLs', text: head + '    evidence:\n      - Quarterly access review export in Drata\n      - https://grc.example.com/evidence/IAM-1\n      - SEC-1234\n' },
    { name: 'a mapping with a path that exists', text: head + '    evidence:\n      - { path: reviews/q3.md, date: 2026-10-01, description: Q3 review }\n' },
  ],
  invalid: [
    {
      name: 'a missing path',
      text: head + '    evidence:\n      - reviews/gone.md\n      - reviews/q3.md#no-such-heading\n',
      findings: [
        { line: 11, column: 9, message: "The evidence 'reviews/gone.md' does not exist: an auditor following it to the evidence lands nowhere.", data: { identity: 'svc-a', target: 'reviews/gone.md' } },
        { line: 12, message: /names an anchor its file does not have/ },
      ],
      output: null,
    },
    {
      name: 'a malformed URL (shape only)',
      text: head + '    evidence: [https://grc example.com/x, { url: "notaurl" }]\n',
      findings: [{ line: 10, message: /contains white space/ }, { line: 10, message: /is not a well-formed URL/ }],
    },
    {
      name: 'inherited from defaults: reported on the identity',
      text: 'kind: nhi-inventory\ndefaults:\n  evidence: reviews/gone.md\n' + head.slice('kind: nhi-inventory\n'.length),
      findings: [{ line: 5, message: /\(inherited from defaults\)\.?$/, data: { identity: 'svc-a' } }],
    },
  ],
});

ruleTester('evidence-unresolved', {
  uri: INV,
  valid: [{ name: 'the host cannot tell (no FileHost): no finding', text: head + '    evidence: [reviews/gone.md, runbooks/x.md#a]\n' }],
});

ruleTester('evidence-unresolved', {
  uri: 'doc.md',
  files: { 'runbooks/offboard.md': RUNBOOK },
  valid: [
    { name: 'front matter: a path and an anchor of the document', text: '---\ntype: record\nevidence: [runbooks/offboard.md#revoke, "#records"]\n---\n# R\n\n## Records\n' },
  ],
  invalid: [
    {
      name: 'front matter: a missing path and a missing own anchor',
      text: '---\ntype: record\nevidence:\n  - runbooks/gone.md\n  - "#nowhere"\n---\n# R\n',
      findings: [{ line: 4, column: 5 }, { line: 5, message: /anchor/ }],
    },
  ],
});

ruleTester('evidence-stale', {
  uri: INV,
  valid: [
    { name: 'within the review cadence', text: head + '    evidence:\n      - { url: https://grc.example.com/e/1, date: 2026-10-01 }\n' },
    { name: 'no date, or not a date', text: head + '    evidence:\n      - https://grc.example.com/e/1\n      - { url: https://grc.example.com/e/2, date: Q3 2025 }\n' },
    { name: 'no cadence to judge by', text: head.replace('    review_cadence: quarterly\n', '') + '    evidence:\n      - { url: https://grc.example.com/e/1, date: 2020-01-01 }\n' },
  ],
  invalid: [
    {
      name: 'older than the review cadence (date with a time part too)',
      text: head + '    evidence:\n      - { url: https://grc.example.com/e/1, date: 2026-01-15 }\n      - { path: x.md, date: "2025-06-30T10:00:00Z" }\n',
      findings: [
        { line: 11, column: 51, message: /dated 2026-01-15, 312 days ago: older than the review cadence \(quarterly\)/, data: { identity: 'svc-a', cadenceDays: 90 } },
        { line: 12, message: /dated 2025-06-30T10:00:00Z/ },
      ],
    },
    {
      name: 'the rotation cadence when no review cadence',
      text: head.replace('    review_cadence: quarterly\n', '    rotation: P30D\n') + '    evidence: [{ url: https://grc.example.com/e/1, date: 2026-09-01 }]\n',
      findings: [{ message: /rotation cadence \(P30D\)/ }],
    },
    {
      name: 'a document: its review cadence',
      uri: 'doc.md',
      text: '---\ntype: record\nreview_cadence: annual\nevidence:\n  - { url: https://grc.example.com/e/1, date: 2025-01-10 }\n---\n# R\n',
      findings: [{ line: 5, message: /682 days ago: older than the review cadence \(annual\) of the document/ }],
    },
  ],
});

ruleTester(['placeholder', 'nhi-offboarding-missing', 'owner-missing'], {
  uri: INV,
  invalid: [
    {
      name: 'placeholders in inventory values count as missing and are reported',
      text: 'kind: nhi-inventory\ndefaults:\n  environment: <fill me>\nidentities:\n  - id: svc-a\n    owner: TODO\n    purpose: Pay\n    offboarding: TBD\n    evidence: [...]\n',
      findings: [
        { ruleId: 'placeholder', line: 3, message: "'<fill me>' in 'environment' is placeholder text: an auditor reads it as a field nobody filled in." },
        { ruleId: 'owner-missing', line: 6 },
        { ruleId: 'placeholder', line: 6 },
        { ruleId: 'nhi-offboarding-missing', line: 8, message: /has a placeholder for offboarding/, fixes: ['Create an offboarding runbook for this identity', "Add NHI:NHI1 to 'controls'"] },
        { ruleId: 'placeholder', line: 8 },
        { ruleId: 'placeholder', line: 9, message: /'\.\.\.' in 'evidence'/ },
      ],
    },
  ],
});

ruleTester('nhi-offboarding-missing', {
  uri: INV,
  files: { 'runbooks/offboard.md': RUNBOOK, 'policies/access.md': POLICY },
  valid: [
    { name: 'a runbook that exists, with its anchor', text: head.replace('Revoke the role in IAM', 'runbooks/offboard.md#revoke') },
    { name: 'steps written out (prose)', text: head },
  ],
  invalid: [
    {
      name: 'a dead path',
      text: head.replace('Revoke the role in IAM', 'runbooks/gone.md'),
      findings: [{ line: 9, message: /names an offboarding runbook that does not resolve: 'runbooks\/gone.md' does not exist/ }],
    },
    {
      name: 'a policy is said at severity info, and is no coverage problem',
      text: head.replace('Revoke the role in IAM', 'policies/access.md'),
      findings: [{ line: 9, message: /is a policy, not a runbook or procedure/, data: { notRunbook: true } }],
    },
  ],
});

describe('nhi-offboarding-missing: the fix never writes a placeholder', () => {
  const text = 'kind: nhi-inventory\nidentities:\n  - id: svc-a\n    owner: a@example.com\n    purpose: Pay\n    offboarding: TODO\n';
  const cfg = () => Object.assign(defaultConfig(), { today: '2026-11-23' });
  const actions = (svc: any) => svc.codeActions({ uri: 'inventories/inv.nhi.yaml', text }, { start: { line: 5, character: 4 }, end: { line: 5, character: 20 } }).filter((a: any) => a.findings[0].ruleId === 'nhi-offboarding-missing' && !/^(Add NHI|Suppress )/.test(a.title));

  it('offers the runbooks and procedures of the workspace that speak of offboarding, by relative path', () => {
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg());
    svc.indexFile({ uri: 'runbooks/offboard-ci.md', text: '---\ntype: runbook\n---\n# Offboard a CI token\n\nRevoke the token.\n' });
    svc.indexFile({ uri: 'procedures/decommission.md', text: '---\ntype: procedure\n---\n# Decommissioning\n\nDeprovision the accounts.\n' });
    svc.indexFile({ uri: 'runbooks/rotate.md', text: '---\ntype: runbook\n---\n# Rotate keys\n\nRotate them.\n' });
    svc.indexFile({ uri: 'policies/access.md', text: POLICY });
    const got = actions(svc);
    assert.deepEqual(got.map((a: any) => a.title), ['Use the offboarding runbook ../procedures/decommission.md', 'Use the offboarding runbook ../runbooks/offboard-ci.md']);
    assert.equal(got[0].edits[0].newText, '../procedures/decommission.md');
    assert.ok(got.every((a: any) => !a.create && !/TODO|TBD/.test(a.edits[0].newText)));
  });

  it('otherwise creates a runbook for the identity next to the inventory, at a free name', () => {
    const host = mapHost({ 'offboard-svc-a.md': 'taken' });
    const svc = new IsmsService({ relativePath: (p: string) => p, files: host }, cfg());
    const [a] = actions(svc);
    assert.equal(a.title, 'Create an offboarding runbook for this identity');
    assert.equal(a.create.path, 'offboard-svc-a-2.md');
    assert.equal(a.edits[0].newText, 'offboard-svc-a-2.md');
    assert.match(a.create.text, /^---\ntitle: Offboard svc-a\ntype: runbook\n/);
    assert.match(a.create.text, /\n## Steps\n/);
    // The new runbook is a runbook the rule accepts, and it speaks of revoking.
    const out = new IsmsService({ relativePath: (p: string) => p, files: mapHost({ 'offboard-svc-a-2.md': a.create.text }) }, cfg());
    const fixed = text.replace('TODO', a.edits[0].newText);
    assert.deepEqual(out.check({ uri: 'inv.nhi.yaml', text: fixed }).filter((f: any) => f.ruleId === 'nhi-offboarding-missing'), []);
  });

  it('fix-all applies no fix that creates a file', () => {
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg());
    const findings = svc.check({ uri: 'inv.nhi.yaml', text });
    assert.ok(findings.some((f: any) => f.fixes.some((x: any) => x.create)));
    assert.ok(svc.fixAll(findings).findings.every((f: any) => f.ruleId !== 'nhi-offboarding-missing'));
  });
});

describe('coverage of test/fixtures/evidence: unresolved and stale evidence, placeholder offboarding', () => {
  it('gives each evidence item its problems', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'coverage', path.join('test', 'fixtures', 'evidence'), '--framework', 'iso27001', '--format', 'json', '--today', '2026-11-23'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const controls = report.frameworks[0].controls.filter((c: any) => c.evidence.length);
    assert.deepEqual(
      controls.map((c: any) => [c.id, c.state, c.evidence.map((i: number) => [report.sources[i].name, report.sources[i].problems])]),
      [
        ['A.5.16', 'stale', [['ci-release', ['no offboarding']]]],
        ['A.5.18', 'stale', [['ci-deploy', ['evidence unresolved']], ['Revoke CI tokens', ['evidence unresolved', 'evidence stale']]]],
        ['A.8.8', 'stale', [['ci-scan', ['evidence stale']]]],
      ],
    );
  });
});
