/**
 * Discovery (issue 18, docs/discovery.md): the readers of Kubernetes manifests and GitHub Actions workflows,
 * which files are read, the reconciliation with the inventories, the rules nhi-undocumented, nhi-undeployed and
 * discovery-skipped through the service (as the server runs them) and the CLI (`isms check`, `isms discover`),
 * over the fixtures of test/fixtures/discovery with their expected findings marked inline (`# expect: rule-id`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, server } from './helpers/root';
import { runIsms } from './helpers/cli';
import { yamlExpectations } from './helpers/markers';

const { readKubernetes } = server('core/discovery/kubernetes.js');
const { readWorkflow } = server('core/discovery/workflows.js');
const { discoverFile, infraOrigin } = server('core/discovery/discover.js');
const { appendEntriesEdit, chooseInventory, documents, entryFields, suggestedId } = server('core/discovery/reconcile.js');
const { scanEntries } = server('core/workspace-index.js');
const { IsmsService } = server('core/service.js');
const { defaultConfig, mergeConfig } = server('core/config.js');
const { nodeFileHost } = server('node/file-host.js');
const { discoveryReaders, loadHcl } = server('node/hcl.js');
const { LineIndex } = server('core/text.js');

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'discovery');
const DISCOVERY_RULES = ['nhi-undocumented', 'nhi-undeployed', 'discovery-skipped'];

function config() {
  const c = defaultConfig();
  c.today = '2026-11-23';
  return c;
}

function apply(text: string, edits: { range: any; newText: string }[]): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))) {
    out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** `line:rule` of every `# expect: rule` marker of the discovery rules in a file. */
const expected = (text: string): string[] => yamlExpectations(text, (id) => DISCOVERY_RULES.includes(id));

/** A service over a fixture project as the server has it after its walk: every file indexed, discovery complete. */
function workspaceService(root: string, readers?: unknown) {
  const svc = new IsmsService({ relativePath: (p: string) => path.relative(root, p).split(path.sep).join('/'), files: nodeFileHost(() => root) }, config());
  if (readers) svc.setDiscoveryReaders(readers);
  for (const f of walk(root)) svc.indexFile({ uri: f, text: fs.readFileSync(f, 'utf8') });
  svc.setDiscoveryComplete(true);
  return svc;
}

