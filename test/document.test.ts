/**
 * Document rules (server/src/core/rules/document/), through the engine with RuleTester: each rule
 * flagged and not flagged, and each preferred fix applied and re-checked.
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';
import { ruleTester } from './helpers/rule-tester';

const { analyze } = server('core/analysis/analyze.js');
const { LineIndex } = server('core/text.js');
const { defaultConfig } = server('core/config.js');
const { allRules } = server('core/rules/registry.js');

/** The document rules' findings: the whole engine runs, the shared rules (ownership, control refs) are off. */
function run(text: string): any[] {
  const cfg = defaultConfig();
  cfg.documentGlobs = ['**/*.md'];
  cfg.today = '2026-11-23';
  const own = new Set(['front-matter-missing', 'front-matter-invalid', 'approver-missing', 'section-missing', 'evidence-missing', 'controls-missing', 'control-unlisted', 'placeholder', 'link-broken']);
  for (const r of allRules()) if (!own.has(r.id)) cfg.rules[r.id] = 'off';
  return analyze({ uri: 'doc.md', text }, cfg).findings.filter((f: any) => cfg.rules[f.ruleId] !== 'off');
}

function apply(text: string, f: any): string {
  const fix = f.fixes.find((x: any) => x.isPreferred) ?? f.fixes[0];
  assert.ok(fix, `no fix for ${f.ruleId}`);
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...fix.edits].sort((a: any, b: any) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))) {
    out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  }
  return out;
}

const POLICY = `---
title: Access
type: policy
owner: a@example.com
approver: ciso@example.com
review_cadence: annual
last_reviewed: 2026-03-01
status: approved
controls: [ISO27001:A.5.16]
---
# Access

## Purpose
## Scope
## Roles and responsibilities
## Policy statements
Identities are unique (A.5.16). See [scope](#scope).
## Review
`;

const ids = (t: string) => run(t).map((f) => f.ruleId);
const RUNBOOK = POLICY.replace('type: policy', 'type: runbook').replace('## Scope', '## Steps').replace('## Review\n', '## Rollback\n');

