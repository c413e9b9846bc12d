/**
 * OpenControl components (issue 14, core/lang/opencontrol.ts): recognised as their own kind, their `control_key`s
 * checked when their `standard_key` names a framework we hold, nothing else judged. Precision fixtures in OpenControl's
 * own style (schema 3.1.0, a freedonia-compliance-like project) under test/fixtures/precision/opencontrol/: every
 * finding is marked inline (`# expect: rule-id`) and every marker found; valid components give none.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';
import { runIsms } from './helpers/cli';
import { yamlExpectations } from './helpers/markers';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { looksLikeComponent, standardFramework, readComponent } = server('core/lang/opencontrol.js');
const { evidenceOf } = server('core/coverage/evidence.js');

const DIR = path.join(ROOT, 'test', 'fixtures', 'precision', 'opencontrol');
const ALL = ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi', 'sp800-53'];

function* walk(d: string): Generator<string> {
  for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

const expected = (text: string): string[] => yamlExpectations(text);

const config = (frameworks = ALL) => Object.assign(defaultConfig(), { today: '2026-11-23', frameworks });
const service = (frameworks = ALL) => new IsmsService({ relativePath: (p: string) => path.relative(DIR, p).split(path.sep).join('/') }, config(frameworks));

describe('OpenControl components', () => {
  describe('precision on an OpenControl project (every finding marked inline)', () => {
    const files = [...walk(DIR)];
    let components = 0;
    let found = 0;
    for (const f of files) {
      const rel = path.relative(DIR, f);
      it(rel, () => {
        const text = fs.readFileSync(f, 'utf8');
        const svc = service();
        const kind = svc.analysis({ uri: f, text }).kind;
        assert.equal(kind, /component\.yaml$/.test(f) ? 'component' : 'other', 'the project, standards and certification files are not components');
        if (kind === 'component') components++;
        const findings = svc.check({ uri: f, text }).filter((x: any) => !x.suppressed);
        found += findings.length;
        assert.deepEqual(findings.map((x: any) => `${x.range.start.line + 1}:${x.ruleId}`).sort(), expected(text));
      });
    }
    after(() => console.log(`      precision fixtures (OpenControl): ${components} components, ${found} findings, all expected`));
  });

  it('recognises a component by its satisfies entries, whatever its file name, and nothing else', () => {
    const comp = 'name: X\nsatisfies:\n  - control_key: AC-2\n    standard_key: NIST-800-53\n';
    assert.ok(looksLikeComponent(comp));
    assert.ok(looksLikeComponent('name: X\nsatisfies: [{control_key: AC-2, standard_key: NIST-800-53}]\n'));
    for (const not of ['name: X\nsatisfies:\n  TSC: [CC6.1]\n', 'controls: [AC-2]\n', 'standards:\n  NIST-800-53:\n    AC-2: {}\n', 'satisfies:\n  - control_key: AC-2\n']) assert.ok(!looksLikeComponent(not), not);
    const svc = service();
    assert.equal(svc.analysis({ uri: 'file:///ws/aws/ec2.yml', text: comp }).kind, 'component');
    assert.equal(svc.analysis({ uri: 'file:///ws/a.nhi.yaml', text: comp }).kind, 'inventory', 'an inventory by its name stays one');
  });

  it('reads standard keys: SP 800-53 latest or rev5 only; ISO, TSC, CSF by name; others are not ours', () => {
    const want: Record<string, string | undefined> = {
      'NIST-800-53': 'sp800-53', 'NIST SP 800-53 Rev. 5': 'sp800-53', 'NIST-800-53-rev5': 'sp800-53', 'NIST-800-53 rev4': undefined, 'NIST-800-53 rev3': undefined,
      'FRIST-800-53': undefined, 'FedRAMP-800-53-moderate': undefined, 'PCI-DSS-MAY-2015': undefined, 'NIST-800-171': undefined, 'ISO 27001': 'iso27001',
      'ISO/IEC 27002:2022': 'iso27002', TSC: 'soc2', 'NIST CSF 2.0': 'csf', LATO: undefined, '': undefined,
    };
    for (const [k, fw] of Object.entries(want)) assert.equal(standardFramework(k), fw, k);
  });

  it("checks control keys in OpenControl's spelling, at the key's own text (quotes left out)", () => {
    const text = 'name: X\nsatisfies:\n  - standard_key: NIST-800-53\n    control_key: "AC-2 (99)"\n  - standard_key: NIST-800-53\n    control_key: AC-2 (4)\n';
    const svc = service();
    const f = svc.check({ uri: 'c.yaml', text });
    assert.deepEqual(f.map((x: any) => [x.ruleId, x.range.start.line, x.range.start.character, x.range.end.character]), [['control-unknown', 3, 18, 27]]);
    const h = svc.hover({ uri: 'c.yaml', text }, { line: 5, character: 19 });
    assert.match(h.contents, /AC-2\(4\)/);
    assert.match(h.contents, /Automated Audit Actions/i);
  });

  it('runs no front matter, section, ownership or NHI rule on a component; syntax errors and literal secrets are still found', () => {
    const svc = service();
    const bare = 'satisfies:\n  - standard_key: NIST-800-53\n    control_key: AC-2\n';
    assert.deepEqual(svc.check({ uri: 'c.yaml', text: bare }), [], 'no name, no owner, no review: nothing to say but of its controls');
    const broken = 'name: X\nsatisfies:\n  - standard_key: NIST-800-53\n    control_key: AC-2\n  - [\n';
    assert.deepEqual(svc.check({ uri: 'c.yaml', text: broken }).map((x: any) => x.ruleId), ['syntax-error']);
    const secret = bare + 'verifications:\n  - key: v\n    name: token\n    path: https://ci.example/api?token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n    type: URL\n';
    assert.deepEqual(svc.check({ uri: 'c.yaml', text: secret }).map((x: any) => x.ruleId), ['secret-inline']);
    // Hostile nesting: one finding says what was not read; the rest of the component is checked and is evidence.
    const deep = bare + '    narrative: ' + '['.repeat(20000) + '\n';
    const a = svc.analysis({ uri: 'c.yaml', text: deep });
    const f = svc.check({ uri: 'c.yaml', text: deep });
    assert.deepEqual(f.map((x: any) => x.ruleId), ['file-unreadable']);
    assert.deepEqual(evidenceOf(a, f, deep, config())[0].listed, ['sp800-53:AC-2']);
  });

  it('with the default frameworks (SP 800-53 off), its SP 800-53 keys are out of scope, as in any list', () => {
    const text = fs.readFileSync(path.join(DIR, 'components', 'AU_policy', 'component.yaml'), 'utf8');
    const svc = service(defaultConfig().frameworks);
    const ids = svc.check({ uri: 'c.yaml', text }).map((x: any) => `${x.range.start.line + 1}:${x.ruleId}`);
    assert.deepEqual(ids, ['17:control-out-of-scope', '31:control-out-of-scope', '42:control-out-of-scope', '47:control-out-of-scope', '52:control-out-of-scope']);
  });

  it('is evidence in coverage: named by its name, owned by its responsible role, implemented entries listed, planned ones cited', () => {
    const text = fs.readFileSync(path.join(DIR, 'components', 'AU_policy', 'component.yaml'), 'utf8');
    const svc = service();
    const a = svc.analysis({ uri: 'components/AU_policy/component.yaml', text });
    const [e] = evidenceOf(a, svc.check({ uri: 'components/AU_policy/component.yaml', text }), text, config());
    assert.deepEqual(
      { ...e, listed: [...e.listed].sort() },
      {
        kind: 'document',
        uri: 'components/AU_policy/component.yaml',
        line: 0,
        name: 'Audit Policy',
        type: 'component',
        owners: ['Freedonia Security Team'],
        problems: [],
        listed: ['sp800-53:AU-1', 'sp800-53:AU-2', 'sp800-53:AU-6', 'sp800-53:AU-9'],
        cited: [{ key: 'sp800-53:AU-12', line: 51 }],
      },
    );
    const ldap = fs.readFileSync(path.join(DIR, 'components', 'legacy_ldap', 'component.yaml'), 'utf8');
    const b = svc.analysis({ uri: 'l.yaml', text: ldap });
    const [l] = evidenceOf(b, svc.check({ uri: 'l.yaml', text: ldap }), ldap, config());
    assert.deepEqual(l.problems.sort(), ['documentation incomplete', 'no owner', 'open errors']);
    assert.deepEqual(readComponent(ldap, config()).entries.map((x: any) => x.implemented), [true, true, true, true, true, true]);
  });

  it('isms check and isms coverage read an OpenControl project', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-oc-'));
    fs.cpSync(DIR, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.isms.yaml'), 'frameworks: [sp800-53, iso27001, soc2, csf]\n');
    const r = runIsms(dir, ['check', '.', '--today', '2026-11-23']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^4 files checked \(0 process documents, 0 inventories, 4 OpenControl components\): 3 errors, 3 warnings, 0 infos, 1 suppressed with a reason/m);
    const cov = runIsms(dir, ['coverage', '--format', 'json', '--today', '2026-11-23']);
    assert.equal(cov.status, 0, cov.stderr);
    const j = JSON.parse(cov.stdout);
    const sp = j.frameworks.find((f: any) => f.framework === 'sp800-53');
    const state = (id: string) => sp.controls.find((c: any) => c.id === id)?.state;
    assert.equal(state('AU-1'), 'evidenced');
    assert.equal(state('AC-2'), 'evidenced');
    assert.equal(state('AU-12'), 'mentioned', 'planned: spoken of, not evidence');
    assert.equal(state('CP-9'), 'stale', 'an error accepted with a reason still makes its evidence not fresh, as in any file');
    const iso = j.frameworks.find((f: any) => f.framework === 'iso27001');
    assert.equal(iso.controls.find((c: any) => c.id === 'A.5.15')?.state, 'evidenced');
  });
});
