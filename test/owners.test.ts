/**
 * The owners registry (core/lang/owners.ts), owner-unknown and owner-inactive (rules/ownership/owner-registry.ts),
 * the identity lifecycle (rules/nhi/lifecycle.ts, nhi-field-invalid on the new keys), the service's registry API
 * (setOwners, ownerEntry, hover, completion) with its caches, and the CLI over test/fixtures/owners.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ruleTester, findingsOf } from './helpers/rule-tester';
import { server, ROOT } from './helpers/root';
import { runIsms, copyDir } from './helpers/cli';

const { readOwners, findOwner, ownerLeft, nearestOwnerIds, OWNER_KEYS } = server('core/lang/owners.js');
const { IsmsService } = server('core/service.js');
const { defaultConfig, mergeConfig } = server('core/config.js');

const REGISTRY = `owners:
  - id: alice
    name: Alice Example
    email: alice@example.com
    slack: "@alice"
    team: platform
    active: true
  - id: bob
    name: Bob Example
    email: bob@example.com
    team: payments
    active: false
    left_on: 2026-03-31
  - id: dave
    name: Dave Example
    email: dave@example.com
    active: true
    left_on: 2026-12-01
  - id: team-payments
    name: Payments team
    email: payments@example.com
`;
const REG = readOwners(REGISTRY, 'file:///ws/owners.yaml', 'owners.yaml');
const withRegistry = (cfg: any) => (cfg.ownerRegistry = REG);

const inv = (owner: string, extra = '') => `kind: nhi-inventory
identities:
  - id: svc-a
    owner: ${owner}
${extra}`;

describe('owners registry reader', () => {
  it('reads entries with their lines, and matches owners on id, email, name and Slack handle, case-insensitive', () => {
    assert.deepEqual(REG.problems, []);
    assert.deepEqual(REG.entries.map((e: any) => [e.id, e.line]), [['alice', 1], ['bob', 7], ['dave', 13], ['team-payments', 18]]);
    assert.equal(REG.name, 'owners.yaml');
    for (const v of ['alice', 'ALICE', 'Alice@Example.com', 'alice example', '@alice', 'Alice Example <alice@example.com>']) assert.equal(findOwner(REG, v)?.id, 'alice', v);
    assert.equal(findOwner(REG, 'payments'), undefined);
    assert.equal(findOwner(REG, 'payments@example.com')?.id, 'team-payments');
  });

  it('says who has left: active false, or left_on on or before today', () => {
    const bob = findOwner(REG, 'bob');
    const dave = findOwner(REG, 'dave');
    assert.equal(ownerLeft(bob, '2026-01-01'), 'inactive since 2026-03-31');
    assert.equal(ownerLeft(dave, '2026-11-30'), undefined);
    assert.equal(ownerLeft(dave, '2026-12-01'), 'left on 2026-12-01');
    assert.equal(ownerLeft(findOwner(REG, 'alice'), '2030-01-01'), undefined);
  });

  it('suggests the nearest IDs only', () => {
    assert.deepEqual(nearestOwnerIds(REG, 'bbo@example.com'), ['bob']);
    assert.deepEqual(nearestOwnerIds(REG, 'alcie'), ['alice']);
    assert.deepEqual(nearestOwnerIds(REG, 'team-paymnets'), ['team-payments']);
    assert.deepEqual(nearestOwnerIds(REG, 'zzzzzzzz'), []);
  });

  it('reports what it cannot use, and never throws', () => {
    const r = readOwners('owners:\n  - id: a\n    active: yes-ish\n    left_on: 31/03/2026\n    colour: red\n  - name: No Id\n  - id: A\n  - just a string\n', 'x');
    assert.deepEqual(r.entries.map((e: any) => e.id), ['a', 'A']);
    assert.deepEqual(
      r.problems.map((p: any) => [p.line, p.message]),
      [
        [2, "'active' must be true or false"],
        [3, "'left_on' must be a date written YYYY-MM-DD"],
        [4, 'unknown key \'colour\' (known: id, name, email, slack, team, manager, active, left_on)'],
        [5, "an owner without an 'id'"],
        [6, "the id 'A' is listed twice (first on line 2)"],
        [7, 'each owner is a mapping with id, name, email, active'],
      ],
    );
    // A manager is another entry of the registry.
    const m = readOwners('owners:\n  - id: a\n    manager: b\n  - id: b\n    manager: zed\n', 'x');
    assert.deepEqual(m.problems.map((p: any) => [p.line, p.message]), [[3, "the manager 'zed' of 'b' is not in the registry"]]);
    for (const bad of ['', 'owners: 3', '[', 'owners:\n  - id: [x', '\u0000\u0001', 'a: *b']) assert.doesNotThrow(() => readOwners(bad, 'x'));
    assert.equal(readOwners('owners: 3', 'x').problems[0].message, "the registry needs a list under 'owners:'");
  });

  it('has the keys of schemas/owners.schema.json, which package.json registers for owners.yaml', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'owners.schema.json'), 'utf8'));
    assert.deepEqual(Object.keys(schema.properties.owners.items.properties), [...OWNER_KEYS]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.ok(pkg.contributes.yamlValidation.some((v: any) => v.url === './schemas/owners.schema.json' && v.fileMatch.includes('owners.yaml')));
  });

  it('the owners key of .isms.yaml is a path; anything else is a problem', () => {
    const problems: any[] = [];
    assert.equal(mergeConfig(defaultConfig(), { owners: 'people/owners.yaml' }, problems).owners, 'people/owners.yaml');
    mergeConfig(defaultConfig(), { owners: 42 }, problems);
    mergeConfig(defaultConfig(), { owners: ['a'] }, problems);
    assert.deepEqual(problems.map((p) => p.path), ['owners', 'owners']);
    assert.match(problems[0].message, /owners must be the path of the owners registry/);
  });
});

describe('owner rules', () => {
  ruleTester(['owner-unknown', 'owner-inactive'], {
    valid: [
      // No registry: both silent.
      { text: inv('nobody@example.com'), uri: 'a.nhi.yaml' },
      { text: inv('Alice@Example.com'), uri: 'a.nhi.yaml', config: withRegistry },
      { text: inv('team-payments'), uri: 'a.nhi.yaml', config: withRegistry },
      { text: inv('TODO'), uri: 'a.nhi.yaml', config: withRegistry },
      { text: '---\ntitle: P\ntype: policy\nowner: alice@example.com\n---\n# P\n', config: withRegistry },
      // Dave leaves on 2026-12-01; the tester's today is 2026-11-23.
      { text: inv('dave'), uri: 'a.nhi.yaml', config: withRegistry },
      // The joiner, mover and leaver records are history: someone who has since left is still a true record.
      {
        text: inv('alice', '    approved_by: bob\n    revoked_by: Bob Example\n    previous_owners:\n      - { owner: bob, until: 2026-03-31 }\n      - owner: bob@example.com\n        until: 2025-01-01\n'),
        uri: 'a.nhi.yaml',
        config: withRegistry,
      },
      // A revoked identity has no current owner to answer for it: an owner who left is no finding.
      { text: inv('bob', '    status: revoked\n    revoked_on: 2026-04-01\n'), uri: 'a.nhi.yaml', config: withRegistry },
      // Document approvers, under each spelling; a retired document's approver who left.
      { text: '---\ntitle: P\ntype: policy\nowner: alice\napprover: team-payments\n---\n# P\n', config: withRegistry },
      { text: '---\ntitle: P\ntype: policy\nowner: alice\napproved_by: [alice, payments@example.com]\n---\n# P\n', config: withRegistry },
      { text: '---\ntitle: P\ntype: policy\nstatus: retired\nowner: alice\napprover: bob\n---\n# P\n', config: withRegistry },
      { text: '---\ntitle: P\ntype: policy\nowner: alice\napprover: TBD\n---\n# P\n', config: withRegistry },
    ],
    invalid: [
      {
        name: 'an unknown owner, with the nearest registry ID as its fix',
        text: inv('bbo@example.com'),
        uri: 'a.nhi.yaml',
        config: withRegistry,
        findings: [{ ruleId: 'owner-unknown', line: 4, column: 12, message: /^The owner 'bbo@example.com' of identity 'svc-a' is not in the owners registry \(owners.yaml\) \(did you mean 'bob'\?\)/, data: { identity: 'svc-a', owner: 'bbo@example.com', suggestions: ['bob'] } }],
        output: inv('bob'),
        after: ['owner-inactive'],
      },
      {
        name: 'an owner who left',
        text: inv('Bob Example'),
        uri: 'a.nhi.yaml',
        config: withRegistry,
        findings: [{ ruleId: 'owner-inactive', line: 4, message: /has left \(inactive since 2026-03-31 in owners.yaml\): the identity is orphaned.*NHI1:2025 Improper Offboarding; ISO 27001 A.5.11, A.5.18/ }],
        output: null,
      },
      {
        name: 'left_on on or before today',
        text: inv('dave'),
        uri: 'a.nhi.yaml',
        config: (cfg: any) => {
          withRegistry(cfg);
          cfg.today = '2026-12-01';
        },
        findings: [{ ruleId: 'owner-inactive', message: /left on 2026-12-01/ }],
        output: null,
      },
      {
        name: 'each owner of a list; an inherited owner is reported at the identity',
        text: 'kind: nhi-inventory\ndefaults:\n  owner: bob\nidentities:\n  - id: svc-a\n    owner: [alice, carol]\n  - id: svc-b\n',
        uri: 'a.nhi.yaml',
        config: withRegistry,
        findings: [
          { ruleId: 'owner-unknown', line: 6, column: 20, message: /'carol'/ },
          { ruleId: 'owner-inactive', line: 7, message: /The owner 'bob' \(inherited from defaults\) of identity 'svc-b'/ },
        ],
        output: null,
      },
      {
        name: 'a document owner',
        text: '---\ntitle: P\ntype: policy\nowner: alcie\n---\n# P\n',
        config: withRegistry,
        findings: [{ ruleId: 'owner-unknown', line: 4, column: 8, message: /^The owner 'alcie' of this policy is not in the owners registry/ }],
        output: '---\ntitle: P\ntype: policy\nowner: alice\n---\n# P\n',
      },
      {
        name: 'the joiner, leaver and mover records: unknown people only',
        text: inv('alice', '    approved_by: carol\n    revoked_by: alcie\n    previous_owners:\n      - { owner: bbo, until: 2026-03-31 }\n      - owner: zed\n        until: 2025-01-01\n'),
        uri: 'a.nhi.yaml',
        config: withRegistry,
        findings: [
          { ruleId: 'owner-unknown', line: 5, column: 18, message: /^The approver \(approved_by\) 'carol' of identity 'svc-a' is not in the owners registry \(owners.yaml\): the joiner record names nobody/, data: { field: 'approved_by', owner: 'carol' } },
          { ruleId: 'owner-unknown', line: 6, column: 17, message: /^The revoker \(revoked_by\) 'alcie' .*\(did you mean 'alice'\?\): the leaver record/, data: { field: 'revoked_by' } },
          { ruleId: 'owner-unknown', line: 8, column: 18, message: /^The previous owner 'bbo' .*\(did you mean 'bob'\?\): the mover record/, data: { field: 'previous_owners' } },
          { ruleId: 'owner-unknown', line: 9, column: 16, message: /^The previous owner 'zed'/ },
        ],
        output: inv('alice', '    approved_by: carol\n    revoked_by: alice\n    previous_owners:\n      - { owner: bob, until: 2026-03-31 }\n      - owner: zed\n        until: 2025-01-01\n'),
        after: ['owner-unknown', 'owner-unknown'],
      },
      {
        name: 'a document approver who left: the approval stands, the next review needs a new approver',
        text: '---\ntitle: P\ntype: policy\nowner: alice\napprover: Bob Example\n---\n# P\n',
        config: withRegistry,
        findings: [{ ruleId: 'owner-inactive', line: 5, column: 11, message: /^The approver 'Bob Example' of this policy has left \(inactive since 2026-03-31 in owners.yaml\): the approval given stands/, data: { field: 'approver', ownerId: 'bob' } }],
        output: null,
      },
      {
        name: 'a document owner and approver under their aliases',
        text: '---\ntitle: P\ntype: policy\nmaintainers: [alice, carol]\napproved_by: alcie\n---\n# P\n',
        config: withRegistry,
        findings: [
          { ruleId: 'owner-unknown', line: 4, column: 22, message: /^The owner 'carol' of this policy/ },
          { ruleId: 'owner-unknown', line: 5, column: 14, message: /^The approver 'alcie' of this policy is not in the owners registry \(owners.yaml\) \(did you mean 'alice'\?\): an approval nobody can trace/ },
        ],
        output: '---\ntitle: P\ntype: policy\nmaintainers: [alice, carol]\napproved_by: alice\n---\n# P\n',
        after: ['owner-unknown'],
      },
    ],
  });
});

describe('identity lifecycle', () => {
  const LEGACY = `kind: nhi-inventory
identities:
  - id: key-legacy
    type: api-key
    credential: api-key
    last_rotated: 2020-01-01
    last_used: 2020-01-01
    rotation: P90D
    status: revoked
`;
  ruleTester(['nhi-revocation-undated', 'nhi-revoked-in-use', 'nhi-rotation-overdue', 'nhi-stale', 'nhi-field-invalid'], {
    valid: [
      { text: LEGACY + '    revoked_on: 2026-04-02\n    revoked_by: carol\n    created: 2020-01-01\n    approved_by: carol\n    previous_owners:\n      - { owner: bob, until: 2026-03-31 }\n', uri: 'a.nhi.yaml' },
      { text: 'kind: nhi-inventory\nidentities:\n  - id: svc-a\n    status: disabled\n  - id: svc-b\n    status: active\n    used_by: [svc-a]\n', uri: 'a.nhi.yaml' },
      // A revoked identity may name another revoked one.
      { text: 'kind: nhi-inventory\nidentities:\n  - id: a\n    status: revoked\n    revoked_on: 2026-01-01\n  - id: b\n    status: decommissioned\n    revoked_on: 2026-01-01\n    used_by: [a]\n', uri: 'a.nhi.yaml' },
    ],
    invalid: [
      {
        name: 'a revoked identity without revoked_on (rotation and staleness no longer apply)',
        text: LEGACY,
        uri: 'a.nhi.yaml',
        findings: [{ ruleId: 'nhi-revocation-undated', line: 9, message: /^Identity 'key-legacy' is revoked but has no revoked_on/ }],
        output: LEGACY + '    revoked_on: TODO\n',
        after: ['nhi-revocation-undated', 'nhi-field-invalid'],
      },
      {
        name: 'revoked_on on an identity that says nothing of its status',
        text: 'kind: nhi-inventory\nidentities:\n  - id: a\n    revoked_on: 2026-01-01\n',
        uri: 'a.nhi.yaml',
        findings: [{ ruleId: 'nhi-revocation-undated', line: 4, message: /status is not set/ }],
        output: 'kind: nhi-inventory\nidentities:\n  - id: a\n    revoked_on: 2026-01-01\n    status: revoked\n',
      },
      {
        name: 'a revoked identity in the used_by of an active one',
        text: 'kind: nhi-inventory\nidentities:\n  - id: key-old\n    status: revoked\n    revoked_on: 2026-01-01\n  - id: svc-b\n    used_by: [Key-Old, batch]\n',
        uri: 'a.nhi.yaml',
        findings: [{ ruleId: 'nhi-revoked-in-use', line: 6, message: /^Identity 'svc-b' is used by 'Key-Old', which is revoked \(line 3\)/, data: { identity: 'svc-b', revoked: 'Key-Old', revokedLine: 2 } }],
        output: null,
      },
      {
        name: 'lifecycle values judged by nhi-field-invalid',
        text: 'kind: nhi-inventory\nidentities:\n  - id: a\n    status: revokd\n    created: yesterday\n    previous_owners:\n      - bob\n      - { owner: carol }\n      - { owner: dave, until: 2027-01-01 }\n',
        uri: 'a.nhi.yaml',
        findings: [
          { ruleId: 'nhi-field-invalid', line: 4, message: /'revokd' is not a status value \(did you mean 'revoked'\?\)/ },
          { ruleId: 'nhi-field-invalid', line: 5, message: /'created' must be a date/ },
          { ruleId: 'nhi-field-invalid', line: 7, message: /each entry is a mapping \{owner, until\}/ },
          { ruleId: 'nhi-field-invalid', line: 8, message: /'until' must be a date/ },
          { ruleId: 'nhi-field-invalid', line: 9, message: /'until' 2027-01-01 is after today/ },
        ],
        output: 'kind: nhi-inventory\nidentities:\n  - id: a\n    status: revoked\n    created: yesterday\n    previous_owners:\n      - bob\n      - { owner: carol }\n      - { owner: dave, until: 2027-01-01 }\n',
        after: ['nhi-revocation-undated', 'nhi-field-invalid', 'nhi-field-invalid', 'nhi-field-invalid', 'nhi-field-invalid'],
      },
    ],
  });

  it('an active identity past its rotation and staleness is still reported (the lifecycle only exempts the retired)', () => {
    const ids = findingsOf(['nhi-rotation-overdue', 'nhi-stale'], LEGACY.replace('status: revoked', 'status: active'), { uri: 'a.nhi.yaml' }).map((f) => f.ruleId);
    assert.deepEqual(ids.sort(), ['nhi-rotation-overdue', 'nhi-stale']);
  });
});

describe('the service and the registry', () => {
  const cfg = () => Object.assign(defaultConfig(), { today: '2026-11-23' });
  const ids = (svc: any, file: any) => svc.check(file).map((f: any) => f.ruleId).filter((r: string) => r.startsWith('owner-u') || r.startsWith('owner-i'));

  it('setOwners re-checks what the registry changes, and only when its text changed (the chunk caches are keyed on it)', () => {
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg());
    const file = { uri: 'file:///ws/a.nhi.yaml', text: inv('carol') + '  - id: svc-b\n    owner: bob\n' };
    assert.deepEqual(ids(svc, file), []);
    assert.equal(svc.setOwners(REG), true);
    assert.deepEqual(ids(svc, file), ['owner-unknown', 'owner-inactive']);
    assert.equal(svc.setOwners(readOwners(REGISTRY, 'file:///ws/owners.yaml', 'owners.yaml')), false, 'same text: nothing changes');
    const more = readOwners(REGISTRY + '  - id: carol\n    name: Carol\n    active: true\n', 'file:///ws/owners.yaml', 'owners.yaml');
    assert.equal(svc.setOwners(more), true);
    assert.deepEqual(ids(svc, file), ['owner-inactive']);
    // An edit after that: the chunks cached under the new registry, and the same findings as a fresh service.
    const edited = { ...file, text: file.text.replace('owner: carol', 'owner: caroll') };
    const fresh = new IsmsService({ relativePath: (u: string) => u }, Object.assign(cfg(), { ownerRegistry: more }));
    assert.deepEqual(ids(svc, edited), ids(fresh, edited));
    assert.deepEqual(ids(svc, edited), ['owner-unknown', 'owner-inactive']);
    // setConfig keeps the registry; setOwners(undefined) removes it.
    svc.setConfig(cfg());
    assert.deepEqual(ids(svc, edited), ['owner-unknown', 'owner-inactive']);
    svc.setOwners(undefined);
    assert.deepEqual(ids(svc, edited), []);
  });

  it('ownerEntry, hover on an owner value and completion from the registry', () => {
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg());
    svc.setOwners(REG);
    assert.deepEqual(svc.ownerEntry('ALICE@example.com') && { uri: svc.ownerEntry('ALICE@example.com').uri, line: svc.ownerEntry('ALICE@example.com').line }, { uri: 'file:///ws/owners.yaml', line: 1 });
    assert.equal(svc.ownerEntry('nobody'), undefined);
    svc.indexFile({ uri: 'file:///ws/b.nhi.yaml', text: inv('alice') });
    svc.indexFile({ uri: 'file:///ws/p.md', text: '---\ntitle: P\ntype: policy\nowner: alice@example.com\n---\n# P\n' });
    const file = { uri: 'file:///ws/a.nhi.yaml', text: inv('alice') + '  - id: svc-b\n    owner: bob\n' };
    const h = svc.hover(file, { line: 3, character: 14 });
    assert.deepEqual(h.range, { start: { line: 3, character: 11 }, end: { line: 3, character: 16 } });
    assert.match(h.contents, /^\*\*Alice Example\*\* \(`alice`\)\n\nTeam: platform · E-mail: alice@example\.com · Slack: @alice\n\nOwners registry: owners\.yaml:2\n\nNamed as owner in 2 inventories and 1 document of the workspace\./);
    assert.match(svc.hover(file, { line: 5, character: 12 }).contents, /^\*\*Bob Example\*\* \(`bob`\) — \*\*inactive since 2026-03-31\*\*/);
    assert.match(svc.hover(file, { line: 3, character: 4 }).contents, /^\*\*owner\*\*/, 'on the key: the key documentation');
    const blank = { uri: 'file:///ws/a.nhi.yaml', text: 'kind: nhi-inventory\nidentities:\n  - id: svc-a\n    owner: \n' };
    const items = svc.complete(blank, { line: 3, character: 11 }).map((i: any) => [i.label, i.detail]);
    assert.deepEqual(items.slice(0, 3), [['alice', 'Alice Example · platform · alice@example.com'], ['dave', 'Dave Example · dave@example.com'], ['team-payments', 'Payments team · payments@example.com']]);
    assert.ok(!items.some(([l]: string[]) => l === 'bob'), 'who has left is not offered');
    assert.ok(items.some(([l, d]: string[]) => l === 'alice@example.com' && d === 'owner used in this workspace'));
  });

  it('hover and completion on the other person fields: approved_by, revoked_by, previous_owners, a document approver', () => {
    const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, cfg());
    svc.setOwners(REG);
    const file = { uri: 'file:///ws/a.nhi.yaml', text: inv('alice', '    approved_by: dave\n    previous_owners:\n      - { owner: bob, until: 2026-03-31 }\n      - owner: team-payments\n') };
    assert.match(svc.hover(file, { line: 4, character: 19 }).contents, /^\*\*Dave Example\*\*/);
    const flow = svc.hover(file, { line: 6, character: 17 });
    assert.match(flow.contents, /^\*\*Bob Example\*\* \(`bob`\) — \*\*inactive since 2026-03-31\*\*/);
    assert.deepEqual(flow.range, { start: { line: 6, character: 17 }, end: { line: 6, character: 20 } });
    assert.ok(!/Example/.test(svc.hover(file, { line: 6, character: 30 })?.contents ?? ''), "'until' is no name");
    assert.match(svc.hover(file, { line: 7, character: 18 }).contents, /^\*\*Payments team\*\*/);
    const doc = { uri: 'file:///ws/p.md', text: '---\ntitle: P\ntype: policy\nowner: alice\napprovers: [dave, zed]\n---\n# P\n' };
    assert.match(svc.hover(doc, { line: 4, character: 13 }).contents, /^\*\*Dave Example\*\*/);
    assert.match(svc.hover(doc, { line: 4, character: 19 }).contents, /^\*\*zed\*\* is not in the owners registry/);
    // Completion of a previous owner: the registry's active people, as for `owner`.
    const blank = { uri: 'file:///ws/a.nhi.yaml', text: inv('alice', '    previous_owners:\n      - owner: \n') };
    const items = svc.complete(blank, { line: 5, character: 15 }).map((i: any) => i.label);
    assert.deepEqual(items.slice(0, 3), ['alice', 'dave', 'team-payments']);
    const keys = svc.complete({ ...blank, text: inv('alice', '    previous_owners:\n      - \n') }, { line: 5, character: 8 }).map((i: any) => i.label);
    assert.deepEqual(keys.slice().sort(), ['owner', 'until']);
  });
});

