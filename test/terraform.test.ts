/**
 * Terraform discovery (core/discovery/terraform.ts) over the real grammar, loaded through node/hcl.ts:
 * the identities of the fixtures under test/fixtures/discovery/terraform/ asserted exactly (source,
 * names, suggested entry, the identity they belong to, focus line), ranges in UTF-16, what is not an
 * identity, malformed files (one problem, the well-formed blocks still read), random bytes and
 * truncations (fast-check: never throws, results stay inside the text), and the parser from an esbuild
 * bundle in a worker thread away from node_modules (as dist/ runs in the .vsix).
 *
 * Environment: ISMS_FUZZ_SEED (fast-check's seed, default 20261123), ISMS_FC_RUNS (runs per property, default 300).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { server, ROOT } from './helpers/root';

const { loadHcl, parseTree } = server('node/hcl.js');
const { readTerraform } = server('core/discovery/terraform.js');

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'discovery', 'terraform');
const envInt = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
const SEED = envInt('ISMS_FUZZ_SEED', 20261123) | 0;
const RUNS = envInt('ISMS_FC_RUNS', 300);

let parse: (text: string) => any;
before(async () => {
  parse = await loadHcl();
  assert.ok(parse, 'the parser loads');
});

const read = (text: string) => readTerraform(text, parse(text));
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** What the tests compare of an identity: everything but the exact ranges (the focus line stands for them). */
function brief(i: any) {
  return {
    source: i.source,
    names: i.names,
    entry: i.entry,
    line: i.focus.start.line + 1,
    ...(i.belongsTo ? { belongsTo: i.belongsTo } : {}),
  };
}