describe('discovery: Kubernetes manifests', () => {
  it('reads service accounts with the three workload-identity annotations as federated workload identities', () => {
    const text = ['IRSA:eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/team/payments-api', 'GKE:iam.gke.io/gcp-service-account: a@p.iam.gserviceaccount.com', 'AKS:azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000001']
      .map((a, i) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa${i}\n  annotations:\n    ${a.slice(a.indexOf(':') + 1)}\n`)
      .join('---\n');
    const r = readKubernetes(text + '---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: plain\n  namespace: ops\n');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.identities.map((i: any) => [i.source, i.entry.type, i.entry.credential]), [
      ['k8s:default/ServiceAccount/sa0', 'workload-identity', 'federated'],
      ['k8s:default/ServiceAccount/sa1', 'workload-identity', 'federated'],
      ['k8s:default/ServiceAccount/sa2', 'workload-identity', 'federated'],
      ['k8s:ops/ServiceAccount/plain', 'service-account', undefined],
    ]);
    // The role's ARN and name, the Google account and the Azure client ID are names an inventory entry may use.
    assert.ok(r.identities[0].names.includes('payments-api') && r.identities[0].names.includes('arn:aws:iam::123456789012:role/team/payments-api'));
    assert.ok(r.identities[1].names.includes('a@p.iam.gserviceaccount.com'));
    assert.ok(r.identities[2].names.includes('00000000-0000-0000-0000-000000000001'));
    // The finding goes on metadata.name.
    assert.deepEqual(r.identities[3].focus, { start: { line: 24, character: 8 }, end: { line: 24, character: 13 } });
  });

  it('reads secrets that hold credentials, and only those', () => {
    const doc = (name: string, body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${body}`;
    const r = readKubernetes(
      [
        doc('sa-token', 'type: kubernetes.io/service-account-token\n'),
        doc('tls', 'type: kubernetes.io/tls\ndata:\n  tls.crt: eA==\n  tls.key: eA==\n'),
        doc('db', 'type: Opaque\nstringData:\n  DB_PASSWORD: x\n'),
        doc('stripe', 'stringData:\n  api_key: x\n'),
        doc('flags', 'type: Opaque\nstringData:\n  FEATURES: a,b\n  LOG_LEVEL: info\n'),
      ].join('---\n'),
    );
    assert.deepEqual(r.identities.map((i: any) => [i.source, i.entry.type, i.entry.secret_store]), [
      ['k8s:default/Secret/sa-token', 'token', 'k8s-secret'],
      ['k8s:default/Secret/tls', 'certificate', 'k8s-secret'],
      ['k8s:default/Secret/db', 'token', 'k8s-secret'],
      ['k8s:default/Secret/stripe', 'api-key', 'k8s-secret'],
    ]);
  });

  it('reads ExternalSecrets with the store their SecretStore names, and SecretProviderClasses', () => {
    const r = readKubernetes(fs.readFileSync(path.join(FIXTURES, 'workspace', 'k8s', 'external-secrets.yaml'), 'utf8'));
    assert.deepEqual(r.identities.map((i: any) => [i.source, i.entry.secret_store]), [
      ['k8s:payments/ExternalSecret/stripe-api-key', 'vault'],
      ['k8s:payments/SecretProviderClass/vault-db-creds', 'vault'],
    ]);
    assert.ok(r.identities[0].names.includes('stripe'), 'the target secret name');
    assert.match(r.identities[0].entry.purpose, /payments\/stripe/);
    // Without the store in the file, the store is not guessed.
    const alone = readKubernetes('apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: x\nspec:\n  secretStoreRef:\n    name: elsewhere\n');
    assert.equal(alone.identities[0].entry.secret_store, undefined);
  });

  it('skips a Helm-templated file with one templated problem and no identity', () => {
    const r = readKubernetes(fs.readFileSync(path.join(FIXTURES, 'helm', 'deploy', 'templates', 'serviceaccount.yaml'), 'utf8'));
    assert.deepEqual(r.identities, []);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].kind, 'templated');
    assert.equal(r.problems[0].range.start.line, 3);
  });

  it('reports malformed YAML once, never throws, on any cut of a manifest', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'workspace', 'k8s', 'service-accounts.yaml'), 'utf8');
    for (let i = 0; i <= text.length; i += 7) {
      for (const t of [text.slice(0, i), text.slice(i), text.slice(0, i) + ': [\n' + text.slice(i), text.slice(0, i) + '\t\u0000' + text.slice(i)]) {
        const r = readKubernetes(t);
        assert.ok(r.problems.length <= 1);
      }
    }
    const bad = readKubernetes('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [x\n');
    assert.equal(bad.problems.length, 1);
    assert.equal(bad.problems[0].kind, 'malformed');
    assert.equal(readKubernetes('apiVersion: v1\nkind: X\n' + '- '.repeat(5000) + 'x\n').problems.length, 1);
  });
});

describe('discovery: GitHub Actions workflows', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'workspace', '.github', 'workflows', 'deploy.yml'), 'utf8');
  const r = readWorkflow(text, '.github/workflows/deploy.yml');

  it('reads every secret a job reads (expressions, if: conditions, index syntax), once each, GITHUB_TOKEN and comments left out', () => {
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.identities.map((i: any) => i.source), [
      'github:secrets.NPM_TOKEN',
      'github:.github/workflows/deploy.yml#oidc',
      'github:secrets.DEPLOY_WEBHOOK',
      'github:secrets.AWS_DEPLOY_KEY',
    ]);
    const npm = r.identities[0];
    assert.equal(text.split('\n')[npm.focus.start.line].slice(npm.focus.start.character, npm.focus.end.character), 'secrets.NPM_TOKEN');
    assert.deepEqual(npm.entry, { type: 'ci-cd-token', platform: 'github-actions', credential: 'static-secret', secret_store: 'ci-secret', purpose: 'Secret NPM_TOKEN read by the GitHub Actions workflow .github/workflows/deploy.yml' });
  });

  it('reads id-token: write (workflow or job level) as a federated identity, none without it', () => {
    const oidc = r.identities[1];
    assert.equal(oidc.entry.type, 'workload-identity');
    assert.equal(oidc.entry.credential, 'federated');
    assert.equal(readWorkflow('on: push\npermissions:\n  id-token: write\njobs: {}\n', '.github/workflows/a.yml').identities.length, 1);
    assert.equal(readWorkflow('on: push\npermissions:\n  id-token: read\njobs: {}\n', '.github/workflows/a.yml').identities.length, 0);
  });

  it('reports malformed YAML once', () => {
    const bad = readWorkflow('on: push\njobs:\n  a: [\n', '.github/workflows/a.yml');
    assert.deepEqual([bad.identities.length, bad.problems.length, bad.problems[0].kind], [0, 1, 'malformed']);
  });
});

