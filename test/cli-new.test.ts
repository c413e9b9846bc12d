/** `isms new` (issue 21): a new document or inventory from the editor's templates, never overwriting. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';

const { templateFor } = server('core/templates.js');
const CLI = path.join(ROOT, 'bin', 'isms.js');

describe('isms new', function () {
  this.timeout(60000);
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-new-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const isms = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });

  it('writes the template with the owner, title, controls, today and the next review, and it checks clean', () => {
    const r = isms(['new', 'runbook', 'runbooks/rotate.md', '--owner', 'platform@example.com', '--title', 'Rotate DB credentials', '--controls', 'CSF:PR.AA-05, nhi7,A.5.17', '--today', '2026-12-07']);
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(path.join(dir, 'runbooks', 'rotate.md'), 'utf8');
    assert.equal(text, templateFor('runbook', '2026-12-07', ['CSF:PR.AA-05', 'NHI:NHI7', 'ISO27001:A.5.17'], { owner: 'platform@example.com', title: 'Rotate DB credentials', nextReview: '2027-12-07' }).text);
    assert.match(text, /^owner: platform@example\.com$/m);
    assert.match(text, /^next_review: 2027-12-07$/m);
    assert.match(text, /^controls: \[CSF:PR\.AA-05, NHI:NHI7, ISO27001:A\.5\.17\]$/m);
    assert.match(text, /^# Rotate DB credentials$/m);
    assert.match(text, /^## Rollback$/m);
    const check = isms(['check', '.', '--today', '2026-12-07', '--format', 'json']);
    assert.equal(check.status, 0, check.stdout);
  });

  it('puts the file in a folder given (inventory.nhi.yaml, <kind>.md) and never overwrites', () => {
    assert.equal(isms(['new', 'inventory', 'identities/']).status, 0);
    assert.ok(fs.existsSync(path.join(dir, 'identities', 'inventory.nhi.yaml')));
    assert.equal(isms(['new', 'policy']).status, 0);
    const before = fs.readFileSync(path.join(dir, 'policy.md'), 'utf8');
    const again = isms(['new', 'policy', '--owner', 'someone-else@example.com']);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /policy\.md exists; not overwritten/);
    assert.equal(fs.readFileSync(path.join(dir, 'policy.md'), 'utf8'), before);
  });

  it('quotes what YAML would misread, and refuses unknown kinds and controls', () => {
    const t = templateFor('policy', '2026-12-07', [], { owner: '@platform: team', title: 'Access: who gets what' }).text;
    assert.match(t, /^owner: "@platform: team"$/m);
    assert.match(t, /^title: "Access: who gets what"$/m);
    const kind = isms(['new', 'polcy']);
    assert.equal(kind.status, 2);
    assert.match(kind.stderr, /unknown kind 'polcy' .*did you mean 'policy'\?/);
    const ctl = isms(['new', 'policy', '--controls', 'CC9.9']);
    assert.equal(ctl.status, 2);
    assert.match(ctl.stderr, /'CC9\.9' is not a control of the catalogs/);
    assert.equal(isms(['new', 'policy', '--today', '2026-02-30']).status, 2);
  });
});
