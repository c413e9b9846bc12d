/**
 * `.isms.yaml` validated (core/config-file.ts): one fixture per kind of mistake with its exact message and
 * position; the CLI's exit codes and output; the schema and docs/configuration.md generated from the settings and
 * equal to what mergeConfig accepts; the editor's diagnostics, completion and hover through the service and the
 * language server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, server } from './helpers/root';
import { runIsms } from './helpers/cli';
import { LspClient } from './helpers/lsp-client';

const { readConfigText, unmatchedGlobs } = server('core/config-file.js');
const { mergeConfig, defaultConfig, CONFIG_KEYS, FRAMEWORK_IDS, SEVERITY_SETTINGS } = server('core/config.js');
const { allRules } = server('core/rules/registry.js');
const { SETTING_DOCS } = server('core/editor/config-docs.js');
const { IsmsService } = server('core/service.js');

/** Each problem as `line:col: severity message` (1-based). */
const problems = (text: string): string[] =>
  readConfigText(text).diagnostics.map((d: any) => `${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.message}`);

const POLICY = '---\ntitle: Access Control Policy\ntype: policy\nowner: sec@example.com\nreview_cadence: annual\nlast_reviewed: 2026-01-10\ncontrols: [CSF:PR.AA-01]\n---\n\n# Access Control Policy\n\n## Purpose\n\nText.\n\n## Scope\n\nAll.\n\n## Policy\n\nRules.\n';

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-config-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('.isms.yaml: one fixture per kind of mistake', () => {
  const cases: [string, string, string[]][] = [
    ['an unknown setting, with did-you-mean', 'frameworks: [csf]\nframework: [csf]\n', ["2:1: error unknown setting 'framework' (did you mean 'frameworks'?)"]],
    ['an unknown setting far from any', 'colour: blue\n', ["1:1: error unknown setting 'colour'"]],
    ['an unknown nested setting', 'nhi:\n  staleAfterDay: 30\n', ["2:3: error unknown setting 'nhi.staleAfterDay' (did you mean 'nhi.staleAfterDays'?) (known: staleAfterDays, maxRotationDays)"]],
    ['an unknown framework', 'frameworks: [csf, iso2701]\n', ["1:19: error unknown framework 'iso2701' (did you mean 'iso27001'?) (known: csf, iso27001, iso27002, soc2, nhi, sp800-53)"]],
    ['an unknown rule ID', 'rules:\n  control-legacyy: error\n', ["2:3: error unknown rule 'control-legacyy' (did you mean 'control-legacy'?)"]],
    ['a bad severity', 'rules:\n  link-broken: loud\n', ["2:16: error severity must be one of error, warning, info, hint, off, not 'loud'"]],
    ['a wrong type: a string for a list', 'documentGlobs: policies/*.md\n', ['1:16: error documentGlobs must be a list of strings']],
    ['a wrong type: a number for a mapping', 'nhi: 90\n', ['1:6: error nhi must be a mapping, e.g. nhi: { staleAfterDays: 90, maxRotationDays: 90 }']],
    ['a wrong type: rules as a list', 'rules: [link-broken]\n', ['1:8: error rules must be a mapping of rule id to severity']],
    ['a today that is not a date', 'today: 2026-13-45\n', ["1:8: error today must be a calendar date YYYY-MM-DD, not '2026-13-45'"]],
    ['an audit_period that is not a date', 'audit_period: 2026-01-01..someday\n', ["1:15: error the period's end must be a calendar date YYYY-MM-DD, not 'someday'"]],
    ['a YAML syntax error', 'rules: [\n', ['2:1: error Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['a duplicate key', 'today: 2026-01-01\ntoday: 2026-01-02\n', ['2:1: error Map keys must be unique']],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(problems(text), expected));
  }

  it('a correct file has no problems, and its values are used', () => {
    const text = 'frameworks: [csf, soc2]\nrules:\n  placeholder: off\ntoday: 2026-01-01\naudit_period: 2026-01-01..2026-06-30\nnhi: { staleAfterDays: 30 }\n';
    const r = readConfigText(text);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.config.frameworks, ['csf', 'soc2']);
    assert.equal(r.config.rules.placeholder, 'off');
    assert.equal(r.config.nhi.staleAfterDays, 30);
    assert.deepEqual(r.config.auditPeriod, { start: '2026-01-01', end: '2026-06-30' });
  });

  it('globs that match no file are warnings on the glob', () => {
    const text = 'documentGlobs: ["policies/**/*.md"]\ninventoryGlobs:\n  - ids/*.yaml\nignoreGlobs: ["drafts/**"]\n';
    const w = unmatchedGlobs(text.replace('"policies/**/*.md"', '"policies/**/*.md", "!**/README.md"'), ['policies/a/b.md', 'drafts/']);
    assert.deepEqual(
      w.map((d: any) => `${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.message}`),
      ["3:5: warning inventoryGlobs: 'ids/*.yaml' matches no file in the workspace"],
    );
  });
});

describe('.isms.yaml: the CLI', () => {
  it('exits 2 with file:line:col for each error and checks nothing', () => {
    const dir = workspace({ '.isms.yaml': 'framework: [csf]\nrules:\n  control-legacyy: error\n', 'p.md': POLICY });
    const r = runIsms(dir, ['check', '.']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      ".isms.yaml:1:1: error unknown setting 'framework' (did you mean 'frameworks'?)",
      ".isms.yaml:3:3: error unknown rule 'control-legacyy' (did you mean 'control-legacy'?)",
    ]);
  });

  it('a value error names its setting', () => {
    const dir = workspace({ '.isms.yaml': 'rules:\n  link-broken: loud\n', 'p.md': POLICY });
    const r = runIsms(dir, ['check', '.']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), ".isms.yaml:2:16: error rules.link-broken: severity must be one of error, warning, info, hint, off, not 'loud'");
  });

  it('warns on stderr for globs that match nothing, without changing the exit code', () => {
    const dir = workspace({ '.isms.yaml': 'today: 2026-03-01\ninventoryGlobs: ["ids/*.yaml"]\nignoreGlobs: ["drafts/**", "**/node_modules/**"]\n', 'p.md': POLICY, 'drafts/x.md': POLICY, 'node_modules/m/README.md': '# m\n' });
    const ok = runIsms(dir, ['check', '.']);
    const without = runIsms(workspace({ '.isms.yaml': 'today: 2026-03-01\n', 'p.md': POLICY }), ['check', '.']);
    assert.equal(ok.status, without.status);
    assert.deepEqual(ok.stderr.trim().split('\n'), [".isms.yaml:2:18: warning inventoryGlobs: 'ids/*.yaml' matches no file in the workspace"]);
  });
});