describe('isms check with an owners registry (CLI)', () => {
  it('reports owner-unknown, owner-inactive and the lifecycle rules over test/fixtures/owners', () => {
    const r = runIsms(ROOT, ['check', 'test/fixtures/owners', '--today', '2026-06-01', '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const got = out.files.flatMap((f: any) => f.findings.map((x: any) => `${path.basename(f.path)}:${x.range.start.line + 1} ${x.ruleId}`));
    for (const want of ['identities.nhi.yaml:17 owner-unknown', 'identities.nhi.yaml:26 owner-inactive', 'identities.nhi.yaml:35 owner-inactive', 'identities.nhi.yaml:69 nhi-revocation-undated', 'identities.nhi.yaml:71 nhi-revoked-in-use']) assert.ok(got.includes(want), `${want} in ${got.join(', ')}`);
    assert.ok(!got.some((g: string) => /access-control\.md.*owner-/.test(g)), 'Alice@Example.com is alice');
    assert.ok(!got.some((g: string) => /nhi-stale|nhi-rotation/.test(g)), 'the revoked identities are not stale or due for rotation');
  });

  it('a registry that is configured but missing, or an owners key that is no path, is exit 2; problems of the registry are warnings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-owners-'));
    try {
      copyDir(path.join(ROOT, 'test', 'fixtures', 'owners'), dir);
      fs.writeFileSync(path.join(dir, '.isms.yaml'), 'owners: people/owners.yaml\n');
      let r = runIsms(dir, ['check', '.', '--today', '2026-06-01']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /isms: owners: the owners registry people\/owners\.yaml cannot be read \(ENOENT\)/);
      fs.writeFileSync(path.join(dir, '.isms.yaml'), 'owners: 42\n');
      r = runIsms(dir, ['check', '.', '--today', '2026-06-01']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /\.isms\.yaml:1:9: error owners must be the path of the owners registry/);
      // No `owners:` and no owners.yaml: no registry, no owner-* findings.
      fs.writeFileSync(path.join(dir, '.isms.yaml'), '{}\n');
      fs.rmSync(path.join(dir, 'owners.yaml'));
      r = runIsms(dir, ['check', '.', '--today', '2026-06-01']);
      assert.doesNotMatch(r.stdout, /owner-unknown|owner-inactive/);
      fs.writeFileSync(path.join(dir, 'owners.yaml'), 'owners:\n  - id: alice\n    active: maybe\n');
      r = runIsms(dir, ['check', '.', '--today', '2026-06-01']);
      assert.match(r.stderr, /isms: owners\.yaml:3: owners registry: 'active' must be true or false/);
      assert.match(r.stdout, /owner-unknown/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the editor on owners.yaml (the service)', () => {
  const svc = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, Object.assign(defaultConfig(), { today: '2026-11-23' }));
  const uri = 'file:///ws/owners.yaml';
  const at = (text: string, marker: string) => {
    const i = text.indexOf(marker);
    const before = text.slice(0, i).split('\n');
    return { text: text.replace(marker, ''), pos: { line: before.length - 1, character: before[before.length - 1].length } };
  };

  it('is the file owners: of .isms.yaml names, else owners.yaml at the root', () => {
    assert.equal(svc.isOwnersRegistry(uri), true);
    assert.equal(svc.isOwnersRegistry('file:///ws/people/owners.yaml'), false);
    const other = new IsmsService({ relativePath: (u: string) => u.replace('file:///ws/', '') }, Object.assign(defaultConfig(), { owners: 'people/registry.yaml' }));
    assert.equal(other.isOwnersRegistry('file:///ws/people/registry.yaml'), true);
    assert.equal(other.isOwnersRegistry(uri), false);
  });

  it('completes the keys an entry lacks, manager ids and active; hovers a key with its meaning', () => {
    const k = at(REGISTRY + '  - id: carol\n    |\n', '|');
    const keys = svc.complete({ uri, text: k.text }, k.pos).map((c: any) => c.label);
    assert.deepEqual(keys, ['name', 'email', 'slack', 'team', 'manager', 'active', 'left_on']);
    const m = at(REGISTRY + '  - id: carol\n    manager: |\n', '|');
    assert.deepEqual(svc.complete({ uri, text: m.text }, m.pos).map((c: any) => c.label), ['alice', 'bob', 'dave', 'team-payments', 'carol']);
    const a = at(REGISTRY + '  - id: carol\n    active: |\n', '|');
    assert.deepEqual(svc.complete({ uri, text: a.text }, a.pos).map((c: any) => c.label), ['true', 'false']);
    const top = at('|' + REGISTRY, '|');
    assert.deepEqual(svc.complete({ uri, text: top.text }, top.pos), [], 'nothing at the top level');
    const h = svc.hover({ uri, text: REGISTRY }, { line: 12, character: 6 });
    assert.match(h.contents, /\*\*left_on\*\*.*\n\nThe day the person left/);
    assert.equal(svc.hover({ uri, text: REGISTRY }, { line: 12, character: 20 }), undefined, 'not on a value');
  });

  it('reports what the registry cannot use, on its line, as isms check prints it', () => {
    const text = REGISTRY + '  - id: carol\n    active: maybe\n    manager: erin\n';
    const d = svc.ownersProblems({ uri, text });
    const lines = text.split('\n');
    assert.deepEqual(d.map((x: any) => [lines[x.range.start.line].trim(), x.severity]), [['active: maybe', 'warning'], ['- id: carol', 'warning']]); // (a manager naming nobody: on its entry, as the CLI says)
    assert.ok(d.every((x: any) => /^Owners registry: /.test(x.message)), d.map((x: any) => x.message).join('; '));
    assert.deepEqual(svc.ownersProblems({ uri, text: REGISTRY }), []);
  });
});

describe('the language server and the owners registry', function () {
  this.timeout(30000);
  it('publishes the problems of an open owners.yaml, and completes its keys', async () => {
    const { LspClient } = require('./helpers/lsp-client');
    const { pathToFileURL } = require('node:url');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-owners-edit-'));
    const client = new LspClient();
    try {
      fs.writeFileSync(path.join(dir, 'owners.yaml'), REGISTRY);
      await client.start(dir, { today: '2026-11-23' });
      const uri = pathToFileURL(path.join(dir, 'owners.yaml')).href;
      const d = await client.open(uri, 'yaml', REGISTRY + '  - id: carol\n    active: maybe\n');
      assert.deepEqual(d.diagnostics.map((x: any) => [x.range.start.line, x.source]), [[REGISTRY.split('\n').length, 'isms']]);
      const items = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: REGISTRY.split('\n').length, character: 4 } });
      assert.ok((items.items ?? items).some((c: any) => c.label === 'left_on'));
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads owners.yaml at start, checks owners against it, and again when it changes on disk', async () => {
    const { LspClient } = require('./helpers/lsp-client');
    const { pathToFileURL } = require('node:url');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-owners-lsp-'));
    const client = new LspClient();
    try {
      fs.writeFileSync(path.join(dir, 'owners.yaml'), REGISTRY);
      await client.start(dir, { today: '2026-11-23' });
      const uri = pathToFileURL(path.join(dir, 'a.nhi.yaml')).href;
      const codes = (d: any) => d.diagnostics.map((x: any) => x.code).filter((c: string) => /^owner-(unknown|inactive)$/.test(c));
      const first = await client.open(uri, 'yaml', inv('carol') + '  - id: svc-b\n    owner: bob\n');
      assert.deepEqual(codes(first), ['owner-unknown', 'owner-inactive']);
      const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 12 } });
      assert.match(h.contents.value ?? h.contents, /Bob Example.*inactive since 2026-03-31/);
      // Go to definition on an owner: its entry in the registry.
      const def = await client.request('textDocument/definition', { textDocument: { uri }, position: { line: 5, character: 12 } });
      assert.deepEqual(def, { uri: pathToFileURL(path.join(dir, 'owners.yaml')).href, range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } } });
      fs.writeFileSync(path.join(dir, 'owners.yaml'), REGISTRY + '  - id: carol\n    name: Carol\n');
      const again = client.diagnostics(uri);
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'owners.yaml')).href, type: 2 }] });
      // (The walk's end may publish once more before the change is read: wait for the publish after it.)
      let d = await again;
      for (let i = 0; i < 20 && codes(d).join() !== 'owner-inactive'; i++) d = await client.diagnostics(uri);
      assert.deepEqual(codes(d), ['owner-inactive']);
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
