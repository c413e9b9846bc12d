/** Cross-file facts: identity IDs unique across the workspace, owners offered from other files. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { WorkspaceIndex } = server('core/workspace-index.js');

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

/**
 * What the index answered when it kept a Map of files per ID (exact and lower-cased): each file's first declaration of
 * an ID, files in the order they were (last) recorded. The index keeps one entry per ID now; its answers must not change.
 */
class ReferenceIndex {
  readonly files = new Map<string, { id: string; line: number; retired?: true }[]>();
  set(uri: string, ids: { id: string; line: number; retired?: true }[]): void {
    const old = this.files.get(uri);
    const same = old && old.length === ids.length && old.every((x, i) => x.id === ids[i].id && !!x.retired === !!ids[i].retired);
    if (same) this.files.set(uri, ids); // (moved lines: the file keeps its place in the order)
    else {
      this.files.delete(uri);
      if (ids.length) this.files.set(uri, ids);
    }
  }
  delete(uri: string): void {
    this.files.delete(uri);
  }
  elsewhere(id: string, uri: string) {
    const out: { uri: string; line: number }[] = [];
    for (const [u, ids] of this.files) {
      const d = ids.find((x) => x.id === id);
      if (d && u !== uri) out.push({ uri: u, line: d.line });
    }
    return out;
  }
  retiredElsewhere(id: string, uri: string) {
    const out: { uri: string; line: number }[] = [];
    for (const [u, ids] of this.files) {
      const d = ids.find((x) => x.id.toLowerCase() === id.toLowerCase());
      if (!d || u === uri) continue;
      if (!d.retired) return [];
      out.push({ uri: u, line: d.line });
    }
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.line - b.line));
  }
  hasId(id: string): boolean {
    return [...this.files.values()].some((ids) => ids.some((x) => x.id === id));
  }
}

describe('workspace index: identity IDs', () => {
  it('answers as a map of files per ID does, through random changes, moves and removals of files', () => {
    let seed = 5;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const names = ['svc-a', 'SVC-A', 'svc-b', 'svc-c', 'Svc-B', 'svc-d'];
    const uris = ['file:///a.yaml', 'file:///b.yaml', 'file:///c.yaml', 'file:///d.yaml'];
    const index = new WorkspaceIndex();
    const ref = new ReferenceIndex();
    const current = new Map<string, { id: string; line: number; retired?: true }[]>();
    for (let step = 0; step < 3000; step++) {
      const uri = uris[Math.floor(r() * uris.length)];
      const was = current.get(uri);
      const kind = r();
      let ids: { id: string; line: number; retired?: true }[] | undefined;
      if (kind < 0.1) ids = undefined; // the file leaves the workspace
      else if (kind < 0.45 && was?.length) {
        // A line break or its removal: the same IDs, some on other lines.
        const at = Math.floor(r() * 40);
        const dl = r() < 0.5 ? 1 : -1;
        ids = was.map((x) => (x.line > at ? { ...x, line: x.line + dl } : x));
      } else {
        let line = 0;
        ids = Array.from({ length: Math.floor(r() * 5) }, () => ({ id: names[Math.floor(r() * names.length)], line: (line += 1 + Math.floor(r() * 4)), ...(r() < 0.3 ? { retired: true as const } : {}) }));
      }
      if (ids) {
        index.set(uri, { owners: [], ids });
        ref.set(uri, ids);
        current.set(uri, ids);
      } else {
        index.delete(uri);
        ref.delete(uri);
        current.delete(uri);
      }
      // (The service's shortcuts: no other file declares an ID, no file a retired one.)
      assert.equal(index.hasRetired, [...ref.files.values()].some((ids) => ids.some((x) => x.retired)), `step ${step}: hasRetired`);
      for (const u of [...uris, 'file:///other.yaml']) assert.equal(index.idsElsewhere(u), [...ref.files].some(([f, ids]) => f !== u && ids.length > 0), `step ${step}: idsElsewhere ${u}`);
      for (const id of [...names, 'svc-x']) {
        assert.equal(index.hasId(id), ref.hasId(id), `step ${step}: hasId ${id}`);
        for (const u of [...uris, 'file:///other.yaml']) {
          assert.deepEqual(index.elsewhere(id, u), ref.elsewhere(id, u), `step ${step}: elsewhere ${id} from ${u}`);
          assert.deepEqual(index.retiredElsewhere(id, u), ref.retiredElsewhere(id, u), `step ${step}: retiredElsewhere ${id} from ${u}`);
        }
      }
    }
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