describe('terraform: the fixtures', () => {
  it('aws.tf: users, keys, roles by their principals, attachments, inline policies, stores', () => {
    const res = read(fixture('aws.tf'));
    assert.deepEqual(res.problems, []);
    assert.equal(res.origin, 'terraform');
    assert.deepEqual(res.identities.map(brief), [
      {
        source: 'terraform:aws_iam_user.ci_deploy',
        names: ['ci_deploy', 'ci-deploy'],
        entry: { type: 'service-account', platform: 'aws', privilege: 'admin', scopes: ['AdministratorAccess'] },
        line: 3,
      },
      {
        source: 'terraform:aws_iam_access_key.ci_deploy',
        names: ['ci_deploy'],
        entry: {
          type: 'api-key',
          platform: 'aws',
          credential: 'static-secret',
          secret_store: 'cloud-secrets-manager',
          privilege: 'admin',
          scopes: ['AdministratorAccess'],
        },
        line: 8,
        belongsTo: 'terraform:aws_iam_user.ci_deploy',
      },
      {
        // "${var.prefix}-reporting": no name is made up from the interpolation
        source: 'terraform:aws_iam_user.reporting',
        names: ['reporting'],
        entry: { type: 'service-account', platform: 'aws', privilege: 'read-only', scopes: ['ReadOnlyAccess'] },
        line: 23,
      },
      {
        source: 'terraform:aws_iam_role.lambda_exec',
        names: ['lambda_exec', 'lambda-exec'],
        entry: {
          type: 'workload-identity',
          platform: 'aws',
          credential: 'managed-identity',
          scopes: ['AWSLambdaBasicExecutionRole'],
          purpose: 'Runs the invoice Lambda functions',
        },
        line: 32,
      },
      {
        // heredoc JSON with an interpolation inside a string; an inline policy's actions as scopes
        source: 'terraform:aws_iam_role.github_deploy',
        names: ['github_deploy', 'github-deploy'],
        entry: { type: 'workload-identity', platform: 'aws', credential: 'federated', scopes: ['s3:PutObject', 'cloudfront:CreateInvalidation'] },
        line: 50,
      },
      {
        // data.aws_iam_policy_document of the same file
        source: 'terraform:aws_iam_role.ecs_task',
        names: ['ecs_task', 'ecs-task'],
        entry: { type: 'workload-identity', platform: 'aws', credential: 'managed-identity' },
        line: 81,
      },
      {
        // the policy is a module's output: kept, credential unknown
        source: 'terraform:aws_iam_role.from_module',
        names: ['from_module', 'from-module'],
        entry: { type: 'workload-identity', platform: 'aws' },
        line: 107,
      },
    ]);
  });

  it('gcp.tf: service accounts, keys, project role grants, a key kept in a Kubernetes secret', () => {
    const res = read(fixture('gcp.tf'));
    assert.deepEqual(res.problems, []);
    assert.deepEqual(res.identities.map(brief), [
      {
        source: 'terraform:google_service_account.etl',
        names: ['etl', 'etl-runner', 'ETL runner'],
        entry: { type: 'service-account', platform: 'gcp', privilege: 'admin', scopes: ['roles/owner'], purpose: 'Loads the nightly exports into BigQuery' },
        line: 3,
      },
      {
        source: 'terraform:google_service_account_key.etl',
        names: ['etl'],
        entry: { type: 'api-key', platform: 'gcp', credential: 'static-secret', secret_store: 'k8s-secret', privilege: 'admin', scopes: ['roles/owner'] },
        line: 9,
        belongsTo: 'terraform:google_service_account.etl',
      },
      {
        // account_id = "app-${each.key}": templated, only the resource name
        source: 'terraform:google_service_account.per_env',
        names: ['per_env'],
        entry: { type: 'service-account', platform: 'gcp', privilege: 'read-only', scopes: ['roles/viewer'] },
        line: 24,
      },
    ]);
  });

  it('azure.tf: application, its service principal (under the application name) and password', () => {
    const res = read(fixture('azure.tf'));
    assert.deepEqual(res.problems, []);
    assert.deepEqual(res.identities.map(brief), [
      { source: 'terraform:azuread_application.billing', names: ['billing', 'billing-api'], entry: { type: 'oauth-app', platform: 'azure' }, line: 3 },
      {
        source: 'terraform:azuread_service_principal.billing',
        names: ['billing', 'billing-api'],
        entry: { type: 'service-principal', platform: 'azure', privilege: 'privileged', scopes: ['Contributor'] },
        line: 7,
        belongsTo: 'terraform:azuread_application.billing',
      },
      {
        source: 'terraform:azuread_application_password.billing',
        names: ['billing', 'billing-ci'],
        entry: { type: 'api-key', platform: 'azure', credential: 'static-secret', secret_store: 'cloud-secrets-manager' },
        line: 11,
        belongsTo: 'terraform:azuread_application.billing',
      },
    ]);
  });

  it('github.tf: Actions secrets; a key named by its user literal, stored as an Actions secret', () => {
    const res = read(fixture('github.tf'));
    assert.deepEqual(res.problems, []);
    const ci = { type: 'ci-cd-token', platform: 'github', credential: 'static-secret', secret_store: 'ci-secret' };
    assert.deepEqual(res.identities.map(brief), [
      { source: 'terraform:github_actions_secret.npm_token', names: ['npm_token', 'NPM_TOKEN'], entry: ci, line: 3 },
      { source: 'terraform:github_actions_organization_secret.aws_deploy', names: ['aws_deploy', 'AWS_SECRET_ACCESS_KEY'], entry: ci, line: 9 },
      { source: 'terraform:aws_iam_user.deploy', names: ['deploy', 'gh-deploy'], entry: { type: 'service-account', platform: 'aws' }, line: 15 },
      {
        source: 'terraform:aws_iam_access_key.deploy',
        names: ['deploy'],
        entry: { type: 'api-key', platform: 'aws', credential: 'static-secret', secret_store: 'ci-secret' },
        line: 16,
        belongsTo: 'terraform:aws_iam_user.deploy',
      },
    ]);
    // Ranges are UTF-16 positions: "/* 🔑 */ " is 9 code units (the key is two).
    const key = res.identities[3];
    assert.deepEqual(key.focus, { start: { line: 15, character: 9 }, end: { line: 15, character: 47 } });
    assert.deepEqual(key.range, { start: { line: 15, character: 9 }, end: { line: 15, character: 70 } });
    assert.equal(key.label, 'Terraform aws_iam_access_key.deploy');
    assert.equal(key.origin, 'terraform');
  });

  it('malformed.tf: one problem at the first error; the blocks before and after it are still read', () => {
    const res = read(fixture('malformed.tf'));
    assert.equal(res.problems.length, 1);
    assert.equal(res.problems[0].kind, 'malformed');
    assert.deepEqual(res.problems[0].range.start, { line: 8, character: 18 });
    assert.match(res.problems[0].message, /syntax error \(line 9\)/);
    assert.deepEqual(
      res.identities.map((i: any) => [i.source, i.range.start.line, i.range.end.line]),
      [
        ['terraform:aws_iam_user.ok_before', 2, 4],
        // the block left open ends where its own text ends, not at the block the recovery nested in it
        ['terraform:aws_iam_user.broken', 6, 9],
        ['terraform:google_service_account.ok_after', 11, 13],
      ],
    );
  });

  it('every identity: the whole block as range, the header (type and name labels) as focus', () => {
    const text = fixture('aws.tf');
    const lines = text.split('\n');
    for (const i of read(text).identities) {
      const header = lines[i.focus.start.line].slice(i.focus.start.character, i.focus.end.character);
      const [, type, name] = /^resource "([^"]+)" "([^"]+)"$/.exec(header) ?? [];
      assert.equal(`terraform:${type}.${name}`, i.source);
      assert.deepEqual(i.range.start, i.focus.start);
      assert.equal(lines[i.range.end.line].slice(0, i.range.end.character), '}');
    }
  });
});

