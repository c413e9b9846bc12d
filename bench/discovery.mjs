#!/usr/bin/env node
// `npm run bench:discovery` (or `node bench/discovery.mjs [--files N] [--edits N]`): discovery (issue 18,
// docs/discovery.md) over a generated workspace of N infrastructure files (default 2,000: 50 % Kubernetes manifests
// of 3 documents each, 20 % GitHub Actions workflows, 30 % Terraform files of 4 users with a key and a policy each)
// and 8 inventories documenting about half of what they declare:
//   - the engine in this process: reading every file (discoverFile), the workspace index of all of them, and the
//     cross-file findings of every file (what the CLI and the server's walk do), wall time;
//   - the CLI: `isms check <dir> --format json` and `isms discover --format json`, wall time of the whole process;
//   - the language server over stdio, with the workspace as its folder: after the walk, keystrokes in an open
//     manifest and in an open .tf file (didChange -> its publishDiagnostics), p50/p95/max over --edits edits each;
//     half change a declared name (the index's discovery facts change: open files are checked again), half type
//     into a comment.
// Prints figures; no assertions (bench/README.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './lsp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
const FILES = opt('files', 2000);
const EDITS = opt('edits', 100);
const TODAY = '2026-11-23';
const node = process.execPath;
const progress = (s) => process.stderr.write(`[discovery ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const fmt = (x) => (!Number.isFinite(x) ? '–' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ourNodeArgs = JSON.parse(readFileSync(join(root, 'server/src/node/server-node-options.json'), 'utf8')).execArgv;

// ---------------------------------------------------------------------------------------------- the workspace

const dir = join(tmpdir(), 'isms-bench', `discovery-${FILES}`);
rmSync(dir, { recursive: true, force: true });
progress(`writing ${FILES} infrastructure files under ${dir}`);
const write = (rel, text) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
write('.isms.yaml', `today: ${TODAY}\n`);
const manifests = Math.round(FILES * 0.5);
const workflows = Math.round(FILES * 0.2);
const terraform = FILES - manifests - workflows;
const inventories = Array.from({ length: 8 }, () => []);
let declared = 0;
for (let i = 0; i < manifests; i++) {
  const team = `team-${i % 40}`;
  const ns = `ns-${i % 97}`;
  write(
    `deploy/${team}/app-${i}/k8s.yaml`,
    `# app ${i}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app-${i}\n  namespace: ${ns}\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/app-${i}\n---\napiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata:\n  name: app-${i}-db\n  namespace: ${ns}\nstringData:\n  DB_PASSWORD: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${i}-config\n  namespace: ${ns}\ndata:\n  LOG_LEVEL: info\n`,
  );
  declared += 2;
  if (i % 2 === 0) inventories[i % 8].push(`k8s:${ns}/ServiceAccount/app-${i}`);
}
for (let i = 0; i < workflows; i++) {
  write(
    `services/svc-${i}/.github/workflows/ci.yml`,
    `name: CI ${i}\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - run: make\n        env:\n          TOKEN: \${{ secrets.SVC_${i}_TOKEN }}\n          NPM: \${{ secrets.NPM_TOKEN }}\n`,
  );
  declared += 3;
  if (i % 2 === 0) inventories[i % 8].push(`github:secrets.SVC_${i}_TOKEN`);
}
for (let i = 0; i < terraform; i++) {
  let tf = `# CI users of service ${i}\n`;
  for (let u = 0; u < 4; u++) {
    const n = `svc_${i}_ci_${u}`;
    tf += `\nresource "aws_iam_user" "${n}" {\n  name = "svc-${i}-ci-${u}"\n  path = "/system/"\n  tags = {\n    team = "team-${i % 40}"\n  }\n}\n\nresource "aws_iam_access_key" "${n}" {\n  user = aws_iam_user.${n}.name\n}\n\nresource "aws_iam_user_policy_attachment" "${n}" {\n  user       = aws_iam_user.${n}.name\n  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"\n}\n`;
    declared += 2;
    if (u % 2 === 0) inventories[i % 8].push(`terraform:aws_iam_access_key.${n}`);
  }
  write(`infra/svc-${i}/iam.tf`, tf);
}
inventories.forEach((sources, k) => {
  const body = sources
    .map((s, j) => `  - id: inv${k}-${j}\n    type: service-account\n    source: ${s}\n    owner: team-${k}@example.com\n    purpose: Generated\n    privilege: scoped\n    credential: federated\n    secret_store: none\n    last_reviewed: 2026-10-01\n    offboarding: Revoke it\n    controls: [CSF:PR.AA-01, NHI:NHI1]\n`)
    .join('');
  write(`identities/team-${k}.nhi.yaml`, `kind: nhi-inventory\ndefaults:\n  review_cadence: quarterly\nidentities:\n${body}`);
});
progress(`  ${declared} declarations (NPM_TOKEN shared), ${inventories.reduce((n, l) => n + l.length, 0)} inventory entries`);