describe('document rules', () => {
  it('a complete policy has no findings', () => assert.deepEqual(run(POLICY), []));

  ruleTester('front-matter-missing', {
    valid: [POLICY],
    invalid: [
      {
        text: '# Access Policy\n\nText.\n',
        findings: [{ line: 1, column: 1, message: /no front matter/, data: { type: 'policy' } }],
        output: '---\ntitle: Access Policy\ntype: policy\nowner: \napprover: \nreview_cadence: annual\nlast_reviewed: \nstatus: draft\nversion: "0.1"\ncontrols: []\n---\n# Access Policy\n\nText.\n',
      },
    ],
  });

  ruleTester('front-matter-invalid', {
    valid: [POLICY],
    invalid: [
      { name: 'alias renamed to the canonical key', text: POLICY.replace('review_cadence:', 'review_frequency:'), findings: [{ line: 6, message: /read as 'review_cadence'/ }], output: POLICY },
      { name: 'unknown key with did you mean', text: POLICY.replace('approver:', 'aprover:'), findings: [{ line: 5, message: /did you mean 'approver'/ }], output: POLICY },
      {
        name: 'bad date and unknown status value',
        text: POLICY.replace('2026-03-01', '2026-13-01').replace('status: approved', 'status: aproved'),
        findings: [{ line: 7, message: /must be a date/, fixes: [] }, { line: 8, message: /did you mean 'approved'/ }],
        output: POLICY.replace('2026-03-01', '2026-13-01'),
        after: ['front-matter-invalid'],
      },
    ],
  });

  ruleTester('approver-missing', {
    valid: [POLICY, POLICY.replace('type: policy', 'type: runbook').replace('approver: ciso@example.com\n', '')],
    invalid: [
      {
        name: 'fixed by inserting approver after owner',
        text: POLICY.replace('approver: ciso@example.com\n', ''),
        findings: [{ line: 3, message: /names no approver/ }],
        output: POLICY.replace('approver: ciso@example.com\n', 'approver: \n'),
        // The inserted field is empty until someone fills it in: the finding becomes "is empty".
        after: ['approver-missing'],
      },
      { name: 'empty', text: POLICY.replace('approver: ciso@example.com', 'approver:'), findings: [{ line: 5, message: /is empty/ }], output: null },
      {
        name: 'CRLF documents: findings and fixes keep CRLF',
        text: POLICY.replace('approver: ciso@example.com\n', '').replace(/\n/g, '\r\n'),
        findings: [{ line: 3 }],
        output: POLICY.replace('approver: ciso@example.com\n', 'approver: \n').replace(/\n/g, '\r\n'),
        after: ['approver-missing'],
      },
    ],
  });

  ruleTester(['section-missing', 'evidence-missing'], {
    valid: [
      POLICY,
      { name: 'a runbook with its way back and evidence', text: RUNBOOK + '## Evidence\n' },
      ...['4. Back-out plan', 'Recovery', 'Roll back', 'If something goes wrong'].map((h) => ({ name: `Rollback as '${h}'`, text: RUNBOOK.replace('## Rollback', `## ${h}`) + '## Evidence\n' })),
    ],
    invalid: [
      {
        name: 'synonyms accepted, fixed by appending sections',
        text: POLICY.replace('## Roles and responsibilities', '## Responsibilities').replace('## Review\n', ''),
        findings: [{ line: 11, data: { missing: ['Review'] } }],
        output: POLICY.replace('## Roles and responsibilities', '## Responsibilities').replace('## Review\n', '') + '\n## Review\n',
      },
      {
        // The missing Evidence section is reported once, by evidence-missing, not also by section-missing.
        name: 'evidence-missing for a runbook, fixed by appending Evidence',
        text: RUNBOOK,
        findings: [{ ruleId: 'evidence-missing', line: 11 }],
        output: RUNBOOK + '\n## Evidence\n',
      },
      {
        name: 'a runbook needs a way back (Rollback, Back-out, Recovery ...)',
        text: RUNBOOK.replace('## Rollback', '## Notes') + '## Evidence\n',
        findings: [{ ruleId: 'section-missing', line: 11, data: { missing: ['Rollback'] } }],
        output: RUNBOOK.replace('## Rollback', '## Notes') + '## Evidence\n\n## Rollback\n',
      },
    ],
  });

  ruleTester(['controls-missing', 'control-unlisted'], {
    valid: [POLICY],
    invalid: [
      { name: 'controls-missing lists what the body cites', text: POLICY.replace('controls: [ISO27001:A.5.16]\n', ''), findings: [{ ruleId: 'controls-missing', line: 3 }], output: POLICY },
      {
        name: 'control-unlisted adds the citation to the list',
        text: POLICY.replace('(A.5.16)', '(A.5.16, PR.AA-01)'),
        findings: [{ ruleId: 'control-unlisted', line: 17, data: { controls: ['CSF:PR.AA-01'] } }],
        output: POLICY.replace('(A.5.16)', '(A.5.16, PR.AA-01)').replace('controls: [ISO27001:A.5.16]', 'controls: [ISO27001:A.5.16, CSF:PR.AA-01]'),
      },
    ],
  });

  ruleTester(['placeholder', 'section-missing'], {
    valid: [POLICY, POLICY.replace('## Review\n', '## Review\n\nA todo list is prose.\n')],
    invalid: [
      {
        name: 'outside code only; headings in fences ignored',
        text: POLICY.replace('## Review\n', 'TODO: finish. Owner is [owner].\n\n```\nTODO\n## Review\n```\n'),
        findings: [
          { ruleId: 'section-missing', line: 11, data: { missing: ['Review'] } },
          { ruleId: 'placeholder', line: 18, column: 1, endColumn: 5, message: /'TODO' is placeholder text/ },
          { ruleId: 'placeholder', line: 18, column: 24, message: /'\[owner\]'/ },
        ],
      },
    ],
  });

  ruleTester('link-broken', {
    valid: [POLICY],
    invalid: [{ name: 'a missing heading anchor, fixed to the nearest', text: POLICY.replace('(#scope)', '(#scop)'), findings: [{ line: 17, message: /did you mean '#scope'/ }], output: POLICY }],
  });
});

