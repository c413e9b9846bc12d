/**
 * What the server publishes, beyond the rules:
 * - the rehearsal of the keystroke path (server.ts REHEARSAL): after the first large document of a kind is checked, a
 *   typed space and its removal go through the change path with nothing sent. It must leave no trace a user can see:
 *   no publish of its own, and every later publish equal to what the CLI finds in the same text, whether the user's
 *   change comes after the rehearsal or in the middle of it;
 * - the limit per file (isms.diagnostics.maxPerFile, server.ts limitDiagnostics): what VS Code would show of them.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers/root';
import { LspClient } from './helpers/lsp-client';

const TODAY = '2026-11-23';

/** An inventory of `n` identities with findings of several rules (rotation overdue, admin privilege, unknown control). */
function inventory(n: number): string {
  const out = ['kind: nhi-inventory', 'identities:'];
  for (let i = 0; i < n; i++) {
    out.push(
      `  - id: svc-${i}`,
      `    type: service-account`,
      `    owner: team-${i % 5}@example.com`,
      `    purpose: runs the nightly job ${i} of the billing pipeline`,
      `    privilege: ${i % 9 === 0 ? 'admin' : 'scoped'}`,
      `    secret_store: vault`,
      `    rotation: P90D`,
      `    last_rotated: 2026-0${1 + (i % 9)}-05`,
      `    review_cadence: quarterly`,
      `    last_reviewed: 2026-10-01`,
      `    controls: [CSF:PR.AA-01${i % 13 === 0 ? ', CSF:PR.AA-99' : ''}]`,
      '',
    );
  }
  return out.join('\n');
}

/** A runbook of `n` sections citing controls, with a fragment link to the previous section. */
function runbook(n: number): string {
  const out = ['---', 'type: runbook', 'owner: sre@example.com', 'review_cadence: annual', 'last_reviewed: 2026-06-01', 'controls: [CSF:PR.AA-01]', '---', '# Operations', ''];
  for (let i = 0; i < n; i++) {
    out.push(`## Step ${i}`, '', `Rotate the credential set ${i} as CSF PR.AA-01 asks${i % 11 === 0 ? ' and CSF:PR.AA-77' : ''}.`, '', i ? `See [the step before](#step-${i - 1}).` : '', '');
  }
  return out.join('\n');
}

/** What the CLI finds in `text` saved as `file`: [rule, range, message] per finding. */
function cliFindings(file: string, text: string): unknown[] {
  fs.writeFileSync(file, text);
  const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', file, '--format', 'json', '--today', TODAY], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(cli.stdout).files[0].findings.map((x: any) => [x.ruleId, x.range, x.message]);
}
const fromServer = (d: any) => d.diagnostics.map((x: any) => [x.code, x.range, x.message]);