describe('terraform: what is and is not read', () => {
  const sources = (text: string) => read(text).identities.map((i: any) => i.source);

  it('data blocks, modules, unknown resource types and nested blocks are not identities', () => {
    const text = [
      'data "aws_iam_user" "x" { user_name = "x" }',
      'data "google_service_account" "y" { account_id = "y" }',
      'module "m" { source = "./m" }',
      'resource "aws_s3_bucket" "b" { bucket = "b" }',
      'resource "aws_instance" "i" {',
      '  dynamic "resource" { for_each = [] }',
      '}',
      'locals { a = 1 }',
      '',
    ].join('\n');
    assert.deepEqual(read(text), { origin: 'terraform', identities: [], problems: [] });
  });

  it('without a tree (the grammar not loaded) nothing is read and nothing reported', () => {
    assert.deepEqual(readTerraform('resource "aws_iam_user" "u" {}', undefined), { origin: 'terraform', identities: [], problems: [] });
  });

  it('bare identifier labels, escapes and indented heredocs', () => {
    const text = [
      'resource aws_iam_user esc {',
      '  name = "a\\"b\\u00e9"',
      '}',
      'resource "aws_iam_role" "batch" {',
      '  assume_role_policy = <<-EOT',
      '    {"Statement": [{"Effect": "Allow", "Principal": {"Service": ["batch.amazonaws.com", "ecs-tasks.amazonaws.com"]}}]}',
      '    EOT',
      '}',
      '',
    ].join('\n');
    const res = read(text);
    assert.deepEqual(res.problems, []);
    assert.deepEqual(res.identities.map(brief), [
      { source: 'terraform:aws_iam_user.esc', names: ['esc', 'a"bé'], entry: { type: 'service-account', platform: 'aws' }, line: 1 },
      { source: 'terraform:aws_iam_role.batch', names: ['batch'], entry: { type: 'workload-identity', platform: 'aws', credential: 'managed-identity' }, line: 4 },
    ]);
  });

  it('roles: a computed principal keeps the role; a Deny, "*", AWS and SAML principals do not make one', () => {
    const role = (name: string, policy: string) => `resource "aws_iam_role" "${name}" {\n  assume_role_policy = ${policy}\n}\n`;
    const text = [
      role('computed', 'jsonencode({ Statement = [{ Principal = var.principal }] })'),
      role('service_var', 'jsonencode({ Statement = [{ Principal = { Service = "${var.svc}.amazonaws.com" } }] })'),
      role('deny', 'jsonencode({ Statement = [{ Effect = "Deny", Principal = { Service = "ec2.amazonaws.com" } }] })'),
      role('anyone', 'jsonencode({ Statement = [{ Principal = "*" }] })'),
      role('saml', '"{\\"Statement\\": [{\\"Principal\\": {\\"Federated\\": \\"arn:aws:iam::1:saml-provider/okta\\"}}]}"'),
      role('json_string', '"{\\"Statement\\": {\\"Principal\\": {\\"Service\\": \\"ec2.amazonaws.com\\"}}}"'),
      role('unreadable', 'file("policy.json")'),
      role('none', '""'),
    ].join('');
    assert.deepEqual(sources(text), [
      'terraform:aws_iam_role.computed',
      'terraform:aws_iam_role.service_var',
      'terraform:aws_iam_role.json_string',
      'terraform:aws_iam_role.unreadable',
      'terraform:aws_iam_role.none',
    ]);
    const entries = Object.fromEntries(read(text).identities.map((i: any) => [i.names[0], i.entry.credential]));
    assert.deepEqual(entries, { computed: undefined, service_var: 'managed-identity', json_string: 'managed-identity', unreadable: undefined, none: undefined });
  });

  it('privileges: an own policy allowing * on * is admin; a managed_policy_arns list; a scoped grant says no level', () => {
    const text = [
      'resource "aws_iam_user" "u" { name = "u" }',
      'resource "aws_iam_policy" "all" {',
      '  name   = "everything"',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
      '}',
      'resource "aws_iam_policy_attachment" "all" {',
      '  name       = "all"',
      '  users      = [aws_iam_user.u.name]',
      '  policy_arn = aws_iam_policy.all.arn',
      '}',
      'resource "aws_iam_role" "r" {',
      '  assume_role_policy  = jsonencode({ Statement = [{ Principal = { Service = "ec2.amazonaws.com" } }] })',
      '  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::123:policy/custom"]',
      '}',
      'resource "aws_iam_user" "s" { name = "s" }',
      'resource "aws_iam_user_policy_attachment" "s" {',
      '  user       = "s"',
      '  policy_arn = "arn:aws:iam::123:policy/deploy-only"',
      '}',
      '',
    ].join('\n');
    const entries = read(text).identities.map((i: any) => [i.source, i.entry.privilege, i.entry.scopes]);
    assert.deepEqual(entries, [
      ['terraform:aws_iam_user.u', 'admin', ['everything']],
      ['terraform:aws_iam_role.r', 'privileged', ['PowerUserAccess', 'custom']],
      ['terraform:aws_iam_user.s', undefined, ['deploy-only']],
    ]);
  });

  it('a resource declared twice is one identity (the first)', () => {
    assert.deepEqual(sources('resource "aws_iam_user" "u" { name = "a" }\nresource "aws_iam_user" "u" { name = "b" }\n'), ['terraform:aws_iam_user.u']);
  });

  it('an unclosed block at the end of a file: read, one problem', () => {
    const res = read('resource "aws_iam_user" "u" {\n  name = "u"\n');
    assert.deepEqual(res.identities.map((i: any) => i.source), ['terraform:aws_iam_user.u']);
    assert.equal(res.problems.length, 1);
  });

  it('parseTree: trees the caller owns, incremental with an edited old tree, the same result', () => {
    const text = fixture('aws.tf');
    const t1 = parseTree(text);
    const at = text.indexOf('"ci-deploy"') + 1;
    const changed = text.slice(0, at) + 'x' + text.slice(at);
    const pos = (o: number) => {
      const before = text.slice(0, o).split('\n');
      return { row: before.length - 1, column: before[before.length - 1].length };
    };
    t1.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: pos(at), oldEndPosition: pos(at), newEndPosition: { ...pos(at), column: pos(at).column + 1 } });
    const t2 = parseTree(changed, t1);
    const fresh = parseTree(changed);
    assert.deepEqual(readTerraform(changed, t2.rootNode), readTerraform(changed, fresh.rootNode));
    assert.deepEqual(readTerraform(changed, t2.rootNode).identities[0].names, ['ci_deploy', 'xci-deploy']);
    t1.delete();
    t2.delete();
    fresh.delete();
  });
});