// ---------------------------------------------------------------------------------------------- the engine

const { IsmsService } = require(join(root, 'server/out/core/service.js'));
const { defaultConfig } = require(join(root, 'server/out/core/config.js'));
const { discoverFile } = require(join(root, 'server/out/core/discovery/discover.js'));
const hcl = require(join(root, 'server/out/node/hcl.js'));
if (!(await hcl.loadHcl())) throw new Error(`the Terraform grammar did not load: ${hcl.hclLoadError()}`);
const readers = hcl.discoveryReaders();
const { nodeFileHost } = require(join(root, 'server/out/node/file-host.js'));
const { collect } = require(join(root, 'server/out/cli/files.js'));
const engine = {};
{
  const cfg = defaultConfig();
  cfg.today = TODAY;
  const files = collect([dir], dir, cfg).files;
  const texts = files.map((f) => [f, readFileSync(f, 'utf8')]);
  const rel = (f) => relative(dir, f).split('\\').join('/');
  let t = performance.now();
  let found = 0;
  for (const [f, text] of texts) found += discoverFile(rel(f), text, cfg, readers)?.identities.length ?? 0;
  engine.read = performance.now() - t;
  const svc = new IsmsService({ relativePath: rel, files: nodeFileHost(() => dir), oneShot: true }, cfg);
  svc.setDiscoveryReaders(readers);
  t = performance.now();
  for (const [f, text] of texts) svc.indexFile({ uri: f, text });
  svc.setDiscoveryComplete(true);
  engine.index = performance.now() - t;
  t = performance.now();
  let findings = 0;
  for (const [f, text] of texts) findings += svc.check({ uri: f, text }).filter((x) => x.ruleId.startsWith('nhi-und')).length;
  engine.check = performance.now() - t;
  progress(`engine: read ${files.length} files (${found} identities) ${fmt(engine.read)} ms; index ${fmt(engine.index)} ms; check all ${fmt(engine.check)} ms (${findings} nhi-undocumented/undeployed)`);
}

// ---------------------------------------------------------------------------------------------- the CLI