describe('discovery: which files are read', () => {
  it('reads the default globs, never YAML outside them, never when disabled or excluded', () => {
    const c = config();
    assert.equal(infraOrigin('infra/main.tf', c), 'terraform');
    assert.equal(infraOrigin('.github/workflows/ci.yml', c), 'github');
    assert.equal(infraOrigin('services/api/.github/workflows/ci.yaml', c), 'github');
    assert.equal(infraOrigin('k8s/sa.yaml', c), 'k8s');
    assert.equal(infraOrigin('apps/api/deploy/prod/sa.yml', c), 'k8s');
    assert.equal(infraOrigin('api.k8s.yaml', c), 'k8s');
    assert.equal(infraOrigin('config/app.yaml', c), undefined);
    assert.equal(infraOrigin('../other/k8s/sa.yaml', c), undefined);
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n';
    assert.equal(discoverFile('config/app.yaml', sa, c), undefined, 'a YAML outside the globs is not sniffed');
    assert.equal(discoverFile('k8s/values.yaml', 'replicas: 2\n', c), undefined, 'a YAML without apiVersion and kind is no manifest');
    assert.equal(discoverFile('k8s/sa.yaml', sa, c).identities.length, 1);
    const off = mergeConfig(c, { discovery: { enabled: false } });
    assert.equal(discoverFile('k8s/sa.yaml', sa, off), undefined);
    const excluded = mergeConfig(c, { discovery: { exclude: ['k8s/legacy/**'] } });
    assert.equal(infraOrigin('k8s/legacy/sa.yaml', excluded), undefined);
    const only = mergeConfig(c, { discovery: { include: ['charts/rendered/**/*.yaml'] } });
    assert.equal(infraOrigin('k8s/sa.yaml', only), undefined);
    assert.equal(infraOrigin('charts/rendered/a/sa.yaml', only), 'k8s');
  });

  it('skips .tf files without an injected Terraform reader, reads them with one', () => {
    const c = config();
    assert.equal(discoverFile('main.tf', 'resource "aws_iam_user" "ci" {}\n', c), undefined);
    // A test double of the reader the adapters inject (the real one is core/discovery/terraform.ts).
    const double = { terraform: () => ({ origin: 'terraform', identities: [], problems: [] }) };
    assert.deepEqual(discoverFile('main.tf', 'x', c, double), { origin: 'terraform', identities: [], problems: [] });
  });

  it('checks the discovery settings of .isms.yaml', () => {
    const problems: any[] = [];
    const c = mergeConfig(defaultConfig(), { discovery: { enabled: 'yes', include: 'k8s', inventroy: 'x', inventory: './identities/a.nhi.yaml' } }, problems);
    assert.deepEqual(problems.map((p) => p.path), ['discovery.enabled', 'discovery.include', 'discovery.inventroy']);
    assert.match(problems[2].message, /did you mean 'discovery.inventory'/);
    assert.equal(c.discovery.inventory, 'identities/a.nhi.yaml');
    assert.equal(c.discovery.enabled, true);
  });
});

