/**
 * owner-missing's quick fixes: the owners the workspace uses most, each as "Set owner to X" (the rule's own fix
 * inserts a placeholder, which is no owner: it stays as the last choice).
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { applyEdits } = server('core/text.js');

const cfg = () => ({ ...defaultConfig(), today: '2026-11-23' });
const INVENTORY = 'kind: nhi-inventory\nidentities:\n  - id: svc-a\n    type: api-key\n    purpose: Pays\n    controls: [NHI:NHI7]\n';
const DOC = (owner: string) => `---\ntype: policy\nowner: ${owner}\n---\n# P\n`;

describe('owner-missing: set an owner the workspace uses', () => {
  const actionsOf = (svc: any, uri: string, text: string) => {
    const f = svc.check({ uri, text }).find((x: any) => x.ruleId === 'owner-missing');
    assert.ok(f, 'owner-missing');
    return svc.codeActions({ uri, text }, f.range).filter((a: any) => a.findings[0].ruleId === 'owner-missing' && a.kind === 'quickfix');
  };

  it('offers the most used owners first, then the placeholder; applying one leaves no owner-missing', () => {
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg());
    svc.indexFile({ uri: 'a.md', text: DOC('platform@example.com') });
    svc.indexFile({ uri: 'b.md', text: DOC('platform@example.com') });
    svc.indexFile({ uri: 'c.md', text: DOC('"Payments team: Ops"') });
    const actions = actionsOf(svc, 'inv.nhi.yaml', INVENTORY);
    const titles = actions.map((a: any) => a.title);
    assert.deepEqual(titles.slice(0, 2), ['Set owner to platform@example.com', 'Set owner to Payments team: Ops']);
    assert.ok(titles.includes("Insert 'owner:' (placeholder)"));
    assert.ok(titles.indexOf("Insert 'owner:' (placeholder)") > 1);
    const fixed = applyEdits(INVENTORY, actions[0].edits);
    assert.match(fixed, /^ {4}owner: platform@example\.com$/m);
    assert.ok(!svc.check({ uri: 'inv.nhi.yaml', text: fixed }).some((x: any) => x.ruleId === 'owner-missing'));
    // A name YAML would misread is quoted.
    const quoted = applyEdits(INVENTORY, actions[1].edits);
    assert.match(quoted, /^ {4}owner: "Payments team: Ops"$/m);
    assert.ok(!svc.check({ uri: 'inv.nhi.yaml', text: quoted }).some((x: any) => x.ruleId === 'owner-missing' || x.ruleId === 'syntax-error'));
    // Not applied by fix-all: choosing an owner is a decision.
    assert.ok(actions.every((a: any) => a.kind !== 'source.fixAll'));
  });

  it('quotes an owner that starts with a YAML indicator (a Slack handle)', () => {
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg());
    svc.indexFile({ uri: 'a.md', text: DOC('"@payments-oncall"') });
    const [set] = actionsOf(svc, 'inv.nhi.yaml', INVENTORY);
    assert.equal(set.title, 'Set owner to @payments-oncall');
    const fixed = applyEdits(INVENTORY, set.edits);
    assert.match(fixed, /^ {4}owner: "@payments-oncall"$/m);
    assert.ok(!svc.check({ uri: 'inv.nhi.yaml', text: fixed }).some((x: any) => x.ruleId === 'owner-missing' || x.ruleId === 'syntax-error'));
  });

  it('offers only the placeholder in a workspace that names no owner', () => {
    const svc = new IsmsService({ relativePath: (p: string) => p }, cfg());
    assert.deepEqual(actionsOf(svc, 'inv.nhi.yaml', INVENTORY).map((a: any) => a.title).filter((t: string) => !t.startsWith('Suppress') && !t.startsWith('Add NHI')), ["Insert 'owner:' (placeholder)"]);
  });
});