const cli = {};
for (const [name, cmd] of [['check', ['check', '.', '--format', 'json']], ['discover', ['discover', '--format', 'json']]]) {
  const t = performance.now();
  const r = spawnSync(node, [join(root, 'bin/isms.js'), ...cmd], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  cli[name] = performance.now() - t;
  progress(`cli: isms ${cmd.join(' ')}: ${fmt(cli[name])} ms, exit ${r.status}${name === 'discover' && r.status !== 2 ? `, ${JSON.parse(r.stdout).missing.length} missing` : ''}`);
}

// ---------------------------------------------------------------------------------------------- the server

const server = {};
{
  const log = join(tmpdir(), 'isms-bench', 'discovery-server.log');
  const t0 = performance.now();
  const s = await startServer({
    command: [node, ...ourNodeArgs, join(root, 'dist/server.js'), '--stdio'],
    root: dir,
    settings: (section) => (section === 'isms' ? { today: TODAY } : null),
    log,
  });
  try {
    // Keystrokes in one open file: half rename a declared identity (the index's discovery facts change: open files
    // are checked again), half type into the first line (a comment).
    async function type(path, language, nameLine, from, names, opened) {
      const uri = pathToFileURL(path).href;
      const text = readFileSync(path, 'utf8');
      if (!opened) {
        const d = s.nextDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'nhi-undocumented'));
        s.open(uri, language, text);
        await d;
      }
      const lines = text.split('\n');
      const NAME = lines.findIndex((l) => l === nameLine);
      const r = { edits: [], renames: [], comments: [] };
      for (let i = 0; i < EDITS; i++) {
        const rename = i % 2 === 0;
        const t = performance.now();
        const line = s.line(uri, NAME);
        const version = rename ? s.change(uri, NAME, from, line.length, line.includes(names[1]) ? names[0] : names[1]) : s.change(uri, 0, s.line(uri, 0).length, s.line(uri, 0).length, 'x');
        await s.nextDiagnostics(uri, (p) => p.version === version);
        const ms = performance.now() - t;
        r.edits.push(ms);
        (rename ? r.renames : r.comments).push(ms);
        await new Promise((res) => setTimeout(res, 15));
      }
      return r;
    }
    const manifest = join(dir, 'deploy', 'team-1', 'app-1', 'k8s.yaml');
    const first = s.nextDiagnostics(pathToFileURL(manifest).href, (p) => p.diagnostics.some((x) => x.code === 'nhi-undocumented'));
    s.open(pathToFileURL(manifest).href, 'yaml', readFileSync(manifest, 'utf8'));
    await first;
    server.walk = performance.now() - t0;
    progress(`server: walk done and the open manifest checked after ${fmt(server.walk)} ms`);
    server.k8s = await type(manifest, 'yaml', '  name: app-1', 8, ['app-1', 'app-1-x'], true);
    server.tf = await type(join(dir, 'infra', 'svc-1', 'iam.tf'), 'terraform', '  name = "svc-1-ci-1"', 9, ['"svc-1-ci-1"', '"svc-1-ci-1x"']);
    server.hwm = s.memory()?.hwm;
  } catch (e) {
    progress(`  server failed: ${e.stack ?? e}`);
  } finally {
    await s.stop();
  }
}

console.log(`## Discovery: ${FILES} infrastructure files (${manifests} Kubernetes, ${workflows} workflows, ${terraform} Terraform), 8 inventories\n`);
console.log('| Measure | Value |');
console.log('|---|---|');
console.log(`| engine: read every file (discoverFile) | ${fmt(engine.read)} ms |`);
console.log(`| engine: index every file (IsmsService.indexFile) | ${fmt(engine.index)} ms |`);
console.log(`| engine: check every file (cross-file findings) | ${fmt(engine.check)} ms |`);
console.log(`| CLI: isms check . --format json | ${fmt(cli.check)} ms |`);
console.log(`| CLI: isms discover --format json | ${fmt(cli.discover)} ms |`);
console.log(`| server: start to the open manifest's nhi-undocumented (walk) | ${fmt(server.walk)} ms |`);
for (const [name, r] of [['a manifest', server.k8s], ['a .tf file', server.tf]]) {
  if (!r) continue;
  console.log(`| server: keystroke in ${name} -> diagnostics, p50 / p95 / max | ${fmt(pct(r.edits, 50))} / ${fmt(pct(r.edits, 95))} / ${fmt(Math.max(...r.edits))} ms |`);
  console.log(`| … renaming a declared identity (index changes), p50 / p95 | ${fmt(pct(r.renames, 50))} / ${fmt(pct(r.renames, 95))} ms |`);
  console.log(`| … typing in a comment, p50 / p95 | ${fmt(pct(r.comments, 50))} / ${fmt(pct(r.comments, 95))} ms |`);
}
console.log(`| server peak memory (VmHWM) | ${fmt(server.hwm)} MiB |`);
