/** Cross-file facts: identity IDs unique across the workspace, owners offered from other files. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');

const inv = (...ids: string[]) =>
  'kind: nhi-inventory\nidentities:\n' + ids.map((id) => `  - id: ${id}\n    owner: team-${id}@bank.example\n`).join('');

function svc() {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  return new IsmsService({ relativePath: (p: string) => p }, cfg);
}
const dups = (fs: any[]) => fs.filter((f) => f.ruleId === 'nhi-id-duplicate').map((f) => [f.range.start.line, f.message.match(/also used in ([^:]+:\d+)/)?.[1]]);

describe('workspace index', () => {
  it('flags an identity ID declared in another inventory, open or only indexed', () => {
    const s = svc();
    s.check({ uri: 'a.nhi.yaml', text: inv('svc-1', 'svc-2') });
    s.indexFile({ uri: 'c.nhi.yaml', text: inv('svc-9', 'svc-3') });
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text: inv('svc-3', 'svc-2', 'svc-4') })), [
      [2, 'c.nhi.yaml:5'],
      [4, 'a.nhi.yaml:5'],
    ]);
  });

  it('forgets a file that left the workspace and reports when IDs changed', () => {
    const s = svc();
    assert.equal(s.indexFile({ uri: 'c.nhi.yaml', text: inv('svc-3') }), true);
    assert.equal(s.indexFile({ uri: 'c.nhi.yaml', text: inv('svc-3') + '# comment\n' }), false);
    assert.equal(dups(s.check({ uri: 'b.nhi.yaml', text: inv('svc-3') })).length, 1);
    assert.equal(s.unindexFile('c.nhi.yaml'), true);
    s.forget('b.nhi.yaml');
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text: inv('svc-3') })), []);
  });

  it('keeps cross-file findings current while they are reused between keystrokes', () => {
    const s = svc();
    s.indexFile({ uri: 'c.nhi.yaml', text: inv('svc-3') });
    let text = inv('svc-1', 'svc-3');
    const typed = () => (text = text.replace('team-svc-1@', 'team-svc-1x@')); // a keystroke in the first identity
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text })), [[4, 'c.nhi.yaml:3']]);
    const first = s.check({ uri: 'b.nhi.yaml', text: typed() }).find((f: any) => f.ruleId === 'nhi-id-duplicate');
    assert.equal(s.check({ uri: 'b.nhi.yaml', text: typed() }).find((f: any) => f.ruleId === 'nhi-id-duplicate'), first, 'reused while nothing else changed');
    // the other file moves its declaration, then drops it, then another file declares svc-1
    s.indexFile({ uri: 'c.nhi.yaml', text: '# moved\n' + inv('svc-3') });
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text: typed() })), [[4, 'c.nhi.yaml:4']]);
    s.indexFile({ uri: 'c.nhi.yaml', text: inv('svc-4') });
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text: typed() })), []);
    s.indexFile({ uri: 'd.nhi.yaml', text: inv('svc-1') });
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text: typed() })), [[2, 'd.nhi.yaml:3']]);
    // a line added above moves this file's finding; the other file's facts are unchanged
    text = '# top\n' + text;
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text })), [[3, 'd.nhi.yaml:3']]);
    s.unindexFile('d.nhi.yaml');
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text: typed() })), []);
  });

  it('does not index IDs of files that are not inventories', () => {
    const s = svc();
    s.indexFile({ uri: 'notes.yaml', text: 'id: svc-3\n' });
    assert.deepEqual(dups(s.check({ uri: 'b.nhi.yaml', text: inv('svc-3') })), []);
  });

  it('the CLI reports duplicates across files whatever the order it reads them in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-ws-'));
    fs.writeFileSync(path.join(dir, 'a.nhi.yaml'), inv('svc-1', 'svc-2'));
    fs.writeFileSync(path.join(dir, 'z.nhi.yaml'), inv('svc-2'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', dir, '--format', 'json', '--today', '2026-11-23'], { encoding: 'utf8' });
    const j = JSON.parse(r.stdout);
    const by = Object.fromEntries(j.files.map((f: any) => [path.basename(f.path), dups(f.findings)]));
    assert.deepEqual(by, { 'a.nhi.yaml': [[4, 'z.nhi.yaml:3']], 'z.nhi.yaml': [[2, 'a.nhi.yaml:5']] });
  });
});

describe('nhi-revoked-in-use across inventories', () => {
  const legacy = (status: string, extra = '') => `kind: nhi-inventory\nidentities:\n  - id: svc-other\n    owner: a@bank.example\n  - id: Svc-Legacy\n    owner: a@bank.example\n    status: ${status}\n    revoked_on: 2026-04-02\n${extra}`;
  const user = (used: string, extra = '') => `kind: nhi-inventory\nidentities:\n  - id: api-reports\n    owner: b@bank.example\n    used_by: [${used}]\n${extra}`;
  const revoked = (fs: any[]) => fs.filter((f) => f.ruleId === 'nhi-revoked-in-use').map((f) => [f.range.start.line, f.severity, f.message.match(/which is revoked (?:in|\()([^:)]+:?\d*)/)?.[1]?.trim()]);

  it('reports an active identity using one revoked in another inventory, open or only indexed, with its file and line', () => {
    const s = svc();
    s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('revoked') });
    const f = s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy, svc-other') }).filter((x: any) => x.ruleId === 'nhi-revoked-in-use');
    assert.deepEqual(revoked(f), [[2, 'error', 'legacy.nhi.yaml:5']]);
    assert.match(f[0].message, /^Identity 'api-reports' is used by 'svc-legacy', which is revoked in legacy\.nhi\.yaml:5: .*NHI1:2025 Improper Offboarding/);
    assert.deepEqual(f[0].data, { identity: 'api-reports', revoked: 'svc-legacy', elsewhere: [{ path: 'legacy.nhi.yaml', line: 4 }] });
    // decommissioned too; the analysed facts of an open file as well as the scan of an indexed one
    const s2 = svc();
    s2.check({ uri: 'legacy.nhi.yaml', text: legacy('decommissioned') });
    assert.deepEqual(revoked(s2.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy') })), [[2, 'error', 'legacy.nhi.yaml:5']]);
  });

  it('is silent when the identity is active, declared in this inventory, active in some other file, or the user is itself retired', () => {
    const s = svc();
    s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('active') });
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy') })), []);
    s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('revoked') });
    // declared here (active): a duplicate, not a revoked identity in use
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy', '  - id: svc-legacy\n    owner: b@bank.example\n') })), []);
    // the user revoked itself
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy', '').replace('used_by', 'status: revoked\n    revoked_on: 2026-05-01\n    used_by') })), []);
    // active in a third file
    s.indexFile({ uri: 'other.nhi.yaml', text: inv('svc-legacy') });
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy') })), []);
    s.unindexFile('other.nhi.yaml');
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy') })), [[2, 'error', 'legacy.nhi.yaml:5']]);
    // status nested deeper than the identity's own keys, or in a flow identity of a file only scanned: not retired
    s.indexFile({ uri: 'legacy.nhi.yaml', text: 'kind: nhi-inventory\nidentities:\n  - id: svc-legacy\n    meta:\n      status: revoked\n' });
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy') })), []);
    s.indexFile({ uri: 'legacy.nhi.yaml', text: 'kind: nhi-inventory\nidentities: [{id: svc-legacy, status: revoked}]\n' });
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy') })), []);
    // off
    s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('revoked') });
    const off = defaultConfig();
    off.today = '2026-11-23';
    off.rules['nhi-revoked-in-use'] = 'off';
    s.setConfig(off);
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: user('svc-legacy') })), []);
  });

  it('follows the other file between keystrokes: revoked, restored, moved, removed', () => {
    const s = svc();
    let text = user('svc-legacy');
    const typed = () => (text = text.replace('b@bank', 'bb@bank'));
    s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('active') });
    assert.equal(s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('revoked') }), true, 'a status change is a change of the IDs other files see');
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: typed() })), [[2, 'error', 'legacy.nhi.yaml:5']]);
    s.indexFile({ uri: 'legacy.nhi.yaml', text: '# moved\n' + legacy('revoked') });
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: typed() })), [[2, 'error', 'legacy.nhi.yaml:6']]);
    s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('active') });
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: typed() })), []);
    s.indexFile({ uri: 'legacy.nhi.yaml', text: legacy('revoked') });
    s.unindexFile('legacy.nhi.yaml');
    assert.deepEqual(revoked(s.check({ uri: 'pay.nhi.yaml', text: typed() })), []);
  });

  it('the CLI reports it across files, as the editor does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-ws-'));
    fs.writeFileSync(path.join(dir, 'legacy.nhi.yaml'), legacy('revoked'));
    fs.writeFileSync(path.join(dir, 'pay.nhi.yaml'), user('svc-legacy'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', dir, '--format', 'json', '--today', '2026-11-23'], { encoding: 'utf8' });
    const j = JSON.parse(r.stdout);
    const by = Object.fromEntries(j.files.map((f: any) => [path.basename(f.path), revoked(f.findings).map(([l, , w]: any[]) => [l, w])]));
    assert.deepEqual(by, { 'legacy.nhi.yaml': [], 'pay.nhi.yaml': [[2, 'legacy.nhi.yaml:5']] });
  });
});