describe('document rules: edge cases', () => {
  it('parses long bodies in parts, and says so when a part is too long to parse', () => {
    const { MAX_SECTION_CHARS } = server('core/lang/markdown-body.js');
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    const head = '---\ntype: runbook\nowner: a@example.com\ncontrols: [CSF:PR.AA-01]\n---\n# Runbook\n\n';
    const line = 'Step with TODO and PR.AA-01.\n';
    const n = Math.ceil(MAX_SECTION_CHARS / line.length) + 10;
    // One paragraph, no heading: not parsed, one clear finding; the document-level rules still run.
    const flat = analyze({ uri: 'file:///ws/flat.md', text: head + line.repeat(n) }, cfg).findings.map((f: any) => f.ruleId);
    assert.equal(flat.filter((id: string) => id === 'file-unreadable').length, 1);
    assert.ok(!flat.includes('placeholder'));
    assert.ok(flat.includes('evidence-missing'));
    // The same lines as paragraphs (a blank line between): cut before paragraphs, every part parsed.
    const paras = analyze({ uri: 'file:///ws/paras.md', text: head + (line + '\n').repeat(n) }, cfg).findings.map((f: any) => f.ruleId);
    assert.ok(!paras.includes('file-unreadable'));
    assert.equal(paras.filter((id: string) => id === 'placeholder').length, n);
  });

  it('finds an empty front matter block and fills it instead of adding a second one', () => {
    const t = '---\n---\n# Key management standard\n';
    const f = run(t).filter((x) => x.ruleId === 'front-matter-missing');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /empty front matter/);
    const fixed = apply(t, f[0]);
    assert.equal(fixed.match(/^---$/gm)!.length, 2, fixed);
    assert.match(fixed, /^---\ntitle: Key management standard\ntype: standard\n/);
  });

  it('flags placeholder words in capitals only, template markup in any case', () => {
    const t = POLICY.replace('## Purpose', '## Purpose\n\nKeep a todo list. TODO: name the team. Ask [Owner].');
    assert.deepEqual(
      run(t).filter((x) => x.ruleId === 'placeholder').map((x) => x.message.split("'")[1]),
      ['TODO', '[Owner]'],
    );
  });

  it('names the right date in the message for each date key', () => {
    const t = POLICY.replace('status: approved', 'status: approved\nnext_review: 03/01/2027');
    const f = run(t).find((x) => x.ruleId === 'front-matter-invalid');
    assert.match(f.message, /when the next review is due/);
  });

  it('accepts configured aliases silently and warns about built-in ones', () => {
    const { mergeConfig } = server('core/config.js');
    const problems: any[] = [];
    const cfg = mergeConfig(defaultConfig(), { documents: { keyAliases: { accountable: 'owner', foo: 'bar' } } }, problems);
    assert.deepEqual(problems.map((p) => p.path), ['documents.keyAliases.foo']);
    cfg.documentGlobs = ['**/*.md'];
    for (const r of allRules()) if (r.id !== 'front-matter-invalid') cfg.rules[r.id] = 'off';
    const t = POLICY.replace('owner: a@example.com', 'accountable: a@example.com').replace('approver:', 'approved_by:');
    const f = analyze({ uri: 'doc.md', text: t }, cfg).findings.filter((x: any) => x.ruleId === 'front-matter-invalid');
    assert.deepEqual(f.map((x: any) => x.data.key), ['approved_by']);
  });
});

describe('document rules: the type the front matter fix guesses', () => {
  const { guessType } = server('core/rules/document/front-matter.js');
  it('takes the type from the title, then from the folder', () => {
    assert.equal(guessType('Access Control Policy', 'file:///ws/runbooks/x.md'), 'policy');
    assert.equal(guessType('Restore the ledger', 'file:///ws/runbooks/restore.md'), 'runbook');
    assert.equal(guessType('Offboarding', 'file:///ws/procedures/team/offboard.md'), 'procedure');
    assert.equal(guessType('Crypto', 'C:\\ws\\standards\\crypto.md'), 'standard');
    assert.equal(guessType('Notes', 'notes.md'), 'policy');
  });
});
