/**
 * NHI inventories (issue 3): fixture files with expected findings marked inline (`# expect: rule-id`),
 * one folder per rule; every fix applied and re-checked; the chunked, cached analysis equal to a
 * whole-document one; the JSON Schema equal to the field table; the date and cadence helpers.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { server, ROOT } from './helpers/root';
import { prng as rng } from './helpers/prng';
import { ruleTester } from './helpers/rule-tester';
import { yamlExpectations } from './helpers/markers';

const { IsmsService } = server('core/service.js');
const { defaultConfig } = server('core/config.js');
const { analyze } = server('core/analysis/analyze.js');
const { splitInventory } = server('core/lang/inventory.js');
const { analyzeInventory, clearInventoryCache, inventoryCacheSize } = server('core/analysis/inventory.js');
const { IDENTITY_FIELDS, TOP_LEVEL_FIELDS, DEFAULTABLE_KEYS, NHI_TYPES, PRIVILEGES, CREDENTIALS, SECRET_STORES } = server('core/lang/inventory-schema.js');
// (nhi-undocumented and nhi-undeployed reconcile inventories with infrastructure code across files: their fixtures,
// fixes and markers are test/fixtures/discovery and test/discovery.test.ts.)
const DISCOVERY_RULES = ['nhi-undocumented', 'nhi-undeployed'];
const NHI_RULES = server('core/rules/registry.js').allRules().filter((r: any) => r.id.startsWith('nhi-') && !DISCOVERY_RULES.includes(r.id));
const ownership = server('core/rules/ownership/ownership.js');
const { YamlMapping } = server('core/lang/yaml-mapping.js');
const dates = server('core/dates.js');
const { LineIndex } = server('core/text.js');
const { Reporter } = server('core/report.js');
const { ruleMeta } = server('core/rules/registry.js');
const yaml = require(path.join(ROOT, 'node_modules', 'yaml'));

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'inventory');
const OWNERSHIP_RULES = ['owner-missing', 'owner-shared', 'review-cadence-missing', 'review-cadence-invalid', 'review-overdue', 'review-date-missing'];
const MY_RULES: string[] = [...OWNERSHIP_RULES, ...NHI_RULES.map((r: any) => r.id)];

function config() {
  const cfg = defaultConfig();
  cfg.today = '2026-11-23';
  return cfg;
}

function check(text: string, uri = 'inv.nhi.yaml', cfg = config()): any[] {
  return new IsmsService({ relativePath: (p: string) => p }, cfg).check({ uri, text });
}

const expected = (text: string): string[] => yamlExpectations(text);

function applyEdits(text: string, edits: any[]): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))) {
    out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  }
  return out;
}

const fixtureFiles: { rule: string; file: string; text: string }[] = [];
for (const rule of fs.readdirSync(FIXTURES).sort()) {
  for (const f of fs.readdirSync(path.join(FIXTURES, rule)).sort()) {
    fixtureFiles.push({ rule, file: f, text: fs.readFileSync(path.join(FIXTURES, rule, f), 'utf8') });
  }
}

describe('NHI inventory fixtures', () => {
  for (const { rule, file, text } of fixtureFiles) {
    it(`${rule}/${file}`, () => {
      const found = check(text, file).map((f) => `${f.range.start.line + 1}:${f.ruleId}`).sort();
      assert.deepEqual(found, expected(text));
    });
  }

  it('has a folder with at least one expected finding for every rule', () => {
    for (const id of MY_RULES) {
      const files = fixtureFiles.filter((f) => f.rule === id);
      assert.ok(files.length, `no fixture folder for ${id}`);
      assert.ok(files.some((f) => expected(f.text).some((e) => e.endsWith(`:${id}`))), `no expected ${id} in its folder`);
    }
  });

  it('every rule has RuleMeta with OWASP and controls, a docs page and a row in the rules table', () => {
    const table = fs.readFileSync(path.join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    for (const id of MY_RULES) {
      const m = ruleMeta(id);
      assert.ok(m, id);
      assert.ok(m.owasp?.length && m.controls?.length, `${id} lacks owasp/controls`);
      assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', `${id}.md`)), `docs/rules/${id}.md`);
      assert.ok(table.includes(`[${id}](${id}.md)`), `${id} not in docs/rules/README.md`);
    }
  });

  it('every OWASP NHI Top 10 risk has at least one rule', () => {
    const covered = new Set(MY_RULES.flatMap((id) => ruleMeta(id).owasp));
    for (let i = 1; i <= 10; i++) assert.ok(covered.has(`NHI${i}`), `NHI${i}`);
  });

  it('messages name the OWASP risk and the controls', () => {
    const f = check(fs.readFileSync(path.join(FIXTURES, 'nhi-rotation-overdue', 'overdue.nhi.yaml'), 'utf8')).find((x) => x.ruleId === 'nhi-rotation-overdue');
    assert.match(f.message, /NHI7:2025 Long-Lived Secrets/);
    assert.match(f.message, /ISO 27001 A\.5\.17/);
    assert.match(f.message, /\d+ days overdue/);
    const o = check(fs.readFileSync(path.join(FIXTURES, 'review-overdue', 'overdue.nhi.yaml'), 'utf8')).find((x) => x.ruleId === 'review-overdue');
    assert.match(o.message, /24 days overdue/);
  });

  it('nhi-secret-storage says error for plaintext and warning for env', () => {
    const fs2 = check(fs.readFileSync(path.join(FIXTURES, 'nhi-secret-storage', 'stores.nhi.yaml'), 'utf8')).filter((x) => x.ruleId === 'nhi-secret-storage');
    assert.deepEqual(fs2.map((x) => x.data.severity), ['error', 'warning', 'warning']);
  });

  it('the example inventory shows a realistic mix and keeps its control-legacy finding', () => {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'inventories', 'payments.nhi.yaml'), 'utf8');
    const ids = new Set(check(text, 'payments.nhi.yaml').map((f) => f.ruleId));
    for (const id of ['control-legacy', 'owner-missing', 'nhi-secret-storage', 'nhi-overprivileged', 'nhi-third-party']) assert.ok(ids.has(id), id);
  });
});

describe('NHI inventory rules (RuleTester)', () => {
  const base = 'kind: nhi-inventory\nidentities:\n  - id: a\n    owner: x@bank.example\n';
  ruleTester(['nhi-static-credential', 'nhi-ci-static-credential'], {
    uri: 'inv.nhi.yaml',
    valid: [base + '    type: service-account\n    platform: aws\n    credential: federated\n', base + '    type: service-account\n    platform: on-prem\n    credential: static-secret\n'],
    invalid: [
      {
        name: 'a static secret where the platform federates, named in words',
        text: base + '    type: service-account\n    platform: aws\n    credential: static-secret\n',
        findings: [{ ruleId: 'nhi-static-credential', line: 7, column: 17, message: /^Identity 'a' uses a static secret on aws, which offers federation/, fixes: ["Add NHI:NHI4 to 'controls'"] }],
        output: base + '    type: service-account\n    platform: aws\n    credential: static-secret\n    controls: [NHI:NHI4]\n',
        after: ['nhi-static-credential'],
      },
      {
        // A CI/CD identity gets the CI rule only, never both.
        name: 'a CI/CD identity with a static PAT',
        text: base + '    type: pat\n    platform: jenkins\n    credential: static-secret\n',
        findings: [{ ruleId: 'nhi-ci-static-credential', line: 7, message: /^Identity 'a' is a CI\/CD identity with a static secret:/ }],
      },
      {
        name: 'a CI/CD identity by type, the credential named by the type',
        text: base + '    type: pat\n    platform: jenkins\n',
        findings: [{ ruleId: 'nhi-ci-static-credential', line: 3, message: /with a static personal access token:/ }],
      },
    ],
  });

  ruleTester(['nhi-rotation-missing', 'nhi-rotation-overdue', 'nhi-rotation-too-long'], {
    uri: 'inv.nhi.yaml',
    valid: [base + '    type: api-key\n    rotation: P30D\n    last_rotated: 2026-11-01\n', base + '    type: workload-identity\n'],
    invalid: [
      {
        name: 'too long and overdue at once',
        text: base + '    type: api-key\n    rotation: P1Y\n    last_rotated: 2025-01-01\n    controls: [NHI7]\n',
        findings: [
          { ruleId: 'nhi-rotation-too-long', line: 6, data: { rotationDays: 365, maxDays: 90 } },
          { ruleId: 'nhi-rotation-overdue', line: 7, message: /326 days overdue for rotation/, data: { due: '2026-01-01' } },
        ],
        output: base + '    type: api-key\n    rotation: P90D\n    last_rotated: 2026-11-23\n    controls: [NHI7]\n',
      },
      {
        name: 'never rotated',
        text: base + '    type: certificate\n    rotation: never\n',
        findings: [{ ruleId: 'nhi-rotation-missing', line: 6, message: /says its certificate is never rotated/ }],
        output: base + '    type: certificate\n    rotation: P90D\n',
        after: ['nhi-rotation-overdue'],
      },
    ],
  });
});

describe('NHI inventory fixes', () => {
  const cases: { name: string; text: string; f: any; fix: any }[] = [];
  for (const { rule, file, text } of fixtureFiles) {
    for (const f of check(text, file)) {
      if (!MY_RULES.includes(f.ruleId)) continue;
      for (const fix of f.fixes) cases.push({ name: `${rule}/${file}:${f.range.start.line + 1} ${f.ruleId}: ${fix.title}`, text, f, fix });
    }
  }

  it('covers fixes of most rules', () => {
    const fixed = new Set(cases.map((c) => c.f.ruleId));
    for (const id of MY_RULES.filter((x) => ruleMeta(x).fixable)) assert.ok(fixed.has(id), `no fix exercised for ${id}`);
  });

  for (const c of cases) {
    it(c.name, () => {
      const out = applyEdits(c.text, c.fix.edits);
      const lines = new LineIndex(c.text);
      const s = Math.min(...c.fix.edits.map((e: any) => lines.offsetAt(e.range.start)));
      const e = Math.max(...c.fix.edits.map((x: any) => lines.offsetAt(x.range.end)));
      // The text outside the edit is byte-identical.
      assert.equal(out.slice(0, s), c.text.slice(0, s));
      assert.equal(out.slice(out.length - (c.text.length - e)), c.text.slice(e));
      const after = check(out);
      assert.ok(!after.some((x) => x.ruleId === 'syntax-error'), 'the fix breaks the YAML');
      const ident = c.f.data?.identity;
      const count = (fs: any[]) => fs.filter((x) => x.ruleId === c.f.ruleId && x.data?.identity === ident).length;
      if (/^Add NHI:NHI\d+ to 'controls'$/.test(c.fix.title)) {
        const ref = c.fix.title.split(' ')[1];
        const a = analyze({ uri: 'inv.nhi.yaml', text: out }, config());
        const id = a.identities.find((x: any) => x.id === ident);
        assert.ok(id.controls.includes(ref), `${ref} not in ${id.controls}`);
        assert.equal(count(after), count(check(c.text)), 'adding the control keeps the finding');
      } else if (/\(placeholder\)$/.test(c.fix.title)) {
        // A fix that marks a field to fill in never satisfies its own rule: the finding stays until a person writes it.
        assert.equal(count(after), count(check(c.text)), 'a placeholder keeps the finding');
        assert.ok(after.some((x) => x.ruleId === 'placeholder'), 'the placeholder is reported');
      } else {
        assert.equal(count(after), count(check(c.text)) - 1, 'the finding is gone');
      }
      if (c.fix.safe) {
        // A safe fix changes only the finding's own text.
        for (const ed of c.fix.edits) {
          assert.ok(ed.range.start.line >= c.f.range.start.line && ed.range.end.line <= c.f.range.end.line, 'safe fix outside its finding');
        }
      }
    });
  }

  it('inserts at the identity indentation, after its last line, keeping comments, with CRLF', () => {
    const text = 'kind: nhi-inventory\r\nidentities:\r\n  - id: a   # first\r\n    type: bot\r\n    owner: x@y.example\r\n\r\n  # about b\r\n  - id: b\r\n';
    const f = check(text).find((x) => x.ruleId === 'nhi-purpose-missing');
    const out = applyEdits(text, f.fixes[0].edits);
    assert.equal(out, text.replace('    owner: x@y.example\r\n', '    owner: x@y.example\r\n    purpose: TODO\r\n'));
  });

  it('adds a control to a flow list, a block list and inserts controls', () => {
    const base = 'kind: nhi-inventory\nidentities:\n  - id: a\n    human_use: true\n';
    const add = (t: string) => {
      const f = check(t).find((x) => x.ruleId === 'nhi-human-use');
      return applyEdits(t, f.fixes.find((x: any) => /Add NHI:NHI10/.test(x.title)).edits);
    };
    assert.equal(add(base + '    controls: [A.5.16]\n'), base + '    controls: [A.5.16, NHI:NHI10]\n');
    assert.equal(add(base + '    controls:\n      - A.5.16   # c\n'), base + '    controls:\n      - A.5.16   # c\n      - NHI:NHI10\n');
    assert.equal(add(base), base + '    controls: [NHI:NHI10]\n');
    assert.equal(add(base + '    controls: []\n'), base + '    controls: [NHI:NHI10]\n');
  });
});


function generated(n: number): string {
  const types = ['service-account', 'api-key', 'token', 'certificate', 'workload-identity', 'ci-cd-token', 'ai-agent'];
  const out = ['kind: nhi-inventory', 'defaults: { review_cadence: quarterly, environment: prod }', 'identities:'];
  for (let i = 0; i < n; i++) {
    const d = String(1 + (i % 28)).padStart(2, '0');
    out.push(
      `  - id: svc-${i % 97 === 5 ? 1 : i}`,
      `    type: ${types[i % types.length]}`,
      `    owner: team-${i % 40}@bank.example   # accountable team`,
      ...(i % 13 ? [`    purpose: Runs job number ${i}`] : []),
      `    platform: ${i % 3 ? 'aws' : 'on-prem'}`,
      `    privilege: ${i % 17 === 0 ? 'admin' : 'scoped'}`,
      `    scopes: ["s3:GetObject", "${i % 19 === 0 ? 'payments:*' : 'sqs:SendMessage'}"]`,
      `    credential: ${i % 5 === 0 ? 'static-secret' : 'federated'}`,
      `    secret_store: ${i % 23 === 0 ? 'plaintext' : 'vault'}`,
      `    rotation: ${i % 11 === 0 ? 'P1Y' : 'P90D'}`,
      `    last_rotated: 2026-0${1 + (i % 9)}-${d}`,
      `    last_reviewed: 2026-${i % 7 ? '10' : '05'}-${d}`,
      `    last_used: 2026-${i % 9 ? '11' : '03'}-${d}`,
      `    used_by: [batch-${i}${i % 29 === 0 ? ', other' : ''}]`,
      `    offboarding: runbooks/offboard.md`,
      `    controls: [CSF:PR.AA-01, ${i % 31 === 0 ? 'PR.AC-4' : 'ISO27001:A.5.16'}]`,
      ...(i % 10 === 0 ? ['', '  # a group comment'] : []),
    );
  }
  return out.join('\n') + '\n';
}

describe('NHI inventory: chunks and cache', () => {
  const sortKey = (f: any) => JSON.stringify([f.range.start.line, f.range.start.character, f.ruleId, f.message, f.range.end]);
  const run = (text: string, whole = false) => {
    const lines = new LineIndex(text);
    const r = new Reporter(lines);
    const res = analyzeInventory(text, lines, config(), r, { whole });
    return { findings: r.findings.map((f: any) => JSON.stringify(f)).sort(), identities: res.identities, refs: res.refs };
  };
  const example = fs.readFileSync(path.join(ROOT, 'examples', 'inventories', 'payments.nhi.yaml'), 'utf8');

  it('cuts at identities; chunks start at line starts and cover the text', () => {
    const text = generated(30);
    const chunks = splitInventory(text);
    assert.equal(chunks.filter((c: any) => c.kind === 'item').length, 30);
    assert.equal(chunks[0].start, 0);
    for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i].start, chunks[i - 1].end);
    assert.equal(chunks[chunks.length - 1].end, text.length);
    for (const c of chunks) assert.ok(c.start === 0 || text[c.start - 1] === '\n');
    assert.deepEqual(splitInventory('identities: [{id: a}]\n').map((c: any) => c.kind), ['whole']);
    assert.deepEqual(splitInventory('x: &a 1\nidentities:\n  - id: *a\n').map((c: any) => c.kind), ['whole']);
    assert.deepEqual(splitInventory('kind: nhi-inventory\nidentities:\n- id: a\n- id: b\nafter: 1\n').map((c: any) => c.kind), ['header', 'item', 'item', 'trailing']);
    assert.deepEqual(splitInventory('identities:\n  - id: a\n    scopes: [x,\n  ]\n').map((c: any) => c.kind), ['whole']);
    assert.deepEqual(splitInventory('identities:\n  - id: a\n    purpose: "two\n  lines"\n').map((c: any) => c.kind), ['whole']);
    assert.deepEqual(splitInventory('identities:\r\n  - id: a\r\n    purpose: |\r\n      - not an item\r\n  - id: b\r\n').map((c: any) => [c.kind, c.line]), [['header', 0], ['item', 1], ['item', 4]]);
  });

  for (const [name, text] of [['the example', example], ['a generated inventory', generated(120)], ['CRLF', generated(12).replace(/\n/g, '\r\n')]] as const) {
    it(`chunked findings equal whole-document findings: ${name}`, () => {
      clearInventoryCache();
      const a = run(text);
      const b = run(text, true);
      assert.ok(a.findings.length > 0);
      assert.deepEqual(a.findings, b.findings);
      assert.deepEqual(a.identities, b.identities);
      assert.deepEqual(a.refs.map((x: any) => [x.start, x.end, x.raw]).sort(), b.refs.map((x: any) => [x.start, x.end, x.raw]).sort());
    });
  }

  it('chunked findings equal whole-document findings: findings in the header and after the identities, also from the cache', () => {
    clearInventoryCache();
    const tail = 'notes:\n  legacy: PR.AC-4\n  token: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n';
    const head = 'kind: nhi-inventory\ncontrols: [PR.AC-4]\ndefaults: { review_cadence: sometimes }\nidentities:\n';
    let text = head + generated(6).split('identities:\n')[1] + tail;
    for (let i = 0; i < 3; i++) {
      const a = run(text); // (the header and the trailing part come from the cache after the first run)
      const b = run(text, true);
      assert.ok(a.findings.some((f: string) => f.includes('"line":1')), 'a header finding');
      assert.ok(a.findings.filter((f: string) => /control-legacy|secret/.test(f)).length >= 3, 'findings after the identities');
      assert.deepEqual(a.findings, b.findings, `run ${i}`);
      assert.deepEqual(a.refs.map((x: any) => [x.start, x.end, x.raw]).sort(), b.refs.map((x: any) => [x.start, x.end, x.raw]).sort());
      // an identity gains a line: the trailing part moves, the header stays
      text = text.replace('  - id: svc-1\n', '  - id: svc-1\n    purpose: x\n');
    }
  });

  it('chunked findings equal whole-document findings: every fixture', () => {
    for (const { rule, file, text } of fixtureFiles) {
      clearInventoryCache();
      const a = run(text);
      const b = run(text, true);
      assert.deepEqual(a.findings, b.findings, `${rule}/${file}`);
      assert.deepEqual(a.identities, b.identities, `${rule}/${file}`);
    }
  });

  it('random single-character edits: cached results equal a fresh analysis', function () {
    this.timeout(180000);
    const rand = rng(42);
    const alphabet = ['a', ' ', '\n', ':', '-', '#', '1', '[', '"', 'x', '\t', '*'];
    for (const start of [example, generated(25)]) {
      let text = start;
      clearInventoryCache();
      for (let i = 0; i < 150; i++) {
        const at = Math.floor(rand() * (text.length + 1));
        if (rand() < 0.5 && text.length) text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + alphabet[Math.floor(rand() * alphabet.length)] + text.slice(at);
        const warm = run(text);
        clearInventoryCache();
        const cold = run(text);
        assert.deepEqual(warm.findings, cold.findings, `edit ${i}`);
        assert.deepEqual(warm.identities, cold.identities, `edit ${i}`);
        // While the YAML is valid, the chunks agree with a parse of the whole file.
        const whole = run(text, true);
        if (!whole.findings.some((f: string) => f.includes('"syntax-error"'))) assert.deepEqual(cold.findings, whole.findings, `edit ${i} (whole)`);
      }
    }
    void sortKey;
  });

  it('an edit in one identity parses only that identity again', () => {
    clearInventoryCache();
    const text = generated(200);
    run(text);
    const size = inventoryCacheSize();
    const edited = text.replace('Runs job number 150', 'Runs job number 150 and more');
    run(edited);
    assert.equal(inventoryCacheSize(), size + 1);
  });

  it('checks a 2,000-identity inventory fast after an edit', function () {
    this.timeout(60000);
    clearInventoryCache();
    const text = generated(2000);
    const t0 = performance.now();
    analyze({ uri: 'big.nhi.yaml', text }, config());
    const cold = performance.now() - t0;
    const edited = text.replace('Runs job number 1500', 'Runs job number 1500!');
    const t1 = performance.now();
    analyze({ uri: 'big.nhi.yaml', text: edited }, config());
    const warm = performance.now() - t1;
    assert.ok(warm < cold, `warm ${warm.toFixed(1)} ms, cold ${cold.toFixed(1)} ms`);
  });

  it('returns identity summaries', () => {
    const a = analyze({ uri: 'p.nhi.yaml', text: example }, config());
    assert.equal(a.identities.length, 7);
    const first = a.identities[0];
    assert.equal(first.id, 'nhi-pay-001');
    assert.equal(first.type, 'workload-identity');
    assert.deepEqual(first.owners, ['payments-platform@harborbank.example']);
    assert.equal(example.split('\n')[first.idRange.start.line].slice(first.idRange.start.character, first.idRange.end.character), 'nhi-pay-001');
  });

  it('an empty or id-less inventory has no findings and does not throw', () => {
    assert.deepEqual(check('', 'e.nhi.yaml'), []);
    assert.deepEqual(check('kind: nhi-inventory\nidentities:\n', 'e.nhi.yaml'), []);
    assert.ok(Array.isArray(check('kind: nhi-inventory\nidentities:\n  - just a string\n  -\n  - [1, 2]\n')));
  });
});

describe('NHI inventory schema', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'nhi-inventory.schema.json'), 'utf8'));
  const identity = schema.definitions.identity;

  it('is draft-07 with kind, defaults and identities', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(Object.keys(schema.properties).sort(), TOP_LEVEL_FIELDS.map((f: any) => f.key).sort());
    assert.deepEqual(schema.properties.kind.enum, ['nhi-inventory']);
  });

  it('has exactly the identity keys of the table, each described, with the same enums', () => {
    assert.deepEqual(Object.keys(identity.properties).sort(), IDENTITY_FIELDS.map((f: any) => f.key).sort());
    for (const f of IDENTITY_FIELDS) {
      const p = identity.properties[f.key];
      assert.ok(p.description, f.key);
      if (f.values) assert.deepEqual(p.enum, [...f.values], f.key);
    }
    assert.deepEqual(identity.properties.type.enum, [...NHI_TYPES]);
    assert.deepEqual(identity.properties.privilege.enum, [...PRIVILEGES]);
    assert.deepEqual(identity.properties.credential.enum, [...CREDENTIALS]);
    assert.deepEqual(identity.properties.secret_store.enum, [...SECRET_STORES]);
  });

  it('defaults allow exactly the inheritable keys', () => {
    assert.deepEqual(Object.keys(schema.definitions.defaults.properties).sort(), [...DEFAULTABLE_KEYS].sort());
  });
});

describe('dates and cadences', () => {
  it('parses cadences', () => {
    const d = dates.parseCadenceDays;
    assert.equal(d('P90D'), 90);
    assert.equal(d('P3M'), 90);
    assert.equal(d('P1Y'), 365);
    assert.equal(d('P1W'), 7);
    assert.equal(d('P1Y6M'), 545);
    assert.equal(d('quarterly'), 90);
    assert.equal(d('Semiannual'), 180);
    assert.equal(d('biannual'), 180);
    assert.equal(d('yearly'), 365);
    assert.equal(d('6 months'), 180);
    assert.equal(d('90 days'), 90);
    assert.equal(d('every 2 weeks'), 14);
    for (const bad of ['', 'P', 'P0D', 'sometimes', 'quaterly', '90', undefined, 7]) assert.equal(d(bad), undefined, String(bad));
  });

  it('parses dates and counts days', () => {
    assert.equal(dates.parseDate('2026-02-30'), undefined);
    assert.equal(dates.parseDate('2026-11-23T10:00:00Z'), dates.parseDate('2026-11-23'));
    assert.equal(dates.daysBetween('2026-11-01', '2026-11-23'), 22);
    assert.equal(dates.addDays('2026-12-30', 3), '2027-01-02');
    assert.equal(dates.todayOf({ today: '2026-11-23' }), '2026-11-23');
    assert.match(dates.todayOf({}), /^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('ownership API on a front matter mapping', () => {
  it('reports owner-shared, review-overdue and inserts review_cadence at column 0', () => {
    const text = '---\ntitle: Access\nowner: [a@x.example, b@x.example]\nlast_reviewed: 2025-01-01\n---\n# Access\n';
    const fm = { start: 4, end: text.indexOf('---', 4) };
    const lines = new LineIndex(text);
    const r = new Reporter(lines);
    const doc = yaml.parseDocument(text.slice(fm.start, fm.end));
    const facts = ownership.checkOwnership(
      { mapping: new YamlMapping(doc.contents, fm.start, r), kind: 'document', subject: 'This policy', anchor: { start: 4, end: 9 }, today: '2026-11-23', eol: '\n', defaultCadence: 'annual' },
      r,
    );
    assert.deepEqual(facts.owners, ['a@x.example', 'b@x.example']);
    assert.deepEqual(r.findings.map((f: any) => [f.ruleId, f.range.start.line]), [['owner-shared', 2], ['review-cadence-missing', 1]]);
    const fix = r.findings[1].fixes[0];
    assert.equal(applyEdits(text, fix.edits), text.replace('2025-01-01\n', '2025-01-01\nreview_cadence: annual\n'));
  });
});

describe('ownership and severity details', () => {
  it('splits owners only where a list of contacts is written, not inside team names', () => {
    const { splitOwners } = server('core/rules/ownership/ownership.js');
    assert.deepEqual(splitOwners('Head of Identity and Access Management'), ['Head of Identity and Access Management']);
    assert.deepEqual(splitOwners('Risk & Compliance'), ['Risk & Compliance']);
    assert.deepEqual(splitOwners('a@bank.example and b@bank.example'), ['a@bank.example', 'b@bank.example']);
    assert.deepEqual(splitOwners('@iam-team / @sre'), ['@iam-team', '@sre']);
    assert.deepEqual(splitOwners('payments and treasury'), ['payments', 'treasury']);
    assert.deepEqual(splitOwners('payments team; platform team'), ['payments team', 'platform team']);
  });

  it('reports a plaintext store as an error and an env store as a warning unless configured', () => {
    const { IsmsService } = server('core/service.js');
    const { defaultConfig } = server('core/config.js');
    const cfg = defaultConfig();
    cfg.today = '2026-11-23';
    const text = (store: string) =>
      `kind: nhi-inventory\nidentities:\n  - id: k\n    type: api-key\n    credential: api-key\n    secret_store: ${store}\n`;
    const sev = (s: any, store: string) => s.check({ uri: 'i.nhi.yaml', text: text(store) }).find((f: any) => f.ruleId === 'nhi-secret-storage')?.severity;
    const s = new IsmsService({ relativePath: (p: string) => p }, cfg);
    assert.equal(sev(s, 'plaintext'), 'error');
    assert.equal(sev(s, 'env'), 'warning');
    s.setConfig({ ...cfg, rules: { 'nhi-secret-storage': 'info' } });
    assert.equal(sev(s, 'plaintext'), 'info');
    assert.equal(sev(s, 'env'), 'info');
  });
});

describe('a whole-file check of an inventory with a flow-style header', () => {
  // (Cut, as an open file is: what the whole file read by the library found before is what it finds now; checked
  // byte for byte on a generated 2,000-file workspace when the cut was introduced, and by the golden files.)
  it('is cut into identities as an open file is, and finds what the editor finds', () => {
    const cfg = { ...defaultConfig(), today: '2026-11-23' };
    const ids = Array.from({ length: 6 }, (_, i) =>
      [`  - id: svc-${i}`, `    type: ${i % 2 ? 'api-key' : 'service-account'}`, ...(i % 3 ? ['    owner: team@example.com'] : []), `    rotation: P90D`, `    last_rotated: 2026-0${1 + i}-01`, `    controls: [NHI${1 + i}, CSF:PR.AA-0${1 + (i % 5)}]`].join('\n'),
    );
    for (const header of ['defaults: { review_cadence: quarterly, environment: prod }', 'defaults: {review_cadence: quarterly}\nowners: [a@example.com, b@example.com]']) {
      const text = `kind: nhi-inventory\n${header}\nidentities:\n${ids.join('\n')}\n`;
      const findings = (whole: boolean) => {
        const out = analyze({ uri: `file:///flow-${whole}.nhi.yaml`, text }, cfg, `flow-${whole}.nhi.yaml`, undefined, { whole });
        return out.findings.map((f: any) => [f.ruleId, f.range.start.line, f.message]).sort();
      };
      assert.equal(yaml.parseDocument(text).errors.length, 0);
      const expected = findings(false);
      assert.ok(expected.length > 0);
      assert.deepEqual(findings(true), expected);
    }
  });
});