describe('terraform: the editor\'s incremental parse', () => {
  const { editBetween, incrementalParse } = server('node/hcl.js');
  const texts = fs.readdirSync(FIXTURES).sort().map((f) => fixture(f));

  it('editBetween: the span where two texts differ', () => {
    assert.deepEqual(editBetween('abcdef', 'abXdef'), { startIndex: 2, oldEndIndex: 3, newEndIndex: 3 });
    assert.deepEqual(editBetween('aaa', 'aaaa'), { startIndex: 3, oldEndIndex: 3, newEndIndex: 4 });
    assert.deepEqual(editBetween('abc', ''), { startIndex: 0, oldEndIndex: 3, newEndIndex: 0 });
    assert.deepEqual(editBetween('same', 'same'), { startIndex: 4, oldEndIndex: 4, newEndIndex: 4 });
  });

  it('random edit sequences, over several files at once, read exactly as a fresh parse', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(texts.length - 1), fc.nat(), fc.nat(4), fc.constantFrom('x', '"', '\n', '{', '}', ' = ', '#', 'é', '😀', '')), { minLength: 1, maxLength: 30 }),
        (steps) => {
          const inc = incrementalParse(2);
          const current = texts.slice();
          for (const [k, at, del, ins] of steps) {
            const t = current[k];
            const i = at % (t.length + 1);
            current[k] = t.slice(0, i) + ins + t.slice(Math.min(t.length, i + del));
            const root = inc(current[k]);
            assert.deepEqual(readTerraform(current[k], root), read(current[k]));
          }
        },
      ),
      { seed: SEED, numRuns: Math.max(20, Math.floor(RUNS / 5)) },
    );
  });
});