describe('discovery: reconciliation', () => {
  const d = { source: 'github:secrets.NPM_TOKEN', names: ['NPM_TOKEN'] };

  it('matches on source ref, id or name, ignoring case and surrounding blanks', () => {
    assert.equal(documents({ sources: [' GitHub:secrets.npm_token '], owners: [], line: 0 }, d), 'source');
    assert.equal(documents({ id: 'npm_token', sources: [], owners: [], line: 0 }, d), 'name');
    assert.equal(documents({ name: 'Npm_Token', sources: [], owners: [], line: 0 }, d), 'name');
    assert.equal(documents({ id: 'npm-token', sources: ['github:secrets.OTHER'], owners: [], line: 0 }, d), undefined);
  });

  it('scans the entries of an inventory on disk (source as a value, a flow list or a block list)', () => {
    const text = 'kind: nhi-inventory\nidentities:\n  - id: a\n    name: "A"\n    source: k8s:x/ServiceAccount/a # here\n    owner: t@x\n    reviews:\n      - date: 2026-01-01\n        id: not-an-entry\n  - id: b\n    source: [github:secrets.B, "github:secrets.C"]\n  - id: c\n    source:\n      - k8s:y/Secret/c\n      - k8s:y/Secret/d\n    purpose: x\n';
    assert.deepEqual(scanEntries(text), [
      { id: 'a', name: 'A', sources: ['k8s:x/ServiceAccount/a'], owners: ['t@x'], line: 2 },
      { id: 'b', sources: ['github:secrets.B', 'github:secrets.C'], owners: [], line: 9 },
      { id: 'c', sources: ['k8s:y/Secret/c', 'k8s:y/Secret/d'], owners: [], line: 11 },
    ]);
  });

  it('appends entries in the list\'s own indentation, keeping comments, and into empty lists', () => {
    const decl = readKubernetes('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: pay\n').identities[0];
    const fields = entryFields(decl, suggestedId(decl));
    const four = 'kind: nhi-inventory\nidentities:\n    -   id: a # first\n        owner: x\n# trailing comment\n';
    assert.equal(apply(four, [appendEntriesEdit(four, [fields])]), 'kind: nhi-inventory\nidentities:\n    -   id: a # first\n        owner: x\n    -   id: pay-api\n        name: api\n        type: service-account\n        source: k8s:pay/ServiceAccount/api\n        platform: kubernetes\n        owner: TODO\n        purpose: TODO\n# trailing comment\n');
    const empty = 'kind: nhi-inventory\nidentities:\n';
    assert.match(apply(empty, [appendEntriesEdit(empty, [fields])]), /^kind: nhi-inventory\nidentities:\n  - id: pay-api\n    name: api\n/);
    const flow = 'kind: nhi-inventory\nidentities: []\n';
    const out = apply(flow, [appendEntriesEdit(flow, [fields])]);
    assert.match(out, /^kind: nhi-inventory\nidentities:\n  - id: pay-api\n/);
    const crlf = 'kind: nhi-inventory\r\nidentities:\r\n  - id: a\r\n';
    assert.ok(!/[^\r]\n/.test(apply(crlf, [appendEntriesEdit(crlf, [fields])])), 'CRLF kept');
    assert.equal(appendEntriesEdit('identities: [{id: a}]\n', [fields]), undefined, 'a flow list is not rewritten');
    assert.equal(appendEntriesEdit('identities:\n  - id: a\n   bad: [\n', [fields]), undefined, 'nor a file with a YAML error');
  });

  it('chooses the configured inventory, else the one documenting the folder, else the nearest up the tree', () => {
    const invs = [{ rel: 'a/x.nhi.yaml', sources: [] }, { rel: 'identities/b.nhi.yaml', sources: ['k8s:p/ServiceAccount/one'] }, { rel: 'k8s/c.nhi.yaml', sources: [] }];
    assert.equal(chooseInventory('k8s/sa.yaml', invs, new Set(['k8s:p/serviceaccount/one']), 'a/x.nhi.yaml'), 'a/x.nhi.yaml');
    assert.equal(chooseInventory('k8s/sa.yaml', invs, new Set(['k8s:p/serviceaccount/one'])), 'identities/b.nhi.yaml');
    assert.equal(chooseInventory('k8s/sa.yaml', invs, new Set()), 'k8s/c.nhi.yaml');
    assert.equal(chooseInventory('k8s/sa.yaml', invs, new Set(), 'missing.nhi.yaml'), 'k8s/c.nhi.yaml');
    assert.equal(chooseInventory('k8s/sa.yaml', [], new Set()), undefined);
  });
});