describe('.isms.yaml: the schema and the reference equal what mergeConfig accepts', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'isms-config.schema.json'), 'utf8'));

  it('is generated from the settings (node scripts/config-schema.mjs --check)', async () => {
    const m = await import(pathToFileURL(path.join(ROOT, 'scripts', 'config-schema.mjs')).href);
    assert.deepEqual(m.check(), { ok: true, stale: [] }, 'run node scripts/config-schema.mjs');
  });

  it('has exactly the top-level keys mergeConfig accepts, and rejects any other', () => {
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties).sort(), [...CONFIG_KEYS].sort());
    for (const k of CONFIG_KEYS) {
      const p: any[] = [];
      mergeConfig(defaultConfig(), { [k]: null }, p);
      assert.ok(!p.some((x) => /unknown setting/.test(x.message)), k);
    }
    const p: any[] = [];
    mergeConfig(defaultConfig(), { notASetting: 1 }, p);
    assert.match(p[0].message, /unknown setting 'notASetting'/);
  });

  it('enumerates the frameworks, rule IDs and severities mergeConfig accepts', () => {
    assert.deepEqual(schema.properties.frameworks.items.enum, [...FRAMEWORK_IDS]);
    assert.deepEqual(schema.properties.rules.propertyNames.enum, allRules().map((r: any) => r.id));
    assert.deepEqual(schema.properties.rules.additionalProperties.enum, [...SEVERITY_SETTINGS]);
    assert.deepEqual(Object.keys(schema.properties.nhi.properties), ['staleAfterDays', 'maxRotationDays']);
    assert.deepEqual(Object.keys(schema.properties.documents.properties), ['requiredSections', 'keyAliases']);
  });

  it('is registered for .isms.yaml in package.json yamlValidation', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const entry = pkg.contributes.yamlValidation.find((e: any) => e.url === './schemas/isms-config.schema.json');
    assert.deepEqual(entry?.fileMatch, ['.isms.yaml']);
  });

  it('docs/configuration.md lists every key of the schema, nested ones included', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const keys: string[] = [];
    for (const [k, v] of Object.entries<any>(schema.properties)) {
      keys.push(k);
      for (const sub of Object.keys(v.properties ?? {})) keys.push(`${k}.${sub}`);
    }
    for (const k of keys) assert.ok(doc.includes(`| \`${k}\` |`), `docs/configuration.md does not list ${k}`);
    assert.deepEqual(SETTING_DOCS.map((s: any) => s.key).sort(), keys.sort());
  });
});