describe('terraform: bad input (fast-check)', () => {
  const texts = fs.readdirSync(FIXTURES).map((f) => fixture(f));

  /** The invariants of any result: no throw, at most one problem, every range inside the text. */
  function check(text: string) {
    const res = read(text);
    assert.ok(res.problems.length <= 1);
    const lines = text.split(/\r\n|\r|\n/);
    const inside = (p: any) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
    for (const i of res.identities) {
      assert.ok(inside(i.range.start) && inside(i.range.end) && inside(i.focus.start) && inside(i.focus.end), `${i.source} inside the text`);
      assert.match(i.source, /^terraform:[A-Za-z0-9_-]+\.[^\s]+$/);
    }
    for (const p of res.problems) assert.ok(inside(p.range.start) && inside(p.range.end));
  }

  it('random truncations and splices of the fixtures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }), (k, a, b, junk) => {
        const t = texts[k];
        const i = a % (t.length + 1);
        const j = i + (b % (t.length + 1 - i));
        check(t.slice(0, i));
        check(t.slice(0, i) + junk + t.slice(j));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('random bytes and random strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.string({ maxLength: 400, unit: 'binary' }), (bytes, s) => {
        check(Buffer.from(bytes).toString('latin1'));
        check(Buffer.from(bytes).toString('utf8'));
        check(s);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('deep nesting and long inputs', () => {
    check('resource "aws_iam_role" "r" { assume_role_policy = jsonencode(' + '['.repeat(5000) + ']'.repeat(5000) + ') }');
    check('x = ' + '('.repeat(20000));
    check('resource "aws_iam_user" "u" { name = "' + 'a'.repeat(200000) + '" }');
    check(`resource "aws_iam_user" "u" {\n${'  tags = { a = "b" }\n'.repeat(5000)}}`);
  });
});

describe('terraform: the parser from a bundle, in a worker thread', () => {
  it('finds the wasm files next to the bundle (no node_modules) and parses', async function () {
    this.timeout(60000);
    const dist = path.join(ROOT, 'dist');
    for (const f of ['tree-sitter.wasm', 'tree-sitter-terraform.wasm']) assert.ok(fs.existsSync(path.join(dist, f)), `scripts/bundle.mjs copied ${f} into dist/`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-hcl-bundle-'));
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(
      entry,
      [
        `import { parentPort, workerData } from 'node:worker_threads';`,
        `import { hclLoadError, loadHcl } from ${JSON.stringify(path.join(ROOT, 'server', 'src', 'node', 'hcl.ts'))};`,
        `import { readTerraform } from ${JSON.stringify(path.join(ROOT, 'server', 'src', 'core', 'discovery', 'terraform.ts'))};`,
        `loadHcl().then((parse) => parentPort!.postMessage(parse ? readTerraform(workerData, parse(workerData)).identities.map((i) => i.source) : 'not loaded: ' + hclLoadError()));`,
      ].join('\n'),
    );
    const esbuild = require(path.join(ROOT, 'node_modules', 'esbuild'));
    // scripts/bundle.mjs's options: web-tree-sitter's ES module build (esbuild takes it for an `import`) reads import.meta.url.
    await esbuild.build({
      entryPoints: [entry],
      outfile: path.join(dir, 'bundle.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
      define: { 'import.meta.url': '__import_meta_url' },
    });
    for (const f of ['tree-sitter.wasm', 'tree-sitter-terraform.wasm']) fs.copyFileSync(path.join(dist, f), path.join(dir, f));
    const got = await new Promise((resolve, reject) => {
      const w = new Worker(path.join(dir, 'bundle.js'), { workerData: 'resource "aws_iam_user" "u" {}\n' });
      w.once('message', (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    });
    assert.deepEqual(got, ['terraform:aws_iam_user.u']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
