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
 * diagnostics are never published for an older version after a newer one; and the diagnostics, symbols
 * and folding ranges of the final version equal those of a fresh open of the final text in a second
 * server. A failing run is shrunk to a minimal edit script, printed with its seed; found cases live in
 * test/fixtures/fuzz-regressions/*.json and are replayed first, every run.
 *
 * Environment: ISMS_FUZZ_SEED (default 20261123), ISMS_FUZZ_EDITS (edits per file, default 64: about
 * 10,600 in all), ISMS_FUZZ_FILES (only files whose path contains this), ISMS_FUZZ_SHRINK_MS (time for
 * shrinking a failure, default 120000), ISMS_FUZZ_SAVE=1 (write a failure's script into
 * test/fixtures/fuzz-regressions/), ISMS_FUZZ_UNSKIP=1 (replay the regressions of open bugs too). See docs/testing.md, "Fuzzing and properties".
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers/root';
import { prng } from './helpers/prng';
import { FuzzClient } from './helpers/fuzz-client';
import { runScript, shrink, stepGenerator, type Failure, type RunStats, type Script, type Servers } from './helpers/fuzz-script';

const envInt = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
const SEED = envInt('ISMS_FUZZ_SEED', 20261123) >>> 0;
const EDITS = envInt('ISMS_FUZZ_EDITS', 64);
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
 * The workspace both servers open: a copy of examples/ and test/fixtures/ (links resolve as in the
 * repository; the copy keeps the fuzzer's reverts off the real files).
 */
function makeWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-fuzz-'));
  fs.cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'test', 'fixtures'), path.join(dir, 'test', 'fixtures'), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}fuzz-regressions`),
  });
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
const KNOWN_BUGS: { name: string; matches: (f: Failure) => boolean }[] = [
  {
    // test/fixtures/fuzz-regressions/syntax-error-crlf-*.json
    name: 'syntax-error range ends inside a CRLF line break',
    matches: (f) => {
      const m = /^publish v\d+: diagnostic syntax-error range: end \d+:(\d+) outside the text \(\d+ lines, that line (\d+) long\)$/.exec(f.message);
      return f.kind === 'range' && !!m && Number(m[1]) === Number(m[2]) + 1;
    },
  },
];

const describeFailures = (fs: Failure[]) => fs.map((f) => `  [${f.kind}] after step ${f.step}: ${f.message}`).join('\n');

describe('fuzzing the language server through the protocol', function () {
  this.timeout(600000);
  const files = inputFiles().filter((f) => f.includes(FILTER));
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
        `\n    reproduce: ISMS_FUZZ_SEED=${SEED} ISMS_FUZZ_EDITS=${EDITS} npx mocha --no-config --timeout 600000 test/out/fuzz-protocol.test.js [--grep <file>]`,
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
        const res = await runScript(pair, { file, seed, steps: [] }, { next, edits: EDITS, maxSteps: EDITS * 4 });
        fuzzed++;
        for (const k of Object.keys(totals) as (keyof RunStats)[]) totals[k] += res.stats[k];
        if (!res.failures.length) return;
        const known = new Set(res.failures.map((f) => KNOWN_BUGS.find((b) => b.matches(f))?.name));
        if (!known.has(undefined)) {
          knownHits.push(`${file}: ${[...known].join('; ')}`);
          this.skip(); // only bugs already known (KNOWN_BUGS): pending
        }
        this.timeout(SHRINK_MS + 600000);
        const kind = res.failures[0].kind;
        const script: Script = { file, seed, steps: res.steps };
        const minimal = await shrink(
          script,
          async (s) => {
            await pair.restartIfDead();
            return (await runScript(pair, s)).failures.some((f) => f.kind === kind);
          },
          SHRINK_MS,
        );
        // The minimal script again, in fresh servers.
        await pair.restartIfDead();
        const fresh = new ServerPair(root);
        await fresh.start();
        const again = await runScript(fresh, minimal);
        await fresh.stop();
        const out = JSON.stringify({ ...minimal, failure: `${kind}: ${again.failures[0]?.message ?? res.failures[0].message}` }, null, 1);
        const saved = path.join(SAVE ? REGRESSIONS : os.tmpdir(), `${file.replace(/[\\/]/g, '_')}-${seed}.json`);
        fs.mkdirSync(path.dirname(saved), { recursive: true });
        fs.writeFileSync(saved, out + '\n');
        assert.fail(
          `fuzzing ${file} (ISMS_FUZZ_SEED=${SEED}, file seed ${seed}) failed:\n${describeFailures(res.failures)}\n\n` +
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