describe('.isms.yaml in the editor (through the service)', () => {
  const svc = new IsmsService();
  const uri = 'file:///ws/.isms.yaml';
  const at = (text: string, marker = '|') => {
    const i = text.indexOf(marker);
    const t = text.slice(0, i) + text.slice(i + 1);
    const before = t.slice(0, i).split('\n');
    return { file: { uri, text: t, version: 1 }, pos: { line: before.length - 1, character: before[before.length - 1].length } };
  };

  it('diagnostics: the problems of the file, and the globs that match none of the files given', () => {
    const file = { uri, text: 'framework: [csf]\ndocumentGlobs: ["policies/*.md"]\n', version: 1 };
    assert.deepEqual(
      svc.configProblems(file, ['README.md']).map((d: any) => [d.severity, d.range.start.line, d.message]),
      [
        ['error', 0, "unknown setting 'framework' (did you mean 'frameworks'?)"],
        ['warning', 1, "documentGlobs: 'policies/*.md' matches no file in the workspace"],
      ],
    );
  });

  it('completes settings at the top level and under a mapping', () => {
    const top = at('today: 2026-01-01\nfr|\n');
    const labels = svc.complete(top.file, top.pos).map((c: any) => c.label);
    assert.deepEqual(labels, [...CONFIG_KEYS]);
    const nhi = at('nhi:\n  |\n');
    assert.deepEqual(svc.complete(nhi.file, nhi.pos).map((c: any) => c.label), ['staleAfterDays', 'maxRotationDays']);
  });

  it('completes rule IDs under rules, severities after one, frameworks in the list', () => {
    const rules = at('rules:\n  link-|\n');
    const items = svc.complete(rules.file, rules.pos);
    assert.deepEqual(items.map((c: any) => c.label), allRules().map((r: any) => r.id));
    assert.deepEqual(items[0].textEdit.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 7 } });
    const sev = at('rules:\n  link-broken: |\n');
    assert.deepEqual(svc.complete(sev.file, sev.pos).map((c: any) => c.label), [...SEVERITY_SETTINGS]);
    const fw = at('frameworks: [csf, |]\n');
    assert.deepEqual(svc.complete(fw.file, fw.pos).map((c: any) => c.label), [...FRAMEWORK_IDS]);
    const block = at('frameworks:\n  - |\n');
    assert.deepEqual(svc.complete(block.file, block.pos).map((c: any) => c.label), [...FRAMEWORK_IDS]);
  });

  it('hovers a setting with its documentation, a rule with its description, a framework with its name', () => {
    const s = at('nhi:\n  stale|AfterDays: 30\n');
    assert.match(svc.hover(s.file, s.pos).contents, /^\*\*nhi\.staleAfterDays\*\*: positive number of days\n\nAn identity not used/);
    const r = at('rules:\n  link-bro|ken: off\n');
    const h = svc.hover(r.file, r.pos);
    assert.match(h.contents, /^\*\*link-broken\*\* \(default /);
    assert.deepEqual(h.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 13 } });
    const f = at('frameworks: [cs|f]\n');
    assert.match(svc.hover(f.file, f.pos).contents, /NIST Cybersecurity Framework \(CSF\) 2\.0/);
  });
});

describe('.isms.yaml in the editor (through the language server)', function () {
  this.timeout(60000);
  let client: LspClient;
  const dir = workspace({ 'p.md': POLICY, '.isms.yaml': 'today: 2026-03-01\n' });
  const uri = pathToFileURL(path.join(dir, '.isms.yaml')).href;
  before(async () => {
    client = new LspClient();
    await client.start(dir);
  });
  after(async () => client.stop());

  it('publishes the problems of the open .isms.yaml, completes and hovers in it', async () => {
    const d = await client.open(uri, 'yaml', 'today: 2026-03-01\nrules:\n  link-brokn: error\n');
    assert.deepEqual(
      d.diagnostics.map((x: any) => [x.severity, x.range.start.line, x.range.start.character, x.message]),
      [[1, 2, 2, "unknown rule 'link-brokn' (did you mean 'link-broken'?)"]],
    );
    const items = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 'link-brokn: '.length + 2 } });
    assert.deepEqual((items.items ?? items).map((c: any) => c.label), [...SEVERITY_SETTINGS]);
    const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.match(h.contents.value, /^\*\*today\*\*: date YYYY-MM-DD/);
  });
});

