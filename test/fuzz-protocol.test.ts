/**
 * Fuzzing the language server through the protocol. The real server (dist/server.js --stdio) opens every
 * example and fixture file and receives seeded random edits as incremental didChange notifications
 * (insertions, deletions and replacements biased towards YAML and Markdown syntax, control IDs, CRLF,
 * tabs, astral and control characters, pastes from other files, line operations, several changes at
 * once), interleaved with hover, completion (and completionItem/resolve), code action, document symbol
 * and folding range requests at random positions, some pipelined and some cancelled.
 *
 * Checked for every file: the server stays alive and writes nothing to stderr or its error log; no
 * request fails (cancellations aside); every range of every answer and of every published diagnostic
 * is inside the text of its version (LSP rules VS Code enforces too: completion edits on one line around
 * the position, symbols' selection ranges inside their ranges, code action edits not overlapping);
 * diagnostics are never published for an older version after a newer one; and the diagnostics of every
 * version waited for, and the diagnostics, symbols, folding ranges and a few hovers and completions of the
 * final version, equal those of a fresh open of that text in a second server. Three large generated files
 * take the server's paths for them (slices, the worker thread). A failing run is shrunk to a minimal edit
 * script, printed with its seed; found cases live in test/fixtures/fuzz-regressions/*.json and are
 * replayed first, every run.
 *
 * Environment: ISMS_FUZZ_SEED (default 20261123), ISMS_FUZZ_EDITS (edits per file, default 96: about
 * 16,000 in all; a quarter of it for the three large generated files), ISMS_FUZZ_FILES (only files whose
 * path contains this), ISMS_FUZZ_SHRINK_MS (time for shrinking a failure, default 120000),
 * ISMS_FUZZ_SAVE=1 (write a failure's script into test/fixtures/fuzz-regressions/), ISMS_FUZZ_UNSKIP=1
 * (replay the regressions of open bugs too). See docs/testing.md, "Fuzzing and properties".
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers/root';
import { prng } from './helpers/prng';
import { document as markdownBody } from './helpers/markdown-gen';
import { FuzzClient } from './helpers/fuzz-client';
import { runScript, shrink, stepGenerator, type Failure, type RunStats, type Script, type Servers } from './helpers/fuzz-script';

const envInt = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
const SEED = envInt('ISMS_FUZZ_SEED', 20261123) >>> 0;
const EDITS = envInt('ISMS_FUZZ_EDITS', 96);
/** Edits per large generated file (each of its versions costs more). */
const BIG_EDITS = Math.max(4, Math.round(EDITS / 4));
const FILTER = process.env.ISMS_FUZZ_FILES ?? '';
const SHRINK_MS = envInt('ISMS_FUZZ_SHRINK_MS', 120000);
const SAVE = process.env.ISMS_FUZZ_SAVE === '1';
/** Replay the regressions marked `skip` too (to check a fix). */
const UNSKIP = process.env.ISMS_FUZZ_UNSKIP === '1';
const REGRESSIONS = path.join(ROOT, 'test', 'fixtures', 'fuzz-regressions');
/** The `isms` settings the client answers workspace/configuration with: every Markdown file is a document. */
const SETTINGS = { today: '2026-11-23', documentGlobs: ['**/*.md'] };

/** FNV-1a: a file's own seed from the run's seed and its path, so one file reproduces alone. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Workspace-relative paths of the examples and fixtures (Markdown and YAML), sorted. */
function inputFiles(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (r !== 'test/fixtures/fuzz-regressions') walk(r);
      } else if (/\.(md|ya?ml)$/.test(e.name)) out.push(r);
    }
  };
  walk('examples');
  walk('test/fixtures');
  return out;
}

/**
 * Large files the repository has none of, for the server's paths for them: a cuttable inventory and a
 * document over 64 KB (prepared in slices between other messages), and an inventory with a YAML anchor
 * over 128 KB (one parse of the whole file, on the worker thread, while requests are answered from lines).
 */