describe('discovery: fixtures through the service (as the server after its walk) and the CLI', () => {
  for (const project of ['workspace', 'helm', 'malformed']) {
    const root = path.join(FIXTURES, project);
    const files = walk(root).filter((f) => !f.endsWith('.isms.yaml'));

    it(`${project}: the service's findings are the markers (Terraform read through the real grammar)`, async () => {
      const svc = workspaceService(root, (await loadHcl()) && discoveryReaders());
      for (const f of files) {
        const text = fs.readFileSync(f, 'utf8');
        const found = svc.check({ uri: f, text }).filter((x: any) => DISCOVERY_RULES.includes(x.ruleId)).map((x: any) => `${x.range.start.line + 1}:${x.ruleId}`).sort();
        assert.deepEqual(found, expected(text), path.relative(root, f));
      }
    });

    it(`${project}: isms check finds the same, over the project and over one folder of it`, () => {
      for (const target of ['.', ...(project === 'workspace' ? ['k8s', 'identities'] : [])]) {
        const r = runIsms(root, ['check', target, '--format', 'json']);
        assert.ok(r.status === 0 || r.status === 1, r.stderr);
        const json = JSON.parse(r.stdout);
        for (const file of json.files) {
          const abs = path.join(root, file.path);
          const found = file.findings.filter((x: any) => DISCOVERY_RULES.includes(x.ruleId)).map((x: any) => `${x.range.start.line + 1}:${x.ruleId}`).sort();
          assert.deepEqual(found, expected(fs.readFileSync(abs, 'utf8')), `${target}: ${file.path}`);
        }
      }
    });
  }

  it('reports nothing cross-file before the workspace is complete (never on a partial index)', () => {
    const root = path.join(FIXTURES, 'workspace');
    const svc = new IsmsService({ relativePath: (p: string) => path.relative(root, p).split(path.sep).join('/') }, config());
    for (const f of walk(root)) svc.indexFile({ uri: f, text: fs.readFileSync(f, 'utf8') });
    for (const f of walk(root)) assert.deepEqual(svc.check({ uri: f, text: fs.readFileSync(f, 'utf8') }).filter((x: any) => x.ruleId === 'nhi-undocumented' || x.ruleId === 'nhi-undeployed'), []);
  });

  it('adds the entry with the quick fix (an edit of the inventory); the identity is then documented', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-disc-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'workspace'), dir, { recursive: true });
      const svc = workspaceService(dir);
      const sa = path.join(dir, 'k8s', 'service-accounts.yaml');
      const inv = path.join(dir, 'identities', 'platform.nhi.yaml');
      const text = fs.readFileSync(sa, 'utf8');
      const finding = svc.check({ uri: sa, text }).find((f: any) => f.ruleId === 'nhi-undocumented');
      const action = svc.codeActions({ uri: sa, text }, finding.range).find((a: any) => a.elsewhere);
      assert.equal(action.title, 'Add Kubernetes ServiceAccount payments/ledger to identities/platform.nhi.yaml');
      assert.deepEqual(action.edits, []);
      assert.equal(action.elsewhere.length, 1);
      assert.equal(action.elsewhere[0].uri, inv);
      const before = fs.readFileSync(inv, 'utf8');
      const after = apply(before, action.elsewhere[0].edits);
      assert.ok(after.startsWith(before.slice(0, before.indexOf('# end of the list'))), 'the inventory is only appended to');
      assert.ok(after.endsWith('# end of the list\n'), 'its comments are kept');
      assert.match(after, /  - id: payments-ledger\n    name: ledger\n    type: workload-identity\n    source: k8s:payments\/ServiceAccount\/ledger\n/);
      // The inventory with the entry: the declaration is documented.
      svc.check({ uri: inv, text: after });
      assert.ok(!svc.check({ uri: sa, text }).some((f: any) => f.ruleId === 'nhi-undocumented' && f.range.start.line === finding.range.start.line));
      // Hover on the declaration: the entry, its owner and its findings.
      const h = svc.hover({ uri: sa, text }, finding.range.start);
      assert.match(h.contents, /Documented in identities\/platform\.nhi\.yaml:\d+ as \*\*payments-ledger\*\*/);
      assert.match(h.contents, /Owner: TODO|No owner/);
      const other = svc.check({ uri: sa, text }).find((f: any) => f.ruleId === 'nhi-undocumented');
      assert.match(svc.hover({ uri: sa, text }, other.range.start).contents, /Not in any inventory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads .tf files through an injected reader (a test double of the Terraform reader)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-disc-tf-'));
    try {
      fs.mkdirSync(path.join(dir, 'infra'));
      fs.writeFileSync(path.join(dir, 'infra', 'main.tf'), 'resource "aws_iam_access_key" "ci_deploy" {}\n');
      fs.writeFileSync(path.join(dir, 'inv.nhi.yaml'), 'kind: nhi-inventory\nidentities:\n  - id: old\n    source: terraform:aws_iam_user.gone\n');
      const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 44 } };
      const double = {
        terraform: () => ({
          origin: 'terraform',
          problems: [],
          identities: [{ origin: 'terraform', source: 'terraform:aws_iam_access_key.ci_deploy', names: ['ci_deploy'], label: 'Terraform aws_iam_access_key.ci_deploy', range: at, focus: at, entry: { type: 'api-key', platform: 'aws', credential: 'api-key' } }],
        }),
      };
      const svc = workspaceService(dir, double);
      const tf = path.join(dir, 'infra', 'main.tf');
      const inv = path.join(dir, 'inv.nhi.yaml');
      assert.deepEqual(svc.check({ uri: tf, text: fs.readFileSync(tf, 'utf8') }).map((f: any) => f.ruleId), ['nhi-undocumented']);
      assert.deepEqual(svc.check({ uri: inv, text: fs.readFileSync(inv, 'utf8') }).filter((f: any) => f.ruleId === 'nhi-undeployed').map((f: any) => f.range.start.line), [3]);
      // Without the reader, Terraform is not discovered: nothing said about terraform: sources.
      const plain = workspaceService(dir);
      assert.deepEqual(plain.check({ uri: tf, text: fs.readFileSync(tf, 'utf8') }), []);
      assert.deepEqual(plain.check({ uri: inv, text: fs.readFileSync(inv, 'utf8') }).filter((f: any) => f.ruleId === 'nhi-undeployed'), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isms discover', () => {
  it('prints the missing entries ready to paste, exit 1; --write appends them keeping comments; then exit 0', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-discover-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'workspace'), dir, { recursive: true });
      const r = runIsms(dir, ['discover']);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /^# Add under identities: in identities\/platform\.nhi\.yaml/);
      assert.equal((r.stdout.match(/^- id: /gm) ?? []).length, 7);
      assert.match(r.stderr, /7 of 11 identities declared in infrastructure code are in no inventory/);
      // What it prints is YAML: a list of entries.
      const yaml = require(path.join(ROOT, 'node_modules', 'yaml'));
      const list = yaml.parse(r.stdout);
      assert.equal(list.length, 7);
      // The Terraform user (read through the grammar), pre-filled from its block.
      assert.ok(list.some((e: any) => e.source === 'terraform:aws_iam_user.ci_deploy' && e.platform === 'aws'), r.stdout);
      assert.ok(list.every((e: any) => e.owner === 'TODO' && typeof e.source === 'string'));

      const json = runIsms(dir, ['discover', '--format', 'json']);
      assert.equal(json.status, 1);
      const j = JSON.parse(json.stdout);
      assert.deepEqual([j.declared, j.documented, j.missing.length], [11, 4, 7]);
      assert.deepEqual(Object.keys(j.missing[0]), ['source', 'label', 'file', 'line', 'inventory', 'entry']);

      const inv = path.join(dir, 'identities', 'platform.nhi.yaml');
      const before = fs.readFileSync(inv, 'utf8');
      const w = runIsms(dir, ['discover', '--write', 'identities/platform.nhi.yaml']);
      assert.equal(w.status, 0, w.stderr);
      const after = fs.readFileSync(inv, 'utf8');
      assert.ok(after.startsWith(before.replace(/# end of the list\n$/, '')), 'nothing before the new entries changed');
      assert.ok(after.endsWith('# end of the list\n'));
      for (const c of before.match(/#.*$/gm)!) assert.ok(after.includes(c), `comment kept: ${c}`);
      assert.equal(runIsms(dir, ['discover']).status, 0);
      // The inventory with the new entries is valid: no syntax error, no duplicate id.
      const check = JSON.parse(runIsms(dir, ['check', '.', '--format', 'json']).stdout);
      assert.ok(!check.files.some((f: any) => f.findings.some((x: any) => ['syntax-error', 'nhi-id-duplicate', 'nhi-undocumented'].includes(x.ruleId))));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the files it could not read, and refuses to write what is not an inventory', () => {
    const m = runIsms(path.join(FIXTURES, 'malformed'), ['discover']);
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stderr, /deploy\/broken\.yaml:5: not read \(malformed\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-discover-w-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'workspace'), dir, { recursive: true });
      assert.equal(runIsms(dir, ['discover', '--write', 'k8s/service-accounts.yaml']).status, 2);
      assert.equal(runIsms(dir, ['discover', '--write', 'nope.nhi.yaml']).status, 2);
      assert.equal(runIsms(dir, ['discover', '--format', 'toml']).status, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('discovery in the language server (stdio)', function () {
  this.timeout(60000);
  const { LspClient } = require('./helpers/lsp-client');
  const { pathToFileURL } = require('node:url');
  let client: any;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-lsp-disc-'));
  fs.cpSync(path.join(FIXTURES, 'workspace'), dir, { recursive: true });

  before(async () => {
    client = new LspClient([path.join(ROOT, 'dist', 'server.js'), '--stdio']);
    await client.start(dir, { today: '2026-11-23' });
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The diagnostics of `uri` once `ok` holds for them (the first publish may come before the walk is done). */
  async function until(uri: string, first: any, ok: (d: any[]) => boolean): Promise<any[]> {
    let d = first.diagnostics;
    for (let i = 0; i < 20 && !ok(d); i++) d = (await client.diagnostics(uri)).diagnostics;
    return d;
  }

  it('reports nhi-undocumented in an open manifest once the workspace is indexed; the fix edits the inventory', async () => {
    const file = path.join(dir, 'k8s', 'service-accounts.yaml');
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    const d = await until(uri, await client.open(uri, 'yaml', text), (x) => x.some((y: any) => y.code === 'nhi-undocumented'));
    assert.deepEqual(d.filter((x: any) => x.code === 'nhi-undocumented').map((x: any) => x.range.start.line + 1), expected(text).map((e) => Number(e.split(':')[0])));
    const target = d.find((x: any) => x.code === 'nhi-undocumented');
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } });
    const add = actions.find((a: any) => a.title.startsWith('Add Kubernetes ServiceAccount payments/ledger to '));
    assert.ok(add, actions.map((a: any) => a.title).join('; '));
    const inv = pathToFileURL(path.join(dir, 'identities', 'platform.nhi.yaml')).href;
    assert.deepEqual(Object.keys(add.edit.changes), [inv]);
    assert.match(add.edit.changes[inv][0].newText, /source: k8s:payments\/ServiceAccount\/ledger/);
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: target.range.start });
    assert.match(hover.contents.value, /Not in any inventory/);
  });

  it('reads an open Terraform file through the grammar: nhi-undocumented at the resource, the fix, and hover on a documented one', async () => {
    const file = path.join(dir, 'infra', 'ci.tf');
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    const d = await until(uri, await client.open(uri, 'terraform', text), (x) => x.some((y: any) => y.code === 'nhi-undocumented'));
    assert.deepEqual(d.filter((x: any) => x.code === 'nhi-undocumented').map((x: any) => `${x.range.start.line + 1}:${x.code}`), expected(text));
    const target = d.find((x: any) => x.code === 'nhi-undocumented');
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } });
    const add = actions.find((a: any) => /^Add .*aws_iam_user\.ci_deploy to /.test(a.title));
    assert.ok(add, actions.map((a: any) => a.title).join('; '));
    const inv = pathToFileURL(path.join(dir, 'identities', 'platform.nhi.yaml')).href;
    assert.match(add.edit.changes[inv][0].newText, /source: terraform:aws_iam_user\.ci_deploy/);
    // The access key is documented by its source ref: hover names the entry and its owner.
    const keyLine = text.split('\n').findIndex((l) => l.startsWith('resource "aws_iam_access_key"'));
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: keyLine, character: 12 } });
    assert.match(hover.contents.value, /ci-deploy-key/);
    assert.match(hover.contents.value, /release-team@example\.com/);
  });

  it('reports nhi-undeployed in the open inventory', async () => {
    const file = path.join(dir, 'identities', 'platform.nhi.yaml');
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    const d = await until(uri, await client.open(uri, 'yaml', text), (x) => x.some((y: any) => y.code === 'nhi-undeployed'));
    assert.deepEqual(d.filter((x: any) => x.code === 'nhi-undeployed').map((x: any) => `${x.range.start.line + 1}:${x.code}`), expected(text));
  });
});