describe('.isms.yaml globs that match nothing, in the editor (after the workspace walk)', function () {
  this.timeout(60000);
  let client: LspClient;
  const cfg = "documentGlobs: ['policies/*.md', 'handbook/*.md.erb']\nignoreGlobs: ['drafts/**', 'build/**', '**/*.png', 'old.md']\n";
  const dir = workspace({ 'p.md': POLICY, 'drafts/x.md': POLICY, 'docs/logo.png': 'png', 'old.md': '# Old\n', 'handbook/a.md.erb': POLICY, '.isms.yaml': cfg });
  const uri = pathToFileURL(path.join(dir, '.isms.yaml')).href;
  before(async () => {
    client = new LspClient();
    await client.start(dir);
  });
  after(async () => client.stop());

  it('warns on each glob of documentGlobs and ignoreGlobs that matches no file, counting what ignoreGlobs left out, as the CLI does', async () => {
    let d = await client.open(uri, 'yaml', cfg);
    while (!d.diagnostics.length) d = await client.diagnostics(uri);
    const got = d.diagnostics.map((x: any) => [x.severity, x.range.start.line, x.message]);
    assert.deepEqual(got, [
      [2, 0, "documentGlobs: 'policies/*.md' matches no file in the workspace"],
      [2, 1, "ignoreGlobs: 'build/**' matches no file in the workspace"],
    ]);
    // The CLI says the same of the same file.
    const r = runIsms(dir, ['check', '.']);
    const cli = r.stderr.split('\n').filter((l: string) => /matches no file/.test(l)).map((l: string) => l.replace(/^.*warning /, '').replace(/^.*: (?=\w+Globs:)/, ''));
    assert.deepEqual(cli, got.map((g: any[]) => g[2]), r.stderr);
  });
});

describe('the VS Code settings (isms.*) through the language server', function () {
  this.timeout(60000);
  let client: LspClient;
  const dir = workspace({ 'p.md': POLICY });
  const doc = pathToFileURL(path.join(dir, 'p.md')).href;
  after(async () => client.stop());

  it('warns once per set of problems (unknown rule IDs with the nearest one), logs each every time, and ignores what it cannot use', async () => {
    client = new LspClient();
    const shown = client.record('window/showMessage');
    const logged = client.record('window/logMessage');
    const bad = { rules: { 'link-brokn': 'off', 'owner-shared': 'loud' } };
    const first = client.notification('window/showMessage');
    await client.start(dir, bad);
    const m = await first;
    assert.equal(m.type, 2);
    assert.equal(m.message, "isms settings: isms.rules: unknown rule 'link-brokn' (did you mean 'link-broken'?) (and 1 more problem; see the isms output). The setting is ignored; fix it in your settings.");
    const settingsLog = () => logged.filter((l) => l.message.startsWith('isms: settings:')).map((l) => [l.type, l.message]);
    assert.deepEqual(settingsLog(), [
      [2, "isms: settings: isms.rules: unknown rule 'link-brokn' (did you mean 'link-broken'?)"],
      [2, "isms: settings: isms.rules: severity must be one of error, warning, info, hint, off, not 'loud'"],
    ]);
    await client.open(doc, 'markdown', POLICY);
    // A configuration change is read again (the open document is checked again after it): the same problems are
    // logged again, not shown again; fixed, nothing; back again, shown again.
    const change = async (settings: unknown) => {
      client.settings = settings;
      const again = client.diagnostics(doc);
      client.notify('workspace/didChangeConfiguration', { settings: null });
      await again;
    };
    await change(bad);
    assert.equal(shown.length, 1);
    assert.equal(settingsLog().length, 4);
    await change({ rules: { 'link-broken': 'off' } });
    assert.equal(shown.length, 1);
    assert.equal(settingsLog().length, 4);
    await change({ frameworks: ['csff'], rules: { 'link-brokn': 'off' } });
    assert.equal(shown.length, 2);
    assert.match(shown[1].message, /^isms settings: isms\.frameworks: unknown framework 'csff' \(did you mean 'csf'\?\)/);
  });
});