function bigFiles(): Record<string, string> {
  const rand = prng(20261123);
  const identity = (i: number) =>
    `  - id: svc-gen-${i}\n    type: ${['api-key', 'service-account', 'token', 'workload-identity'][i % 4]}\n    owner: team-${i % 7}@bank.example\n` +
    `    purpose: Job ${i} moves ledger files\n    credential: ${['api-key', 'federated', 'static-secret'][i % 3]}\n    secret_store: ${['vault', 'env', 'plaintext'][i % 3]}\n` +
    `    rotation: ${['P90D', 'P400D', 'quarterly'][i % 3]}\n    last_rotated: 2026-0${1 + (i % 9)}-15\n    last_reviewed: 2026-10-01\n` +
    `    controls: [CSF:PR.AA-01, NHI${1 + (i % 10)}${i % 5 === 0 ? ', PR.AC-4' : ''}]\n${i % 6 === 0 ? '    # reviewed in Q3\n' : ''}`;
  const items = (n: number) => Array.from({ length: n }, (_, i) => identity(i)).join('');
  return {
    'generated/large.nhi.yaml': 'kind: nhi-inventory\ndefaults:\n  review_cadence: quarterly\nidentities:\n' + items(420),
    'generated/anchored.nhi.yaml': 'kind: nhi-inventory\ndefaults: &base { environment: prod }\nidentities:\n' + items(620) + 'extra: *base\n',
    'generated/large-procedure.md':
      '---\ntitle: Large procedure\ntype: procedure\nowner: ops@example.com\napprover: ciso@example.com\nreview_cadence: annual\n' +
      'last_reviewed: 2026-10-01\ncontrols: [CSF:PR.AA-01, ISO27001:A.5.16, SOC2:CC6.1]\n---\n# Large procedure\n\n' + markdownBody(rand, 2200) + '\n',
  };
}

/**
 * The workspace both servers open: a copy of examples/ and test/fixtures/ (links resolve as in the
 * repository; the copy keeps the fuzzer's reverts off the real files), and the large generated files.
 */
function makeWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-fuzz-'));
  fs.cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'test', 'fixtures'), path.join(dir, 'test', 'fixtures'), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}fuzz-regressions`),
  });
  fs.mkdirSync(path.join(dir, 'generated'));
  for (const [name, text] of Object.entries(bigFiles())) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** A fuzzed server and a reference server on the same workspace, each initialized and indexed. */
class ServerPair implements Servers {
  fuzz!: FuzzClient;
  reference!: FuzzClient;
  constructor(readonly root: string) {}

  async start(): Promise<void> {
    this.fuzz = new FuzzClient(SETTINGS, this.root);
    this.reference = new FuzzClient(SETTINGS, this.root);
    const [init] = await Promise.all([this.fuzz.initialize(this.root), this.reference.initialize(this.root)]);
    const sync = init.capabilities.textDocumentSync;
    assert.equal(typeof sync === 'number' ? sync : sync?.change, 2, 'the server asks for incremental sync');
    const indexed = await Promise.all([this.fuzz.indexed(), this.reference.indexed()]);
    assert.ok(indexed.every(Boolean), 'both servers index the workspace');
  }

  async restartIfDead(): Promise<void> {
    if (!this.fuzz.exited && !this.reference.exited) return;
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.fuzz?.stop(), this.reference?.stop()]);
  }

  uriOf(file: string): string {
    return pathToFileURL(path.join(this.root, file)).href;
  }

  textOf(file: string): string {
    const p = path.join(this.root, file);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
  }
}

/**
 * Bugs of the server the fuzzer finds and that are not fixed yet (each has a skipped regression script
 * under test/fixtures/fuzz-regressions/). A file whose every failure is one of these is marked pending
 * instead of failing; remove the entry when the bug is fixed.
 */
const KNOWN_BUGS: { name: string; matches: (f: Failure) => boolean }[] = [];

const describeFailures = (fs: Failure[]) => fs.map((f) => `  [${f.kind}] after step ${f.step}: ${f.message}`).join('\n');

describe('fuzzing the language server through the protocol', function () {
  this.timeout(600000);
  const files = [...inputFiles(), ...Object.keys(bigFiles())].filter((f) => f.includes(FILTER));
  const pool = inputFiles().map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'));
  const totals: RunStats = { edits: 0, requests: 0, publishes: 0, cancelled: 0 };
  let fuzzed = 0;
  const knownHits: string[] = [];
  let t0 = 0;
  let root: string;
  let pair: ServerPair;

  before(async () => {
    root = makeWorkspace();
    pair = new ServerPair(root);
    await pair.start();
    t0 = Date.now();
  });

  beforeEach(async () => pair.restartIfDead());

  after(async () => {
    const secs = (Date.now() - t0) / 1000;
    console.log(
      `    fuzz-protocol: seed ${SEED}, ${fuzzed} files, ${totals.edits} edits, ${totals.requests} requests ` +
        `(${totals.cancelled} cancelled), ${totals.publishes} diagnostics published, ${secs.toFixed(1)} s` +
        (knownHits.length ? `\n    pending, hitting only known bugs (KNOWN_BUGS): ${knownHits.join(', ')}` : '') +
        `\n    reproduce: ISMS_FUZZ_SEED=${SEED} ISMS_FUZZ_EDITS=${EDITS} [ISMS_FUZZ_FILES=<path>] npx mocha --no-config --timeout 600000 test/out/fuzz-protocol.test.js`,
    );
    await pair?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  describe('regressions (test/fixtures/fuzz-regressions)', () => {
    const cases = fs.existsSync(REGRESSIONS) ? fs.readdirSync(REGRESSIONS).filter((f) => f.endsWith('.json')).sort() : [];
    for (const name of cases) {
      const script: Script & { bug?: string; skip?: boolean } = JSON.parse(fs.readFileSync(path.join(REGRESSIONS, name), 'utf8'));
      // A case whose bug is not fixed yet is pending (`skip`, with the bug named in `bug`).
      (script.skip && !UNSKIP ? it.skip : it)(`${name}${script.bug ? ` (${script.bug.split('\n')[0].slice(0, 100)})` : ''}`, async () => {
        const res = await runScript(pair, script);
        assert.deepEqual(res.failures, [], `replay of ${name}:\n${describeFailures(res.failures)}`);
      });
    }
  });

  describe(`random edits and requests (seed ${SEED}, ${EDITS} edits per file)`, () => {
    for (const file of files) {
      it(file, async function () {
        const seed = (SEED ^ hash(file)) >>> 0;
        const next = stepGenerator(prng(seed), { pool });
        const edits = file.startsWith('generated/') ? BIG_EDITS : EDITS;
        const res = await runScript(pair, { file, seed, steps: [] }, { next, edits, maxSteps: edits * 4 });
        fuzzed++;
        for (const k of Object.keys(totals) as (keyof RunStats)[]) totals[k] += res.stats[k];
        if (!res.failures.length) return;
        const known = new Set(res.failures.map((f) => KNOWN_BUGS.find((b) => b.matches(f))?.name));
        if (!known.has(undefined)) {
          knownHits.push(`${file}: ${[...known].join('; ')}`);
          this.skip(); // only bugs already known (KNOWN_BUGS): pending
        }
        this.timeout(SHRINK_MS + 600000);
        // Shrink for the first failure that is not a known bug.
        const first = res.failures.find((f) => !KNOWN_BUGS.some((b) => b.matches(f)))!;
        const kind = first.kind;
        const script: Script = { file, seed, steps: res.steps };
        const minimal = await shrink(
          script,
          async (s) => {
            await pair.restartIfDead();
            return (await runScript(pair, s)).failures.some((f) => f.kind === kind && !KNOWN_BUGS.some((b) => b.matches(f)));
          },
          SHRINK_MS,
        );
        // The minimal script again, in fresh servers.
        await pair.restartIfDead();
        const fresh = new ServerPair(root);
        await fresh.start();
        const again = await runScript(fresh, minimal);
        await fresh.stop();
        const shown = again.failures.find((f) => f.kind === kind) ?? first;
        const out = JSON.stringify({ ...minimal, failure: `${kind}: ${shown.message}` }, null, 1);
        const saved = path.join(SAVE ? REGRESSIONS : os.tmpdir(), `${file.replace(/[\\/]/g, '_')}-${seed}.json`);
        fs.mkdirSync(path.dirname(saved), { recursive: true });
        fs.writeFileSync(saved, out + '\n');
        assert.fail(
          `fuzzing ${file} (ISMS_FUZZ_SEED=${SEED}, file seed ${seed}) failed:\n${describeFailures(res.failures)}\n\n` +
            `reproduce: ISMS_FUZZ_SEED=${SEED} ISMS_FUZZ_EDITS=${EDITS} ISMS_FUZZ_FILES=${file} npx mocha --no-config --timeout 600000 test/out/fuzz-protocol.test.js\n` +
            `minimal edit script (${minimal.steps.length} of ${res.steps.length} steps; ${again.failures.length ? 'reproduces' : 'does NOT reproduce'} in fresh servers), saved to ${saved}:\n${out}`,
        );
      });
    }
  });

  describe('at the end', () => {
    it('both servers are alive, with nothing on stderr and no error logged', () => {
      for (const c of [pair.fuzz, pair.reference]) {
        assert.equal(c.exited, undefined);
        assert.equal(c.stderr, '');
        assert.deepEqual(c.logs.filter((l) => l.type <= 2), []);
      }
    });
  });
});
