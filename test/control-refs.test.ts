/**
 * Control references: valid and invalid cases per rule, ESLint style. Each invalid case names the
 * rule, the flagged text and, for fixable rules, the text after the preferred fix.
 */
import * as assert from 'node:assert/strict';
import { server } from './helpers/root';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { allRules } = server('core/rules/registry.js');

/** These cases test the control-reference rules alone (ESLint style): every other rule is off. */
function svc(frameworks?: string[]) {
  const cfg = defaultConfig();
  for (const r of allRules()) if (!/^control-(unknown|legacy|malformed|out-of-scope)$|^syntax-error$|^file-unreadable$/.test(r.id)) cfg.rules[r.id] = 'off';
  if (frameworks) cfg.frameworks = frameworks;
  return new IsmsService({ relativePath: (p: string) => p }, cfg);
}

/** A process document whose body is `prose` and whose front matter lists `controls`. */
function doc(prose: string, controls = '[]'): string {
  return `---\ntype: policy\nowner: a@example.com\ncontrols: ${controls}\n---\n# Policy\n\n${prose}\n`;
}

function check(text: string, uri = 'p.md', frameworks?: string[]) {
  return svc(frameworks).check({ uri, text });
}

function applyPreferred(text: string, f: any): string {
  const fix = f.fixes.find((x: any) => x.isPreferred) ?? f.fixes[0];
  assert.ok(fix, `no fix for ${f.ruleId}`);
  const lines = text.split('\n');
  const offset = (p: any) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...fix.edits].sort((a: any, b: any) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

function flaggedText(text: string, f: any): string {
  const lines = text.split('\n');
  return lines[f.range.start.line].slice(f.range.start.character, f.range.end.character);
}

const valid: string[] = [
  'CSF:PR.AA-01', 'ISO27001:A.5.16', 'ISO27002:5.16', 'SOC2:CC6.1', 'NHI:NHI7', 'PR.AA-01', 'A.5.16', 'CC6.1',
  'NHI7:2025', 'NHI7', 'ISO 27001 A.5.16', 'ISO 27001 Annex A 5.16', 'CC6.1-CC6.4', 'CC6.1–CC6.4', 'A.5.15–5.18', 'ISO27001:6.1.2',
  'SOC 2 CC7.2', 'ISO/IEC 27001:2022 A.8.5', 'GV.OC', 'CSF:GV', 'A1.2', 'PI1.3',
  // Not references at all:
  'e.g. the U.S. team', 'see PR-12 and CVE-2024-1234', 'version 4.1 of the tool', 'https://example.com/PR.AC-4',
  'inline `PR.AC-4` code', '<!-- PR.AC-4 -->', 'AC-2 is out of scope here',
];

describe('control references: valid', () => {
  for (const v of valid) {
    it(`accepts ${JSON.stringify(v)} in prose`, () => {
      assert.deepEqual(check(doc(v)).map((f: any) => `${f.ruleId}: ${f.message}`), []);
    });
  }
  it('accepts every valid form in a controls list', () => {
    assert.deepEqual(check(doc('', '[CSF:PR.AA-01, A.5.16, "SOC2:CC6.1", NHI7, ISO27002:5.16]')), []);
  });
  it('ignores references inside fenced and indented code', () => {
    assert.deepEqual(check(doc('```yaml\ncontrols: [PR.AC-4]\n```\n\n~~~\nA.9.2.1\n~~~\n\n    PR.AC-4 indented\n')), []);
  });
  it('understands SP 800-53 spellings once the framework is enabled', () => {
    assert.deepEqual(check(doc('AC-2, AC-2(1), IA-2 (1) and SP800-53:AC-2(1)'), 'p.md', ['csf', 'sp800-53']), []);
  });
  it('expands ranges in numeric order, skipping withdrawn SP 800-53 controls', () => {
    const { scanReferences, refIds } = server('core/refs/scan.js');
    const ids = (t: string, fw: string[]) => scanReferences(t, { frameworks: fw, mode: 'prose' }).flatMap((r: any) => refIds(r));
    assert.deepEqual(ids('AC-2 to AC-4'.replace(' to ', '-'), ['sp800-53']), ['AC-2', 'AC-3', 'AC-4']);
    assert.deepEqual(ids('AC-11-AC-14', ['sp800-53']), ['AC-11', 'AC-12', 'AC-14']);
    assert.deepEqual(ids('A.5.9-A.5.11', ['iso27001']), ['A.5.9', 'A.5.10', 'A.5.11']);
    assert.deepEqual(ids('CC6.1–CC6.3', ['soc2']), ['CC6.1', 'CC6.2', 'CC6.3']);
  });
  it('leaves other Markdown alone', () => {
    assert.deepEqual(check('# README\n\nPR.AC-4 and CC6.9\n', 'README.md'), []);
  });
});

interface Invalid {
  text: string;
  rule: string;
  flagged: string;
  fixed?: string;
  message?: RegExp;
  frameworks?: string[];
}

const invalid: Invalid[] = [
  { text: 'PR.AA-07', rule: 'control-unknown', flagged: 'PR.AA-07', message: /PR\.AA-01 to PR\.AA-06/ },
  { text: 'A.5.38', rule: 'control-unknown', flagged: 'A.5.38', message: /A\.5\.1 to A\.5\.37/ },
  { text: 'CC6.9', rule: 'control-unknown', flagged: 'CC6.9', message: /CC6\.1 to CC6\.8/ },
  { text: 'NHI11', rule: 'control-unknown', flagged: 'NHI11' },
  { text: 'CC6.1-CC6.9', rule: 'control-unknown', flagged: 'CC6.1-CC6.9' },
  { text: 'PR.AC-4', rule: 'control-legacy', flagged: 'PR.AC-4', fixed: 'PR.AA-05', message: /CSF 1\.1.*withdrawn.*PR\.AA-05/ },
  { text: 'PR.AC-04', rule: 'control-legacy', flagged: 'PR.AC-04', fixed: 'PR.AA-05' },
  { text: 'ID.AM-1', rule: 'control-legacy', flagged: 'ID.AM-1', fixed: 'ID.AM-01', message: /reworded/ },
  { text: 'A.9.2.1', rule: 'control-legacy', flagged: 'A.9.2.1', fixed: 'A.5.16', message: /27001:2013/ },
  { text: 'ISO 27001:2013 A.9.2.1', rule: 'control-legacy', flagged: 'ISO 27001:2013 A.9.2.1', fixed: 'ISO 27001:2022 A.5.16' },
  { text: 'A.9', rule: 'control-legacy', flagged: 'A.9', message: /chapter.*A\.5\.15.*A\.8\.18/ },
  { text: 'CSF:PR.AC-4', rule: 'control-legacy', flagged: 'CSF:PR.AC-4', fixed: 'CSF:PR.AA-05' },
  { text: 'SP800-53:AC-13', rule: 'control-legacy', flagged: 'SP800-53:AC-13', message: /AC-2 and AU-6/, frameworks: ['sp800-53'] },
  { text: 'PR.AA-1', rule: 'control-malformed', flagged: 'PR.AA-1', fixed: 'PR.AA-01' },
  { text: 'A5.16', rule: 'control-malformed', flagged: 'A5.16', fixed: 'A.5.16' },
  { text: 'A 5.16', rule: 'control-malformed', flagged: 'A 5.16', fixed: 'A.5.16' },
  { text: 'NHI-01', rule: 'control-malformed', flagged: 'NHI-01', fixed: 'NHI1' },
  { text: 'NHI07', rule: 'control-malformed', flagged: 'NHI07', fixed: 'NHI7' },
  { text: 'cc6.1', rule: 'control-malformed', flagged: 'cc6.1', fixed: 'CC6.1' },
  { text: 'ISO27001:5.16', rule: 'control-malformed', flagged: 'ISO27001:5.16', fixed: 'ISO27001:A.5.16' },
  { text: 'ISO27002:A.5.16', rule: 'control-malformed', flagged: 'ISO27002:A.5.16', fixed: 'ISO27002:5.16' },
  { text: 'SP800-53:AC-2(1)', rule: 'control-out-of-scope', flagged: 'SP800-53:AC-2(1)' },
  { text: 'CC6.1', rule: 'control-out-of-scope', flagged: 'CC6.1', frameworks: ['csf'] },
];

describe('control references: invalid', () => {
  for (const c of invalid) {
    for (const where of ['prose', 'list'] as const) {
      it(`${c.rule}: ${c.text} (${where})`, () => {
        const text = where === 'prose' ? doc(`We rely on ${c.text} here.`) : doc('', `[${c.text}]`);
        const findings = check(text, 'p.md', c.frameworks);
        assert.equal(findings.length, 1, JSON.stringify(findings, null, 1));
        const f = findings[0];
        assert.equal(f.ruleId, c.rule);
        assert.equal(flaggedText(text, f), c.flagged);
        if (c.message) assert.match(f.message, c.message);
        if (c.fixed) {
          const after = applyPreferred(text, f);
          assert.ok(after.includes(c.fixed), after);
          assert.deepEqual(check(after, 'p.md', c.frameworks), [], 'the fixed text re-checks clean');
        }
      });
    }
  }

  it('offers one fix per successor for a legacy ID with several', () => {
    const f = check(doc('A.9.2'))[0];
    assert.equal(f.ruleId, 'control-legacy');
    assert.deepEqual(f.fixes.map((x: any) => x.edits[0].newText), ['A.5.16', 'A.5.17', 'A.5.18', 'A.8.2']);
    assert.ok(f.fixes.every((x: any) => !x.isPreferred));
  });

  it('shortens long titles in legacy messages with ASCII dots (one wide character makes every diagnostic JSON two bytes per character)', () => {
    const f = check(doc('PR.AC-4'))[0];
    // PR.AC-4: "Access permissions and authorizations are managed, incorporating the principles of least privilege and ..."
    assert.match(f.message, /\(Access permissions and authorizations are managed, incorporating\.\.\.\)/);
    // PR.AA-05: "Access permissions, entitlements, and authorizations are defined in a policy, managed, ..."
    assert.match(f.message, /"Access permissions, entitlements, and authorizations are defined\.\.\."/);
    assert.ok(!/[^\u0000-\u00ff]/.test(f.message), f.message);
  });

  it('removes a legacy item from a list that already names its successor, instead of listing it twice', () => {
    const legacy = (text: string, uri = 'p.md') => check(text, uri).filter((f: any) => f.ruleId === 'control-legacy');
    // flow list, first and last item
    for (const [list, after] of [
      ['[ISO27001:A.9.2.1, ISO27001:A.5.16]', '[ISO27001:A.5.16]'],
      ['[ISO27001:A.5.16, "ISO27001:A.9.2.1"]', '[ISO27001:A.5.16]'],
      ['[CSF:PR.AA-05, PR.AC-4, CSF:PR.AA-01]', '[CSF:PR.AA-05, CSF:PR.AA-01]'],
    ]) {
      const text = doc('', list);
      const [f] = legacy(text);
      assert.match(f.fixes[0].title, /^Remove .* \(.* is already listed\)$/);
      const fixed = applyPreferred(text, f);
      assert.equal(fixed, doc('', after));
      assert.deepEqual(check(fixed), []);
    }
    // block list in an inventory: the item's line goes, comments and the other lines stay
    const inv = 'kind: nhi-inventory\nidentities:\n  - id: a\n    controls:\n      # access\n      - PR.AC-4   # legacy\n      - CSF:PR.AA-05\n    purpose: x\n';
    const fixed = applyPreferred(inv, legacy(inv, 'inv.nhi.yaml')[0]);
    assert.equal(fixed, inv.replace('      - PR.AC-4   # legacy\n', ''));
    // several successors: only the one already listed becomes a removal
    const several = legacy(doc('', '[A.9.2, ISO27001:A.5.17]'))[0];
    assert.deepEqual(several.fixes.map((x: any) => x.title.split(' (')[0]), ['Replace with A.5.16', 'Remove A.9.2', 'Replace with A.5.18', 'Replace with A.8.2']);
    // not listed: replaced as before
    assert.match(legacy(doc('', '[ISO27001:A.9.2.1, ISO27001:A.5.15]'))[0].fixes[0].title, /^Replace with A\.5\.16/);
    // two legacy items with the same one successor: the first is replaced, the later one removed, in either order
    const two = doc('', '[ISO27001:A.9.2.4, CSF:PR.AA-01, ISO27001:A.9.4.3]');
    const [first, second] = legacy(two);
    assert.match(first.fixes[0].title, /^Replace with A\.5\.17/);
    assert.equal(second.fixes[0].title, 'Remove ISO27001:A.9.4.3 (replacing ISO27001:A.9.2.4 lists A.5.17)');
    const want = doc('', '[ISO27001:A.5.17, CSF:PR.AA-01]');
    const firstThen = applyPreferred(two, first);
    assert.equal(applyPreferred(firstThen, legacy(firstThen)[0]), want);
    const secondThen = applyPreferred(two, second);
    assert.equal(applyPreferred(secondThen, legacy(secondThen)[0]), want);
    assert.deepEqual(check(want), []);
  });

  it('flags a controls item that is no reference at all, as one warning per list', () => {
    const f = check(doc('', '[CSF:PR.AA-01, access reviews]'));
    assert.deepEqual(f.map((x: any) => [x.ruleId, x.severity]), [['control-unknown', 'warning']]);
    const g = check(doc('', '[Okta, Vault, access reviews, SIEM]'));
    assert.deepEqual(g.map((x: any) => [x.ruleId, x.severity, x.range.start.character]), [['control-unknown', 'warning', 11]]);
    assert.match(g[0].message, /^'Okta', 'Vault', 'access reviews' and 1 more in 'controls' are not control references/);
    assert.deepEqual(g[0].data.values, ['Okta', 'Vault', 'access reviews', 'SIEM']);
  });

  it('applies configured severities and turns rules off', () => {
    const s = svc();
    s.setConfig({ ...s.getConfig(), rules: { ...s.getConfig().rules, 'control-legacy': 'error', 'control-malformed': 'off' } });
    const f = s.check({ uri: 'p.md', text: doc('PR.AC-4 and PR.AA-1') });
    assert.deepEqual(f.map((x: any) => [x.ruleId, x.severity]), [['control-legacy', 'error']]);
  });

  it('reads controls from an inventory and from block lists', () => {
    const text = 'kind: nhi-inventory\nidentities:\n  - id: a\n    controls:\n      - PR.AC-4 # legacy\n      - CSF:PR.AA-01\n';
    const f = check(text, 'inv.nhi.yaml');
    assert.deepEqual(f.map((x: any) => [x.ruleId, x.range.start.line]), [['control-legacy', 4]]);
  });

  it('reports YAML syntax errors instead of crashing', () => {
    const f = check('kind: nhi-inventory\nidentities: [\n  - id: "unterminated\n', 'bad.nhi.yaml');
    assert.ok(f.some((x: any) => x.ruleId === 'syntax-error'));
  });

  it('does not expand YAML alias bombs', () => {
    const bomb = ['kind: nhi-inventory', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) bomb.push(`${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill('*' + 'abcdefghij'[i]).join(',')}]`);
    bomb.push('controls: [*j]');
    const f = check(bomb.join('\n') + '\n', 'bomb.nhi.yaml');
    assert.ok(Array.isArray(f));
  });

  it('says a binary file was not checked', () => {
    const f = check('kind: nhi-inventory\n\u0000\u0001\u0002', 'bin.nhi.yaml');
    assert.deepEqual(f.map((x: any) => x.ruleId), ['file-unreadable']);
  });
});

describe('hover and completion on references', () => {
  it('hover shows NIST text, the assurance role and crosswalk equivalents', () => {
    const text = doc('Identities follow PR.AA-01.');
    const line = text.split('\n').findIndex((l) => l.includes('PR.AA-01.'));
    const h = svc().hover({ uri: 'p.md', text }, { line, character: 20 });
    assert.ok(h);
    assert.match(h.contents, /Identities and credentials for authorized users, services, and hardware are managed/);
    assert.match(h.contents, /voluntary outcomes framework/);
    assert.match(h.contents, /ISO27001:A\.5\.15 Access control/);
  });

  it('hover on a legacy ID names its successors', () => {
    const text = doc('PR.AC-4');
    const line = text.split('\n').findIndex((l) => l === 'PR.AC-4');
    const h = svc().hover({ uri: 'p.md', text }, { line, character: 2 });
    assert.match(h.contents, /CSF:PR\.AA-05/);
  });

  it('completes control IDs in a controls list by ID prefix and by title words', () => {
    const text = doc('', '[PR.AA');
    const line = text.split('\n').findIndex((l) => l.startsWith('controls:'));
    const items = svc().complete({ uri: 'p.md', text }, { line, character: 'controls: [PR.AA'.length });
    assert.deepEqual(items.map((i: any) => i.label), ['CSF:PR.AA', 'CSF:PR.AA-01', 'CSF:PR.AA-02', 'CSF:PR.AA-03', 'CSF:PR.AA-04', 'CSF:PR.AA-05', 'CSF:PR.AA-06']);
    assert.match(items[1].detail, /Identities and credentials/);
    // The documentation comes on request for one item (completionItem/resolve), not with every item.
    assert.equal(items[1].documentation, undefined);
    assert.equal(items[1].resolve, 'CSF:PR.AA-01');
    const s = svc();
    assert.match(s.resolveCompletion(items[1].resolve)!, /Identities and credentials for authorized users[\s\S]*voluntary outcomes framework/);
    assert.equal(s.resolveCompletion('CSF:XX.YY-99'), undefined);
    const byTitle = svc().complete({ uri: 'p.md', text: doc('', '[offboarding') }, { line, character: 'controls: [offboarding'.length });
    assert.ok(byTitle.some((i: any) => i.label === 'NHI:NHI1'), byTitle.map((i: any) => i.label).join());
  });

  it('completes after a framework prefix in prose', () => {
    const text = doc('See SOC2:CC6.');
    const line = text.split('\n').findIndex((l) => l.startsWith('See'));
    const items = svc().complete({ uri: 'p.md', text }, { line, character: 'See SOC2:CC6.'.length });
    assert.deepEqual(items.map((i: any) => i.label).slice(0, 3), ['SOC2:CC6.1', 'SOC2:CC6.2', 'SOC2:CC6.3']);
  });

  it('offers nothing outside a reference position', () => {
    const text = doc('plain words');
    assert.deepEqual(svc().complete({ uri: 'p.md', text }, { line: 7, character: 5 }), []);
  });
});

describe('control references: the reference at a position', () => {
  const { analyze } = server('core/analysis/analyze.js');
  const fs = require('node:fs');
  const path = require('node:path');
  const { ROOT } = require('./helpers/root');

  it('refAt (no materialising) finds what a search of every reference finds, at every offset', () => {
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    const files = ['examples/inventories/payments.nhi.yaml', 'examples/runbooks/rotate-api-keys.md', 'examples/procedures/nhi-offboarding.md'];
    let found = 0;
    for (const rel of files) {
      const text: string = fs.readFileSync(path.join(ROOT, rel), 'utf8');
      const a = analyze({ uri: `file:///ws/${rel}`, text }, cfg);
      assert.ok(a.refAt, rel);
      for (let o = 0; o <= text.length; o++) {
        const want = a.refs.find((r: any) => r.start <= o && o <= r.end);
        assert.deepEqual(a.refAt(o), want, `${rel} at ${o}`);
        if (want) found++;
      }
    }
    assert.ok(found > 100, `${found} offsets on references`);
  });
});

describe('control references: precision (a token is a reference only where the text ties it to a framework)', () => {
  const { scanReferences } = server('core/refs/scan.js');
  const DEFAULT = ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi'];
  /** `status framework:id` of every reference in `text` ("[members]" for a range). */
  const refs = (text: string, opts: { frameworks?: string[]; mode?: 'prose' | 'list'; ties?: string[] } = {}) =>
    scanReferences(text, { frameworks: opts.frameworks ?? DEFAULT, mode: opts.mode ?? 'prose', ...(opts.ties ? { ties: opts.ties } : {}) }).map(
      (r: any) => `${r.status} ${r.framework}:${r.members ? `[${r.members.join(',')}]` : r.id}`,
    );
  const none = (...texts: string[]) => {
    for (const t of texts) assert.deepEqual(refs(t), [], JSON.stringify(t));
  };

  describe('1. a range stays on one line', () => {
    it('reads a YAML block list in prose as one reference per item, not as a range across the line break', () => {
      assert.deepEqual(refs('satisfies:\n  TSC:\n    - CC2.3\n    - CC4.1'), ['ok soc2:CC2.3', 'ok soc2:CC4.1']);
      assert.deepEqual(refs('- CC6.1\n- CC6.4'), ['ok soc2:CC6.1', 'ok soc2:CC6.4']);
      assert.deepEqual(refs('CC6.1 -\nCC6.4'), ['ok soc2:CC6.1', 'ok soc2:CC6.4']);
      assert.deepEqual(refs('A.5.15\n- A.5.18'), ['ok iso27001:A.5.15', 'ok iso27001:A.5.18']);
      assert.deepEqual(check(doc('satisfies:\n  TSC:\n    - CC2.3\n    - CC4.1')), []);
    });
    it('still reads ranges on one line', () => {
      assert.deepEqual(refs('CC6.1 - CC6.3'), ['ok soc2:[CC6.1,CC6.2,CC6.3]']);
      assert.deepEqual(refs('PR.AA-01 to 03'), ['ok csf:[PR.AA-01,PR.AA-02,PR.AA-03]']);
      assert.deepEqual(refs('SOC2:CC6.1-CC6.3', { mode: 'list' }), ['ok soc2:[CC6.1,CC6.2,CC6.3]']);
      assert.deepEqual(refs('CC6.1-CC6.9'), ['unknown soc2:CC6.9']);
    });
    it('reads "through", "thru" and German "bis" as range words, as "to"', () => {
      assert.deepEqual(refs('CC6.1 through CC6.3'), ['ok soc2:[CC6.1,CC6.2,CC6.3]']);
      assert.deepEqual(refs('A.5.15 thru A.5.17'), ['ok iso27001:[A.5.15,A.5.16,A.5.17]']);
      assert.deepEqual(refs('Maßnahmen A.5.15 bis A.5.17'), ['ok iso27001:[A.5.15,A.5.16,A.5.17]']);
      assert.deepEqual(refs('CC6.1 through 12 months'), ['ok soc2:CC6.1']);
      assert.deepEqual(refs('A.5.15 bis 3 Tage'), ['ok iso27001:A.5.15']);
    });
    it('reads "to" and a whole number as a quantity, not as the end of a range', () => {
      assert.deepEqual(refs('CC6.1 to 12 months'), ['ok soc2:CC6.1']);
      assert.deepEqual(refs('we map A.8.2 to 3 roles'), ['ok iso27001:A.8.2']);
    });
    it('reads a spaced hyphen between IDs of different parents as a separator, not as a range that crosses them', () => {
      assert.deepEqual(refs('CC6.1 - CC7.2 - CC8.1'), ['ok soc2:CC6.1', 'ok soc2:CC7.2', 'ok soc2:CC8.1']);
      assert.deepEqual(refs('A.5.37-A.6.1'), ['unknown iso27001:A.6.1']);
      assert.deepEqual(refs('CC6.1 - CC6.9'), ['unknown soc2:CC6.9']);
    });
    it('a horizontal space only inside an ID: "A\\n5.15" is no reference', () => {
      none('A\n5.15 is here', 'NHI\n7', 'ISO 27001\n5.1 Scope');
    });
  });

  describe('2. the article "a" and shapes no edition of Annex A has', () => {
    it('reads no reference in prose numbers', () => {
      none(
        'Fail over inside a 20 minute window.', 'a 2 step check', 'A 2 step rollback', 'A 20 minute window is enough.',
        'A 12 month retention applies.', 'A 10 node cluster', 'A 5 minute soak', 'a 5.15 grade', 'a.5.16 (list lettering)',
        'see Appendix A.2', 'Table A.10 lists them', 'Section A.12', 'Annex A.1 of the contract', 'Plan A: 5 minutes',
        'ISO 27001: A 12 month audit cycle', 'ISO 27001: A 20 minute window',
      );
      assert.deepEqual(check(doc('We plan a 20 minute window and a 2 step check; A 15 minute freeze applies.')), []);
    });
    it('keeps A 5.15, A.5.15 and the Annex A forms', () => {
      // A bare or named 'A 5.15' is a near miss of A.5.15 (control-malformed, with the fix); 'Annex A 5.15' is how the standard writes it.
      assert.deepEqual(refs('A 5.15, A.5.15 and Annex A 5.15'), ['malformed iso27001:A.5.15', 'ok iso27001:A.5.15', 'ok iso27001:A.5.15']);
      assert.deepEqual(refs('ISO 27001 A 5 and Anhang A 8'), ['malformed iso27001:A.5', 'ok iso27001:A.8']);
      assert.deepEqual(refs('A.9 and A.9.2.1'), ['legacy iso27001:A.9', 'legacy iso27001:A.9.2.1']);
    });
    it('a bare "A 5" (a space, no dot) needs a prefix or a tie', () => {
      none('A 5', 'Plan A 5 minutes');
      assert.deepEqual(refs('| ISO 27001 | A 5 |'), ['malformed iso27001:A.5']);
    });
    it('a prefix or a list claims any shape', () => {
      assert.deepEqual(refs('ISO27001:A.20'), ['unknown iso27001:A.20']);
      assert.deepEqual(refs('a 20', { mode: 'list' }), ['unknown iso27001:a 20']);
    });
  });

  describe('3. a framework name followed by a word is a mention', () => {
    it('reports nothing for a name followed by a plain word', () => {
      none(
        'ISO27001 or SOC 2', 'ISO 27001 is certified', 'SOC 2 Type II', 'NIST CSF or ISO', 'Wir lehnen uns an ISO 27001 an.',
        'Die ISO 27001 in der Fassung von 2022', 'ISO/IEC 27001:2022 Maßnahmen', 'ISO 27001 12 months', 'ISO 27001: IT security',
        'ISO 27001 controls are', 'gemäß ISO/IEC 27001:2022.',
      );
      assert.deepEqual(check(doc('We follow ISO27001 or SOC 2, and ISO 27001 is our baseline.')), []);
    });
    it('reads the ID after a generic or localized word', () => {
      assert.deepEqual(refs('ISO/IEC 27002:2022 Maßnahme 8.1'), ['ok iso27002:8.1']);
      assert.deepEqual(refs('ISO/IEC 27002 Massnahme 5.15 and ISO 27002 control 5.16'), ['ok iso27002:5.15', 'ok iso27002:5.16']);
      assert.deepEqual(refs('ISO 27001 Annex A 5.15'), ['ok iso27001:A.5.15']);
      assert.deepEqual(refs('gemäß ISO/IEC 27001:2022 Anhang A 5.15'), ['ok iso27001:A.5.15']);
      assert.deepEqual(refs('ISO 27001 clause 6.1.2, ISO 27001 Kapitel 6.1.2 and ISO 27001 Abschnitt 9.2'), ['ok iso27001:6.1.2', 'ok iso27001:6.1.2', 'ok iso27001:9.2']);
      assert.deepEqual(refs('SOC 2 criterion CC6.1 and NIST CSF subcategory PR.AA-01'), ['ok soc2:CC6.1', 'ok csf:PR.AA-01']);
    });
    it('"ISO 27001 control 8.1" is Annex A 8.1: ISO 27001 calls only the Annex A items controls', () => {
      assert.deepEqual(refs('ISO 27001 control 8.1'), ['ok iso27001:A.8.1']);
      assert.deepEqual(refs('ISO 27001 control A.8.1'), ['ok iso27001:A.8.1']);
      assert.deepEqual(refs('ISO 27001 clause 8.1'), ['ok iso27001:8.1']);
      assert.deepEqual(refs('ISO 27001 control 5.38'), ['unknown iso27001:5.38']);
      assert.deepEqual(refs('ISO 27001:2013 control 9.2.1'), ['legacy iso27001:A.9.2.1']);
    });
    it('reads the ID on its own after another framework\'s name and a space, and flags it after an explicit prefix', () => {
      assert.deepEqual(refs('ISO 27001 CC6.1'), ['ok soc2:CC6.1']);
      assert.deepEqual(refs('ISO 27001: PR.AA-01'), ['ok csf:PR.AA-01']);
      assert.deepEqual(refs('ISO27001:PR.AA-01'), ['unknown iso27001:PR.AA-01']);
      assert.deepEqual(check(doc('See ISO 27001 Annex A 5.38.')).map((f: any) => f.ruleId), ['control-unknown']);
    });
  });

  describe('4. bare shapes in prose without a tie', () => {
    it('other catalogs\' IDs are no references: BSI IT-Grundschutz, CIS Controls, PCI DSS', () => {
      none(
        'ORP.4.A1 ist umgesetzt', 'Die Anforderung A5 ist offen.', 'Anforderungen A1 bis A20', '| ORP.4 | A5 | erfüllt |',
        'CIS Control 5.1', 'Control 6.1 and Safeguard 5.3', 'CIS 4.1', 'Requirement 8.2.1', 'PCI DSS 4.0 req 8.3.6',
        'A1.1.1 and A3.2.1 do not apply', 'ORP.4.A23 maps to ISO 27001; Anforderung A6 does not',
      );
    });
    it('a bare token counts alone when it resolves in an enabled framework or has a distinctive shape', () => {
      assert.deepEqual(refs('A1.2, C1.1, P1.1, PI1.1, A 5.15'), ['ok soc2:A1.2', 'ok soc2:C1.1', 'ok soc2:P1.1', 'ok soc2:PI1.1', 'malformed iso27001:A.5.15']);
      assert.deepEqual(refs('CC9.9, PR.AC-4, A.5.38, PR.AA-07, NHI11, A5.16'), [
        'unknown soc2:CC9.9', 'legacy csf:PR.AC-4', 'unknown iso27001:A.5.38', 'unknown csf:PR.AA-07', 'unknown nhi:NHI11', 'malformed iso27001:A.5.16',
      ]);
    });
    it('a bare token of a shape other numbering shares that does not resolve needs a tie', () => {
      none('A1.4', 'A 5.38', 'C1.9', 'DE.CH', 'A 9.2.1');
      assert.deepEqual(refs('A1.2', { frameworks: ['csf'] }), [], 'not enabled: no tie, no reference');
      assert.deepEqual(refs('CC6.1', { frameworks: ['csf'] }), ['out-of-scope soc2:CC6.1'], 'distinctive');
    });
    it('ties: the framework named on the line, in the table column\'s header, on the list\'s lead-in line, by the caller', () => {
      assert.deepEqual(refs('SOC 2: A1.4'), ['unknown soc2:A1.4']);
      assert.deepEqual(refs('Per ISO 27001, see A 5.38.'), ['unknown iso27001:A 5.38']);
      assert.deepEqual(refs('| SOC 2 | A1.4 |'), ['unknown soc2:A1.4']);
      assert.deepEqual(refs('| ISO 27001 | SOC 2 |\n|---|---|\n| A 5.38 | A1.4 |\n| A 5 | C1.9 |'), [
        'unknown iso27001:A 5.38', 'unknown soc2:A1.4', 'malformed iso27001:A.5', 'unknown soc2:C1.9',
      ]);
      assert.deepEqual(refs('TSC:\n    - A1.4\n    - CC6.1\nISO27001:\n    - A 5.38'), ['unknown soc2:A1.4', 'ok soc2:CC6.1', 'unknown iso27001:A 5.38']);
      assert.deepEqual(refs('A1.4', { ties: ['soc2'] }), ['unknown soc2:A1.4']);
      assert.deepEqual(refs('A1.4', { frameworks: ['csf'], ties: ['soc2'] }), ['out-of-scope soc2:A1.4']);
    });
    it('a tie to another framework does not count', () => {
      none('| ISO 27001 | A1.4 |', 'SOC 2 and A 5.38', '| SOC 2 | ISO 27001 |\n|---|---|\n| A 5.38 | A1.4 |', 'TSC:\n    - A 5.38');
    });
  });

  describe('10. a wrong edition says so', () => {
    const message = (text: string) => check(doc(`We rely on ${text} here.`)).map((f: any) => `${f.ruleId}: ${f.message}`);
    it('NHI8:2024: there is no 2024 edition of the OWASP NHI Top 10', () => {
      assert.deepEqual(message('NHI8:2024'), [
        "control-unknown: 'NHI8:2024' is not in OWASP Non-Human Identities Top 10 (2025): there is no 2024 edition of the OWASP NHI Top 10; NHI8:2025 is Environment Isolation.",
      ]);
      assert.match(message('NHI11:2025')[0], /has NHI1 to NHI10/);
    });
    it('an ID of the 2022 numbering labelled ISO 27001:2013 / ISO 27002:2013', () => {
      assert.match(message('ISO 27001:2013 A.5.9')[0], /^control-unknown: .*Annex A of ISO\/IEC 27001:2013 has no A\.5\.9; A\.5\.9 \(Inventory of information and other associated assets\) is the 2022 numbering, so label it ISO 27001:2022/);
      assert.match(message('ISO 27002:2013 5.15')[0], /^control-unknown: .*ISO\/IEC 27002:2013 has no 5\.15/);
      // An ID both editions have, labelled 2013, is the 2013 one.
      assert.match(message('ISO 27001:2013 A.8.1')[0], /^control-legacy: .*Responsibility for assets.*A\.5\.9/);
      assert.deepEqual(message('ISO 27001:2022 A.5.9'), []);
    });
    it('a CSF 2.0 ID labelled CSF 1.1', () => {
      assert.match(message('CSF 1.1 PR.AA-01')[0], /^control-unknown: .*CSF 1\.1 has no PR\.AA-01; PR\.AA-01 is the CSF 2\.0 numbering/);
      assert.match(message('NIST CSF v1.1 PR.AC-4')[0], /^control-legacy: /);
      assert.deepEqual(message('CSF 1.1 ID.AM'), [], 'a category both editions have');
    });
  });

  // A hang guard, not a speed target (bench/ measures speed): a scan that is quadratic in its text takes minutes on
  // 150 KB, a linear one milliseconds; the bound is wide so that a loaded machine never fails it.
  it('stays linear on adversarial text (100 KB+; no scan near the hang bound)', function () {
    this.timeout(600_000);
    const long = [
      'A.'.repeat(60_000), 'A '.repeat(60_000), 'A 5.'.repeat(30_000), 'ISO 27001 '.repeat(12_000), 'ISO/IEC 27001:2022 Annex '.repeat(5_000),
      '1'.repeat(120_000), '1.'.repeat(60_000), '-'.repeat(120_000), 'CC6.1-'.repeat(20_000), 'CC6.1 - '.repeat(15_000),
      'CC6.1 to '.repeat(15_000), 'ISO 27001' + ' '.repeat(120_000) + 'x', 'Annex' + ' '.repeat(120_000) + 'x', 'A' + ' '.repeat(120_000) + '5',
      'ISO 27001:' + ' '.repeat(120_000), 'SOC 2 ' + 'A1.4 '.repeat(25_000), 'A 5.38 '.repeat(20_000) + 'ISO 27001',
      '| SOC 2 | x |\n|---|---|\n' + '| A1.4 '.repeat(25_000), 'TSC:\n' + '    - A1.4\n'.repeat(12_000), '|'.repeat(120_000) + 'A1.4',
      '|\n|-\n' + '|A1.4\n'.repeat(20_000), 'Appendix '.repeat(15_000) + 'A.20', ' \n'.repeat(60_000) + 'A1.4', 'NHI'.repeat(40_000),
    ];
    let seed = 7;
    const parts = ['A', '.', ' ', '5', '12', 'ISO 27001', ':', '-', '\n', '|', 'CC6.1', 'to', 'Annex', 'A1.4', 'SOC 2', '---', 'a'];
    let soup = '';
    while (soup.length < 150_000) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      soup += parts[seed % parts.length];
    }
    long.push(soup);
    for (const text of long) {
      for (const mode of ['prose', 'list'] as const) {
        const t0 = process.hrtime.bigint();
        scanReferences(text, { frameworks: DEFAULT, mode });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        assert.ok(ms < 10_000, `${ms.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 30))}... (${text.length} chars, ${mode})`);
      }
    }
  });
});