describe('isms init', function () {
  this.timeout(60000);
  const { parse } = require('yaml');
  const copy = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-init-'));
    fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
    fs.rmSync(path.join(dir, '.isms.yaml'));
    return dir;
  };

  it('writes a commented, valid .isms.yaml and an owners.yaml of the owners used (examples/)', () => {
    const dir = copy();
    fs.mkdirSync(path.join(dir, 'sec'));
    fs.writeFileSync(path.join(dir, 'sec', 'notes.md'), '# Notes\n\nWe implement CSF:PR.AA-01 here.\n');
    fs.writeFileSync(path.join(dir, 'sec', 'ids.yaml'), 'identities:\n  - id: ci-deploy\n');
    const r = runIsms(dir, ['init']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['wrote .isms.yaml', 'wrote owners.yaml']);
    const cfg = fs.readFileSync(path.join(dir, '.isms.yaml'), 'utf8');
    assert.deepEqual(readConfigText(cfg).diagnostics, []);
    const parsed = parse(cfg);
    assert.deepEqual(parsed.frameworks, ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi']);
    assert.deepEqual(parsed.documentGlobs, ['sec/*.md']);
    assert.deepEqual(parsed.inventoryGlobs, ['sec/*.yaml']);
    assert.match(cfg, /^# Process documents found \(by folder\):\n#   policies\/: 1\n#   procedures\/: 1\n#   runbooks\/: 1$/m);
    assert.match(cfg, /^# NHI inventories found \(by folder\):\n#   inventories\/: 1$/m);
    const owners = parse(fs.readFileSync(path.join(dir, 'owners.yaml'), 'utf8')).owners;
    assert.ok(owners.length >= 2);
    for (const o of owners) {
      assert.deepEqual(Object.keys(o), o.id.includes('@') ? ['id', 'name', 'email', 'active'] : ['id', 'name', 'active']);
      assert.equal(o.active, true);
      if (o.email) assert.equal(o.email, o.id);
    }
    assert.ok(owners.some((o: any) => o.id === 'payments-platform@harborbank.example'), JSON.stringify(owners));
    // The repository it configured checks without a configuration error.
    assert.notEqual(runIsms(dir, ['check', '.']).status, 2);
  });

  it('lists the infrastructure files discovery will read, and documents the discovery block (commented)', () => {
    const dir = copy();
    const put = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    put('infra/main.tf', 'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n');
    put('infra/iam.tf', 'resource "aws_iam_role" "app" {\n  name = "app"\n}\n');
    put('.github/workflows/deploy.yml', 'on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.DEPLOY_KEY }}\n');
    put('k8s/sa.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n');
    put('deploy/values.yaml', 'replicas: 2\n'); // under deploy/, but no manifest
    const r = runIsms(dir, ['init']);
    assert.equal(r.status, 0, r.stderr);
    const cfg = fs.readFileSync(path.join(dir, '.isms.yaml'), 'utf8');
    assert.match(cfg, /Infrastructure files found:\n#   Terraform files: 2\n#   GitHub Actions workflows: 1\n#   Kubernetes manifests: 1\n# Where/);
    assert.match(cfg, /^# discovery: \{ inventory: identities\/platform\.nhi\.yaml, exclude: \["sandbox\/\*\*"\] \}$/m);
    assert.deepEqual(readConfigText(cfg).diagnostics, []);
    assert.equal(require('yaml').parse(cfg).discovery, undefined); // (commented: the defaults stay in force)
    // Uncommented, the example block is a valid setting.
    assert.deepEqual(readConfigText(cfg.replace(/^# discovery: \{ inventory/m, 'discovery: { inventory')).diagnostics, []);
    // Without any: "none yet".
    const bare = copy();
    assert.equal(runIsms(bare, ['init']).status, 0);
    assert.match(fs.readFileSync(path.join(bare, '.isms.yaml'), 'utf8'), /Infrastructure files found:\n#   none yet\n/);
  });

  it('refuses to overwrite either file, and writes nothing', () => {
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'owners.yaml'), 'owners: []\n');
    const r = runIsms(dir, ['init']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), 'isms: owners.yaml exists; not overwritten (nothing written)');
    assert.ok(!fs.existsSync(path.join(dir, '.isms.yaml')));
    assert.equal(fs.readFileSync(path.join(dir, 'owners.yaml'), 'utf8'), 'owners: []\n');
    fs.writeFileSync(path.join(dir, '.isms.yaml'), 'today: 2026-01-01\n');
    fs.rmSync(path.join(dir, 'owners.yaml'));
    assert.equal(runIsms(dir, ['init']).status, 2);
    assert.ok(!fs.existsSync(path.join(dir, 'owners.yaml')));
    assert.equal(fs.readFileSync(path.join(dir, '.isms.yaml'), 'utf8'), 'today: 2026-01-01\n');
  });
});