/** The first of `items` (from index `from`) that `ok` accepts, once it has come (within `ms`), else undefined. */
async function eventually<T>(items: T[], ok: (x: T) => boolean, ms = 20_000, from = 0): Promise<T | undefined> {
  const t0 = Date.now();
  for (;;) {
    const hit = items.slice(from).find(ok);
    if (hit || Date.now() - t0 > ms) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The kind named by the next "keystroke path rehearsed" log line of the server (from index `from`). */
async function rehearsed(logs: any[], from: number): Promise<string> {
  const hit = await eventually(logs, (l) => /keystroke path rehearsed/.test(l.message), 20_000, from);
  if (!hit) throw new Error(`no rehearsal within 20 s; the server said: ${logs.slice(from).map((l) => l.message).join(' | ')}`);
  return /\((\S+):/.exec(hit.message)![1];
}

describe('rehearsal of the keystroke path (server)', function () {
  this.timeout(90_000);
  let client: LspClient;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-rehearsal-'));
    fs.writeFileSync(path.join(dir, '.isms.yaml'), '{}\n');
    client = new LspClient();
    await client.start(dir, { today: TODAY });
  });
  afterEach(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Types `ins` at the end of line `line` of `text` (version `version`) and returns the new text with its publish. */
  async function type(uri: string, text: string, line: number, ins: string, version: number): Promise<{ text: string; d: any }> {
    const lines = text.split('\n');
    const published = client.diagnostics(uri, version);
    client.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: lines[line].length }, end: { line, character: lines[line].length } }, text: ins }],
    });
    lines[line] += ins;
    return { text: lines.join('\n'), d: await published };
  }

  it('rehearses once per kind of large document, sends nothing, and later publishes equal the CLI', async () => {
    const logs = client.record('window/logMessage');
    const publishes = client.record('textDocument/publishDiagnostics');
    const file = path.join(dir, 'identities.nhi.yaml');
    const uri = pathToFileURL(file).href;
    let text = inventory(300);
    assert.ok(text.length > 64 * 1024);
    const opened = await client.open(uri, 'yaml', text);
    assert.deepEqual(fromServer(opened), cliFindings(file, text));
    assert.equal(await rehearsed(logs, 0), 'inventory');
    // (the server checks the open document again when the workspace walk ends: the same findings each time)
    const before = publishes.filter((p) => p.uri === uri);
    assert.ok(before.length >= 1);
    for (const p of before) assert.deepEqual([p.version, fromServer(p)], [1, fromServer(opened)]);
    // A control ID typed wrong, then a character in a purpose: each publish is what the CLI finds.
    let v = 2;
    for (const [line, ins] of [[10 + 12 * 150, '9'], [5 + 12 * 77, 'x'], [10 + 12 * 150, ']']] as const) {
      const r = await type(uri, text, line, ins, v++);
      text = r.text;
      assert.deepEqual(fromServer(r.d), cliFindings(file, text), `after typing ${JSON.stringify(ins)} on line ${line}`);
    }
    // A second large inventory is not rehearsed again; the first large process document is.
    const other = pathToFileURL(path.join(dir, 'more.nhi.yaml')).href;
    await client.open(other, 'yaml', inventory(250).replace(/svc-/g, 'app-'));
    const md = path.join(dir, 'operations.md');
    const mdText = runbook(1000);
    assert.ok(mdText.length > 64 * 1024);
    const mdOpened = await client.open(pathToFileURL(md).href, 'markdown', mdText);
    assert.deepEqual(fromServer(mdOpened), cliFindings(md, mdText));
    const from = logs.findIndex((l) => /keystroke path rehearsed/.test(l.message)) + 1;
    assert.equal(await rehearsed(logs, from), 'process-document');
    assert.equal(logs.filter((l) => /keystroke path rehearsed \(inventory/.test(l.message)).length, 1);
  });

  it('does not rehearse in an inventory a change would parse whole (YAML anchors), and another inventory is rehearsed', async () => {
    const logs = client.record('window/logMessage');
    const file = path.join(dir, 'anchored.nhi.yaml');
    const uri = pathToFileURL(file).href;
    // An anchor and its aliases: the file cannot be cut per identity, each version is parsed whole (on the worker).
    let text = inventory(700).replace('identities:', 'x-owner: &team team-0@example.com\nidentities:').replace(/owner: team-0@example.com/g, 'owner: *team');
    assert.ok(text.length > 128 * 1024);
    const opened = await client.open(uri, 'yaml', text);
    assert.deepEqual(fromServer(opened), cliFindings(file, text));
    assert.match((await eventually(logs, (l) => /keystroke path (not )?rehearsed/.test(l.message)))?.message ?? '', /not rehearsed \(inventory: a change would parse the whole file/);
    const r = await type(uri, text, 5, 'x', 2);
    text = r.text;
    assert.deepEqual(fromServer(r.d), cliFindings(file, text));
    const other = path.join(dir, 'plain.nhi.yaml');
    const otherText = inventory(300).replace(/svc-/g, 'app-');
    await client.open(pathToFileURL(other).href, 'yaml', otherText);
    assert.equal(await rehearsed(logs, 0), 'inventory');
  });

  it('a change that comes while it rehearses is checked as the CLI checks it', async () => {
    const logs = client.record('window/logMessage');
    const file = path.join(dir, 'identities.nhi.yaml');
    const uri = pathToFileURL(file).href;
    let text = inventory(400);
    await client.open(uri, 'yaml', text);
    // Changes every 40 ms from the open on, before the first round (100 ms after the open).
    let v = 2;
    for (let k = 0; k < 12; k++) {
      await new Promise((r) => setTimeout(r, 40));
      const r = await type(uri, text, 3 + 12 * ((k * 37) % 400), k % 2 ? 'y' : ' z', v++);
      text = r.text;
      if (k % 4 === 3) assert.deepEqual(fromServer(r.d), cliFindings(file, text), `after change ${k}`);
    }
    // The user typed from the start: the rehearsal stopped rather than make them wait.
    assert.ok(await eventually(logs, (l) => /keystroke path rehearsal stopped \(inventory: the document changed after 0 rounds\)/.test(l.message)), logs.map((l) => l.message).join('; '));
    assert.ok(!logs.some((l) => /keystroke path rehearsed/.test(l.message)));
    const r = await type(uri, text, 7, ' ', v++);
    assert.deepEqual(fromServer(r.d), cliFindings(file, r.text));
  });

  it('a change after some rounds stops the rehearsal, and what is published equals the CLI', async () => {
    const logs = client.record('window/logMessage');
    const file = path.join(dir, 'identities.nhi.yaml');
    const uri = pathToFileURL(file).href;
    let text = inventory(600);
    await client.open(uri, 'yaml', text);
    // (the first round starts 100 ms after the open; a change at about 250 ms lands after a few rounds or during one)
    await new Promise((r) => setTimeout(r, 250));
    let v = 2;
    for (let k = 0; k < 4; k++) {
      const r = await type(uri, text, 3 + 12 * ((k * 131) % 600), 'q', v++);
      text = r.text;
      assert.deepEqual(fromServer(r.d), cliFindings(file, text), `after change ${k}`);
    }
    assert.ok(await eventually(logs, (l) => /keystroke path (rehearsed|rehearsal stopped) \(inventory/.test(l.message)));
  });
});

describe('diagnostics per file (isms.diagnostics.maxPerFile)', function () {
  this.timeout(60_000);
  const { limitDiagnostics, MAX_DIAGNOSTICS_PER_FILE } = require('./helpers/root').server('lsp/server.js');
  const diag = (line: number, severity: number) => ({ range: { start: { line, character: 0 }, end: { line, character: 1 } }, severity, source: 'isms', message: `m${line}` });

  it('keeps what VS Code shows: errors first, then warnings, information, hints, in document order, and a note', () => {
    // 20 diagnostics with severities in a fixed shuffle; VS Code's choice of `max` is reproduced by its own loop.
    const sev = [2, 1, 4, 3, 2, 2, 1, 3, 4, 2, 1, 2, 3, 4, 2, 1, 3, 2, 4, 1];
    const ds = sev.map((s, i) => diag(i, s));
    for (let max = 1; max <= 21; max++) {
      const out = limitDiagnostics(ds, max);
      if (max >= ds.length) {
        assert.equal(out, ds, 'at or under the limit: the same list');
        continue;
      }
      const expected: any[] = [];
      order: for (const s of [1, 2, 3, 4]) for (const d of ds) if (d.severity === s) { if (expected.length === max - 1) break order; expected.push(d); }
      const shown = out.slice(0, -1);
      assert.deepEqual(new Set(shown), new Set(expected), `max ${max}`);
      assert.deepEqual(shown.map((d: any) => d.range.start.line), [...shown.map((d: any) => d.range.start.line)].sort((a, b) => a - b), 'document order');
      const note = out.at(-1);
      assert.equal(note.severity, 3);
      assert.deepEqual(note.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      assert.match(note.message, new RegExp(`^${ds.length - (max - 1)} more findings in this file are not shown`));
    }
    assert.equal(limitDiagnostics(ds, 0), ds, '0: no limit');
    assert.equal(MAX_DIAGNOSTICS_PER_FILE, 1000);
  });

  it('from runs of findings, the same list without making the diagnostics left out', () => {
    const { publishedOfRuns, diagnosticsOfRuns } = require('./helpers/root').server('lsp/server.js');
    const { prng } = require('./helpers/prng');
    const rand = prng(7);
    const SEV = ['error', 'warning', 'info', 'hint'];
    for (let round = 0; round < 40; round++) {
      // Runs at increasing lines, findings relative to them, severities mostly warnings, a few errors.
      const runs: any[] = [];
      for (let i = 0, line = 2; i < 30 + Math.floor(rand() * 60); i++, line += 1 + Math.floor(rand() * 5)) {
        const findings = Array.from({ length: Math.floor(rand() * 4) }, (_, k) => ({
          ruleId: `rule-${k}`,
          message: `m ${line} ${k}`,
          range: { start: { line: k, character: 0 }, end: { line: k, character: 3 } },
          fixes: [],
          severity: SEV[rand() < 0.1 ? 0 : rand() < 0.8 ? 1 : rand() < 0.5 ? 2 : 3],
        }));
        runs.push({ line, findings });
      }
      const total = runs.reduce((n, r) => n + r.findings.length, 0);
      for (const max of [0, 1, 2, 5, Math.floor(total / 2), total - 1, total, total + 3]) {
        const want = limitDiagnostics(diagnosticsOfRuns(runs), max);
        assert.deepEqual(publishedOfRuns(runs, undefined, max), want, `round ${round}, max ${max} of ${total}`);
      }
    }
  });

  it('the server publishes at most maxPerFile, errors first; 0 sends them all', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-limit-'));
    fs.writeFileSync(path.join(dir, '.isms.yaml'), '{}\n');
    const file = path.join(dir, 'identities.nhi.yaml');
    const text = inventory(60);
    const all = cliFindings(file, text) as [string, unknown, string][];
    assert.ok(all.length > 40, `${all.length} findings`);
    const errors = JSON.parse(spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', file, '--format', 'json', '--today', TODAY], { encoding: 'utf8' }).stdout).files[0].findings.filter((f: any) => f.severity === 'error').length;
    assert.ok(errors > 0 && errors < 39, `${errors} errors`);
    for (const [max, expect] of [[40, 40], [0, all.length]] as const) {
      const client = new LspClient();
      try {
        await client.start(dir, { today: TODAY, diagnostics: { maxPerFile: max } });
        const publishes = client.record('textDocument/publishDiagnostics');
        await client.open(pathToFileURL(file).href, 'yaml', text);
        // (the open may be checked before the settings are pulled; the server checks it again with them)
        const d = await eventually(publishes, (p) => p.diagnostics.length === expect, 10_000);
        assert.ok(d, `a publish of ${expect} diagnostics (got ${publishes.map((p) => p.diagnostics.length)})`);
        if (max) {
          assert.equal(d.diagnostics.filter((x: any) => x.severity === 1).length, errors, 'every error is kept');
          assert.match(d.diagnostics.at(-1).message, new RegExp(`^${all.length - 39} more findings`));
        } else assert.deepEqual(fromServer(d), all);
      } finally {
        await client.stop();
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
