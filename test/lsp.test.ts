/**
 * Protocol tests: start the real server (dist/server.js, as the extension ships it) over stdio, speak
 * LSP to it, and check diagnostics, hover, completion, code actions and the custom requests. Also
 * checks that the CLI and the server return the same findings for the same files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, server } from './helpers/root';
import { LspClient } from './helpers/lsp-client';

const { readReportJson } = server('core/coverage/json.js');


/** The status flags of a process's file descriptor (Linux: /proc/<pid>/fdinfo, octal; O_NONBLOCK is 04000). */
function fdFlags(pid: number, fd: number): number {
  return parseInt(/^flags:\s*([0-7]+)/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))![1], 8);
}

/** The process running the server under `pid`: its child when `isms lsp` started Node once more, else itself; with its argv. */
function serverProcess(pid: number): { pid: number; argv: string[] } {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  const p = children.length === 1 ? children[0] : pid;
  return { pid: p, argv: fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean) };
}

const EXAMPLE = `---
type: runbook
owner: sre@example.com
controls: [PR.AC-4, PR.AA-1, CSF:PR.AA-01, ISO27001:A.5.17]
review_cadence: annual
last_reviewed: 2026-11-01
---
# Rotate keys

Follows ISO 27001 A.5.17 and SOC2:CC6.

## Purpose
## Steps
## Rollback
## Evidence
`;

describe('language server over stdio', function () {
  this.timeout(30000);
  let client: LspClient;
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isms-lsp-'));
  const uri = pathToFileURL(path.join(dir, 'rotate.md')).href;

  before(async () => {
    client = new LspClient([path.join(ROOT, 'dist', 'server.js'), '--stdio']);
    const init = await client.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { workspace: { configuration: true } },
    });
    // (no limit per file: these tests compare whole publishes with the CLI's findings; publish.test.ts tests the limit)
    client.settings = { today: '2026-11-23', diagnostics: { maxPerFile: 0 } };
    assert.equal(init.serverInfo.name, 'isms-author');
    assert.ok(init.capabilities.hoverProvider);
    client.notify('initialized', {});
  });

  after(async () => client.stop());

  it('publishes diagnostics with rule codes, doc links and the document version', async () => {
    const pending = client.diagnostics(uri, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: EXAMPLE } });
    const d = await pending;
    assert.equal(d.version, 1);
    assert.deepEqual(
      d.diagnostics.map((x: any) => [x.code, x.range.start.line, x.range.start.character, x.severity, x.source]),
      [
        ['control-legacy', 3, 11, 2, 'isms'],
        ['control-malformed', 3, 20, 2, 'isms'],
      ],
    );
    assert.match(d.diagnostics[0].codeDescription.href, /docs\/rules\/control-legacy\.md$/);
  });

  it('hovers a CSF ID with NIST text and the framework role', async () => {
    const h = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 35 } });
    assert.match(h.contents.value, /Identities and credentials for authorized users/);
    assert.match(h.contents.value, /voluntary outcomes framework/);
  });

  it('completes after a prefix', async () => {
    const items = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 44 } });
    const labels = items.map((i: any) => i.label);
    assert.ok(labels.includes('SOC2:CC6.1') && labels.includes('SOC2:CC6.8'), labels.join());
    // Items carry no documentation; completionItem/resolve adds it to the one the user looks at.
    const cc61 = items.find((i: any) => i.label === 'SOC2:CC6.1');
    assert.equal(cc61.documentation, undefined);
    const resolved = await client.request('completionItem/resolve', cc61);
    assert.equal(resolved.documentation.kind, 'markdown');
    assert.match(resolved.documentation.value, /CC6\.1/);
    assert.match(resolved.documentation.value, /attestation/i);
    assert.equal(resolved.label, 'SOC2:CC6.1');
  });

  it('offers the successor as a quick fix and the change clears the diagnostic', async () => {
    const diagnosticsNow = await (async () => {
      const p = client.diagnostics(uri, 2);
      client.notify('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, text: '' }],
      });
      return (await p).diagnostics;
    })();
    const legacy = diagnosticsNow.find((x: any) => x.code === 'control-legacy');
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: legacy.range,
      context: { diagnostics: [legacy] },
    });
    const fix = actions.find((a: any) => a.kind === 'quickfix' && a.isPreferred);
    assert.equal(fix.title.startsWith('Replace with PR.AA-05'), true, fix.title);
    const edit = fix.edit.changes[uri][0];
    assert.equal(edit.newText, 'PR.AA-05');
    const p = client.diagnostics(uri, 3);
    client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
    const after = await p;
    assert.deepEqual(after.diagnostics.map((x: any) => x.code), ['control-malformed']);
  });

  it('offers a fix-all for the safe fixes when asked for source.fixAll', async () => {
    const actions = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.isms');
    assert.deepEqual(actions[0].edit.changes[uri].map((e: any) => e.newText), ['PR.AA-01']);
  });

  it('serves the outline, folding ranges and key completion as snippets', async () => {
    const syms = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(syms.map((x: any) => x.name), ['Front matter', 'Rotate keys']);
    assert.deepEqual(syms[1].children.map((x: any) => x.name), ['Purpose', 'Steps', 'Rollback', 'Evidence']);
    const folds = await client.request('textDocument/foldingRange', { textDocument: { uri } });
    assert.ok(folds.some((f: any) => f.startLine === 0 && f.endLine === 6), JSON.stringify(folds));
    const items = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 0 } });
    const approver = items.find((i: any) => i.label === 'approver');
    assert.ok(approver, items.map((i: any) => i.label).join());
    assert.equal(approver.insertTextFormat, 2);
    assert.equal(approver.kind, 10);
  });

  it('indexes files from file events and reports identity IDs used in another inventory', async () => {
    const inv = pathToFileURL(path.join(dir, 'open.nhi.yaml')).href;
    const text = 'kind: nhi-inventory\nidentities:\n  - id: svc-shared\n    owner: a@example.com\n';
    const first = client.diagnostics(inv, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri: inv, languageId: 'yaml', version: 1, text } });
    assert.ok(!(await first).diagnostics.some((x: any) => x.code === 'nhi-id-duplicate'));
    fs.writeFileSync(path.join(dir, 'disk.nhi.yaml'), text);
    const again = client.diagnostics(inv, 1);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'disk.nhi.yaml')).href, type: 1 }] });
    const d = (await again).diagnostics.filter((x: any) => x.code === 'nhi-id-duplicate');
    assert.equal(d.length, 1);
    assert.match(d[0].message, /also used in disk\.nhi\.yaml:3/);
  });

  it('keeps answering while it opens a large inventory (the check yields between slices)', async () => {
    const big = pathToFileURL(path.join(dir, 'big.nhi.yaml')).href;
    let text = 'kind: nhi-inventory\nidentities:\n';
    for (let i = 0; i < 4000; i++) {
      text += `  - id: svc-big-${i}\n    type: api-key\n    owner: team-${i % 9}@bank.example\n    purpose: Job ${i}\n    credential: api-key\n`;
      text += `    secret_store: vault\n    rotation: P90D\n    last_rotated: 2026-10-01\n    controls: [CSF:PR.AA-01, NHI7]\n`;
    }
    const events: string[] = [];
    const diags = client.diagnostics(big, 1).then((d) => {
      events.push('diagnostics');
      return d;
    });
    client.notify('textDocument/didOpen', { textDocument: { uri: big, languageId: 'yaml', version: 1, text } });
    await new Promise((r) => setTimeout(r, 50));
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 35 } });
    events.push('hover');
    const d = await diags;
    assert.deepEqual(events, ['hover', 'diagnostics']);
    assert.ok(d.diagnostics.length > 0);
  });

  it('analyses a large inventory it must parse whole on a worker: answers meanwhile, cancels stale versions', async () => {
    // A YAML anchor makes the file uncuttable: each version is one parse of the whole file.
    const file = path.join(dir, 'anchored.nhi.yaml');
    const big = pathToFileURL(file).href;
    let text = 'kind: nhi-inventory\ndefaults: &base { environment: prod }\nidentities:\n';
    for (let i = 0; i < 3000; i++) {
      text += `  - id: svc-anchor-${i}\n    type: api-key\n    owner: team-${i % 9}@bank.example\n    purpose: Job ${i}\n    credential: api-key\n`;
      text += `    secret_store: vault\n    rotation: P90D\n    last_rotated: 2026-10-01\n    controls: [CSF:PR.AA-01, NHI7]\n`;
    }
    text += 'extra: *base\n';
    const first = client.diagnostics(big, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri: big, languageId: 'yaml', version: 1, text } });
    await first;
    // Version 2: while the worker parses it, completion, the outline and hover answer at once (hover with
    // nothing rather than a parse); version 3 replaces it before it is done, so 2 is never published.
    const events: string[] = [];
    const published = new Promise<any>((resolve) => {
      const l = (m: any) => {
        if (m.method !== 'textDocument/publishDiagnostics' || m.params.uri !== big) return;
        events.push(`diagnostics v${m.params.version}`);
        resolve(m.params);
      };
      (client as any).listeners.push(l);
    });
    const edit = (version: number, line: number) =>
      client.notify('textDocument/didChange', { textDocument: { uri: big, version }, contentChanges: [{ range: { start: { line, character: 14 }, end: { line, character: 14 } }, text: 'x' }] });
    edit(2, 5);
    const items = await client.request('textDocument/completion', { textDocument: { uri: big }, position: { line: 4, character: 10 } });
    events.push('completion');
    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri: big } });
    events.push('symbols');
    const hover = await client.request('textDocument/hover', { textDocument: { uri: big }, position: { line: 11, character: 20 } });
    events.push('hover');
    edit(3, 14);
    const d = await published;
    assert.deepEqual(events, ['completion', 'symbols', 'hover', 'diagnostics v3']);
    assert.ok((Array.isArray(items) ? items : items.items).some((c: any) => c.label === 'service-account'), 'value completion');
    assert.equal(symbols.find((s: any) => s.name === 'identities').children.length, 3000);
    assert.equal(hover, null);
    // What the worker found is what the CLI finds in the same text.
    const lines = text.split('\n');
    for (const [line, at] of [[5, 14], [14, 14]] as const) lines[line] = lines[line].slice(0, at) + 'x' + lines[line].slice(at);
    fs.writeFileSync(file, lines.join('\n'));
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', file, '--format', 'json', '--today', '2026-11-23'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const fromCli = JSON.parse(cli.stdout).files[0].findings.map((x: any) => [x.ruleId, x.range, x.message]);
    assert.ok(fromCli.length > 0);
    assert.deepEqual(d.diagnostics.map((x: any) => [x.code, x.range, x.message]), fromCli);
    client.notify('textDocument/didClose', { textDocument: { uri: big } });
  });

  it('answers the catalog search and template requests', async () => {
    const res = await client.request('isms/catalogSearch', { query: 'identity management' });
    assert.ok(res.items.some((i: any) => i.ref === 'ISO27001:A.5.16'));
    const t = await client.request('isms/template', { kind: 'runbook', today: '2026-11-23' });
    assert.equal(t.languageId, 'markdown');
    assert.match(t.text, /last_reviewed: 2026-11-23/);
    assert.match(t.text, /^controls: \[\]$/m);
    // The coverage view's "Create a document for this control": the controls fill the front matter list.
    const c = await client.request('isms/template', { kind: 'procedure', today: '2026-11-23', controls: ['ISO27001:A.5.15', 'SP800-53:AC-2(1)', 'odd: value', 42] });
    assert.match(c.text, /^controls: \[ISO27001:A\.5\.15, SP800-53:AC-2\(1\), "odd: value"\]$/m);
    assert.match(c.text, /^type: procedure$/m);
  });

  it('writes stdout in blocking mode, so a large message is in the pipe before the server does anything else', function () {
    if (process.platform !== 'linux') this.skip();
    // fdinfo's flags are octal; O_NONBLOCK is 04000 (the pipe's write end, as the server holds it)
    const flags = fdFlags(client.pid, 1);
    assert.equal(flags & 0o4000, 0, `stdout flags ${flags.toString(8)}`);
    assert.notEqual(fdFlags(client.pid, 0) & 0o4000, 0, 'stdin stays non-blocking');
  });

  it('`isms lsp --stdio` writes stdout in blocking mode too', async function () {
    if (process.platform !== 'linux') this.skip();
    const other = new LspClient([path.join(ROOT, 'bin', 'isms.js'), 'lsp', '--stdio']);
    try {
      await other.request('initialize', { processId: null, rootUri: null, capabilities: {} });
      const flags = fdFlags(serverProcess(other.pid).pid, 1);
      assert.equal(flags & 0o4000, 0, `stdout flags ${flags.toString(8)}`);
    } finally {
      await other.stop();
    }
  });

  it('`isms lsp --stdio` serves from the process the editor started (no second Node), and exits with its code', async function () {
    if (process.platform !== 'linux') this.skip();
    const options: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'server', 'src', 'node', 'server-node-options.json'), 'utf8')).execArgv;
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    delete env.ISMS_LSP_RELAUNCHED;
    const other = new LspClient([path.join(ROOT, 'bin', 'isms.js'), 'lsp', '--stdio'], env);
    try {
      const init = await other.request('initialize', { processId: null, rootUri: null, capabilities: {} });
      assert.equal(init.serverInfo.name, 'isms-author');
      const server = serverProcess(other.pid);
      assert.equal(server.pid, other.pid, 'one process');
      // Where Node has process.execve, the process replaced itself with Node started with the options (same pid).
      if (typeof (process as any).execve === 'function') for (const o of options) assert.ok(server.argv.includes(o), `${o} in ${server.argv.join(' ')}`);
    } finally {
      await other.stop();
    }
    assert.equal(other.exitCode, 0, 'exit after shutdown: 0');
    // Started with the options already; without a shutdown (the editor went away) it exits with 1.
    const withOptions = new LspClient([...options, path.join(ROOT, 'bin', 'isms.js'), 'lsp', '--stdio'], env);
    await withOptions.request('initialize', { processId: null, rootUri: null, capabilities: {} });
    assert.equal(serverProcess(withOptions.pid).pid, withOptions.pid, 'no second process');
    await withOptions.closeInput();
    assert.equal(withOptions.exitCode, 1);
  });

  it('`isms lsp` replaces its process with Node started with the missing options where it can (execve), else applies them in process', () => {
    // In a Node of its own: applying the options changes that process's heap settings.
    const script = `
      const v8 = require('node:v8');
      const m = require(${JSON.stringify(path.join(ROOT, 'server', 'out', 'node', 'node-options.js'))});
      const out = {};
      const fake = (over = {}) => ({ execPath: '/n', execArgv: ['--inspect'], env: { A: '1' }, platform: 'linux', ...over });
      let call;
      if (process.env.CAP !== '0') {
      out.skipped = m.serveWithNodeOptions(['/n', 'isms.js', 'lsp', '--stdio'], fake({ env: { ISMS_LSP_RELAUNCHED: '1' }, execve: () => { throw new Error('no'); } }));
      out.present = m.serveWithNodeOptions(['/n', 'isms.js', 'lsp', '--stdio'], fake({ execArgv: m.SERVER_NODE_OPTIONS }));
      out.execve = m.serveWithNodeOptions(['/n', 'isms.js', 'lsp', '--stdio'], fake({ execve: (...a) => { call = a; throw Object.assign(new Error('failed'), { code: 'ENOENT' }); } }));
      out.call = call;
      call = undefined;
      out.ipc = m.serveWithNodeOptions(['/n', 'isms.js', 'lsp', '--node-ipc'], fake({ execve: (...a) => { call = a; } }));
      out.ipcCall = call ?? null;
      }
      const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
      // Much allocated and kept, across tasks: the young generation grows until its cap (2 x 4 MiB), not to V8's 2 x 16.
      const keep = [];
      let n = 0;
      const step = () => {
        for (let i = 0; i < 20000; i++) keep.push({ i, s: 'x' + i });
        if (++n < 150) return setImmediate(step);
        out.newSpace = newSpace();
        console.log(JSON.stringify(out));
      };
      step();`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.skipped, 'skipped');
    assert.equal(out.present, 'present');
    assert.equal(out.execve, 'in-process', 'execve failed: applied in process');
    assert.deepEqual(out.call, ['/n', ['/n', '--max-semi-space-size=4', '--heap-growing-percent=50', '--inspect', 'isms.js', 'lsp', '--stdio'], { A: '1', ISMS_LSP_RELAUNCHED: 'execve' }]);
    assert.equal(out.ipc, 'in-process');
    assert.equal(out.ipcCall, null, 'no execve with --node-ipc');
    assert.ok(out.newSpace <= 8, `new space ${out.newSpace} MiB`);
    // The same allocation without the cap: the young generation grows past it (what the cap is for).
    const control = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', CAP: '0' } });
    assert.equal(control.status, 0, control.stderr);
    assert.ok(JSON.parse(control.stdout).newSpace > 8, control.stdout);
  });

  it('`isms lsp` adds only the Node options not set already (execArgv or NODE_OPTIONS, any value)', () => {
    const { missingNodeOptions, SERVER_NODE_OPTIONS } = require(path.join(ROOT, 'server', 'out', 'node', 'node-options.js')) as typeof import('../server/src/node/node-options');
    assert.deepEqual(missingNodeOptions([]), [...SERVER_NODE_OPTIONS]);
    assert.deepEqual(missingNodeOptions(['--max-semi-space-size=8']), ['--heap-growing-percent=50']);
    assert.deepEqual(missingNodeOptions(['--inspect'], '--max_semi_space_size=16'), ['--heap-growing-percent=50']);
    assert.deepEqual(missingNodeOptions(['--heap-growing-percent=20', '--max-semi-space-size=4']), []);
  });

  it('stays silent on ordinary Markdown', async () => {
    const other = pathToFileURL(path.join(dir, 'README.md')).href;
    const p = client.diagnostics(other, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri: other, languageId: 'markdown', version: 1, text: '# Notes\n\nPR.AC-4\n' } });
    assert.deepEqual((await p).diagnostics, []);
  });

  it('returns the same findings as the CLI for the same file', async () => {
    const file = path.join(dir, 'same.md');
    fs.writeFileSync(file, EXAMPLE);
    const u = pathToFileURL(file).href;
    const p = client.diagnostics(u, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri: u, languageId: 'markdown', version: 1, text: EXAMPLE } });
    const fromServer = (await p).diagnostics.map((x: any) => [x.code, x.range, x.message]);
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', file, '--format', 'json', '--today', '2026-11-23'], { encoding: 'utf8' });
    const json = JSON.parse(cli.stdout);
    const fromCli = json.files[0].findings.map((x: any) => [x.ruleId, x.range, x.message]);
    assert.deepEqual(fromCli, fromServer);
  });
});

describe('language server: isms/coverage', function () {
  this.timeout(30000);
  let client: LspClient;
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isms-lsp-cov-'));
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'coverage'), dir, { recursive: true });
  const policy = path.join(dir, 'policies', 'crypto-draft.md');

  before(async () => {
    client = new LspClient([path.join(ROOT, 'dist', 'server.js'), '--stdio']);
    await client.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { workspace: { configuration: true } },
    });
    client.settings = { today: '2026-11-23' };
    client.notify('initialized', {});
  });

  after(async () => client.stop());

  it('answers the model of the workspace, as the CLI computes it, and follows an edit of an open document', async () => {
    const r = await client.request('isms/coverage', { frameworks: ['iso27001'], format: 'md' });
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'coverage', '.', '--format', 'json', '--framework', 'iso27001', '--today', '2026-11-23'], { cwd: dir, encoding: 'utf8' });
    const expected = JSON.parse(cli.stdout);
    assert.deepEqual(r.report.frameworks.map((f: any) => f.summary), expected.frameworks.map((f: any) => f.summary));
    const a824 = (rep: any) => rep.frameworks[0].controls.find((c: any) => c.id === 'A.8.24');
    assert.deepEqual([a824(r.report).state, a824(r.report).evidence[0].uri], ['stale', 'policies/crypto-draft.md']);
    assert.match(r.markdown, /^# Control coverage/);
    // The draft is approved in the editor (not saved): the open document's text counts.
    const text = fs.readFileSync(policy, 'utf8').replace('status: draft', 'status: approved');
    client.notify('textDocument/didOpen', { textDocument: { uri: pathToFileURL(policy).href, languageId: 'markdown', version: 1, text } });
    const after = await client.request('isms/coverage', { frameworks: ['iso27001'] });
    assert.equal(a824(after.report).state, 'evidenced');
    assert.equal(after.markdown, undefined);
  });

  it('answers the Statement of Applicability and the CSF profile (isms/deliverable) as `isms soa` / `isms profile` write them', async () => {
    // A fresh copy (the open document above is edited), so the CLI reads the same texts the server does.
    const other = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isms-lsp-deliv-'));
    fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'coverage'), other, { recursive: true });
    const c2 = new LspClient([path.join(ROOT, 'dist', 'server.js'), '--stdio']);
    try {
      await c2.request('initialize', { processId: process.pid, rootUri: pathToFileURL(other).href, workspaceFolders: [{ uri: pathToFileURL(other).href, name: 'ws' }], capabilities: { workspace: { configuration: true } } });
      c2.settings = { today: '2026-11-23' };
      c2.notify('initialized', {});
      for (const [kind, command, format, name] of [['soa', 'soa', 'csv', 'statement-of-applicability.csv'], ['profile', 'profile', 'md', 'csf-profile.md'], ['soa', 'soa', 'json', 'statement-of-applicability.json']]) {
        const r = await c2.request('isms/deliverable', { kind, format });
        const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), command, '.', '--format', format, '--today', '2026-11-23'], { cwd: other, encoding: 'utf8' });
        assert.equal(cli.status, 0, cli.stderr);
        assert.equal(r.text + '\n', cli.stdout, `${kind} ${format}`);
        assert.equal(r.suggestedName, name);
      }
      const soa = await c2.request('isms/deliverable', { kind: 'soa', format: 'json' });
      assert.equal(JSON.parse(soa.text).rows.length, 93);
      await assert.rejects(c2.request('isms/deliverable', { kind: 'nope', format: 'md' }), /unknown deliverable 'nope'/);
      await assert.rejects(c2.request('isms/deliverable', { kind: 'soa', format: 'pdf' }), /unknown format 'pdf'/);
    } finally {
      await c2.stop();
    }
  });
});

describe('language server: suppressions', function () {
  this.timeout(30000);
  let client: LspClient;
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isms-lsp-sup-'));
  const uri = pathToFileURL(path.join(dir, 'keys.nhi.yaml')).href;
  const TEXT = [
    'identities:',
    '  # isms-disable-next-line review-overdue -- Decommissioning in Q1, CHG-77',
    '  - id: legacy',
    '    type: service-account',
    '    owner: sre',
    '    purpose: Billing export',
    '    review_cadence: annual',
    '    last_reviewed: 2020-01-01',
    '  - id: other',
    '    type: service-account',
    '    owner: sre',
    '    purpose: Reports',
    '    review_cadence: annual',
    '    last_reviewed: 2020-01-01',
    '',
  ].join('\n');

  before(async () => {
    client = new LspClient([path.join(ROOT, 'dist', 'server.js'), '--stdio']);
    await client.start(dir, { today: '2026-11-23' });
  });

  after(async () => client.stop());

  it('does not publish a suppressed finding; the quick fix inserts a # comment with a placeholder reason', async () => {
    const d = await client.open(uri, 'yaml', TEXT);
    const overdue = d.diagnostics.filter((x: any) => x.code === 'review-overdue');
    assert.deepEqual(overdue.map((x: any) => x.range.start.line), [13], 'only the unsuppressed identity');
    assert.ok(!d.diagnostics.some((x: any) => String(x.code).startsWith('suppression-')));
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: overdue[0].range, context: { diagnostics: overdue } });
    const a = actions.find((x: any) => x.title === 'Suppress review-overdue with a reason…');
    assert.ok(a, actions.map((x: any) => x.title).join('; '));
    assert.equal(a.kind, 'quickfix');
    assert.ok(!a.isPreferred);
    assert.deepEqual(a.edit.changes[uri], [
      { range: { start: { line: 13, character: 0 }, end: { line: 13, character: 0 } }, newText: '    # isms-disable-next-line review-overdue -- TODO: why this finding is accepted\n' },
    ]);
    // Applied: the finding goes, and the placeholder reason is reported until a reason is written.
    const p = client.diagnostics(uri, 2);
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: a.edit.changes[uri][0].range, text: a.edit.changes[uri][0].newText }] });
    const after = (await p).diagnostics;
    assert.deepEqual(after.filter((x: any) => x.code === 'review-overdue' || String(x.code).startsWith('suppression-')).map((x: any) => [x.code, x.range.start.line]), [['suppression-unjustified', 13]]);
    // Fix-all offers nothing for it.
    const all = await client.request('textDocument/codeAction', { textDocument: { uri }, range: overdue[0].range, context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.ok(all.every((x: any) => !x.edit.changes[uri].some((e: any) => e.newText.includes('isms-disable'))));
  });
});

describe('language server: the kept coverage model', function () {
  this.timeout(60000);
  const TODAY = '2026-11-23';
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isms-lsp-kept-'));
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'coverage'), dir, { recursive: true });
  // (A broken link is an error here: a file going away then changes the evidence of the documents linking to it.)
  fs.appendFileSync(path.join(dir, '.isms.yaml'), 'rules:\n  link-broken: error\n');
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;
  const cli = () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'coverage', '.', '--format', 'json', '--today', TODAY], { cwd: dir, encoding: 'utf8' });
    // (The JSON writes each source once and refers to it by index: read back into the model's shape, as --merge does.)
    const json = readReportJson(JSON.parse(r.stdout));
    return { frameworks: json.frameworks, problems: json.problems };
  };
  const model = (r: any) => ({ frameworks: r.report.frameworks, problems: r.report.problems });
  let client: LspClient;

  before(async () => {
    client = new LspClient();
    await client.start(dir, { today: TODAY });
  });
  after(async () => client.stop());

  it('equals a fresh computation after open, edits, close and files created, changed and deleted on disk; announces each change of evidence, not an edit that leaves it equal', async () => {
    const policy = 'policies/crypto-draft.md';
    assert.deepEqual(model(await client.request('isms/coverage', {})), cli());

    // Opened with an unsaved change of its status: its evidence is the edited text's.
    let text = fs.readFileSync(path.join(dir, policy), 'utf8').replace('status: draft', 'status: approved');
    let note = client.notification('isms/coverageChanged');
    await client.open(uri(policy), 'markdown', text);
    assert.deepEqual(await note, { uris: [uri(policy)] });

    // A sentence typed into its body leaves its evidence equal: the next notification names only the file created next.
    text += '\nKeys are kept in the HSM.\n';
    client.notify('textDocument/didChange', { textDocument: { uri: uri(policy), version: 2 }, contentChanges: [{ text }] });
    await client.request('isms/coverage', { evidence: false });
    const linking = 'policies/key-management.md';
    fs.writeFileSync(
      path.join(dir, linking),
      `---\ntitle: Key management\ntype: standard\nowner: crypto-guild@example.com\nreview_cadence: annual\nlast_reviewed: 2026-10-01\nstatus: approved\ncontrols: [ISO27001:A.8.24, CSF:PR.DS-01]\n---\n# Key management\n\n## Purpose\n\nKeys rotate as [the runbook](../runbooks/rotate-keys.md) says.\n\n## Scope\n## Roles and responsibilities\n## Policy statements\n## Review\n`,
    );
    note = client.notification('isms/coverageChanged');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(linking), type: 1 }] });
    assert.deepEqual(await note, { uris: [uri(linking)] });

    // An inventory changed on disk: an identity loses its owner.
    const inventory = 'inventories/prod.nhi.yaml';
    fs.writeFileSync(path.join(dir, inventory), fs.readFileSync(path.join(dir, inventory), 'utf8').replace('    owner: partners@example.com\n', ''));
    note = client.notification('isms/coverageChanged');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(inventory), type: 2 }] });
    assert.deepEqual(await note, { uris: [uri(inventory)] });

    // A runbook deleted: its evidence goes, the standard linking to it now has an open error, and the identities whose
    // `offboarding:` names it have no offboarding any more (nhi-offboarding-missing).
    fs.rmSync(path.join(dir, 'runbooks/rotate-keys.md'));
    note = client.notification('isms/coverageChanged');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('runbooks/rotate-keys.md'), type: 3 }] });
    assert.deepEqual((await note).uris.sort(), [uri(linking), uri('runbooks/rotate-keys.md'), uri(inventory)].sort());

    // With the policy still open: the same model as a fresh server that opens it with the same text.
    const kept = model(await client.request('isms/coverage', {}));
    const fresh = new LspClient();
    try {
      await fresh.start(dir, { today: TODAY });
      await fresh.open(uri(policy), 'markdown', text);
      assert.deepEqual(kept, model(await fresh.request('isms/coverage', {})));
    } finally {
      await fresh.stop();
    }
    const standard = (r: any) => r.frameworks.find((f: any) => f.framework === 'iso27001').controls.find((c: any) => c.id === 'A.8.24').evidence;
    assert.deepEqual(
      standard(kept).map((e: any) => [e.uri, e.problems]),
      [
        ['policies/crypto-draft.md', []],
        ['policies/key-management.md', ['open errors']],
      ],
    );

    // Closed: the saved text (a draft) counts again, and the model is the CLI's.
    note = client.notification('isms/coverageChanged');
    client.notify('textDocument/didClose', { textDocument: { uri: uri(policy) } });
    assert.deepEqual(await note, { uris: [uri(policy)] });
    assert.deepEqual(model(await client.request('isms/coverage', {})), cli());
  });

  it('answers slices of the model: the states without the evidence, or a few controls whole', async () => {
    const whole = (await client.request('isms/coverage', {})).report;
    const states = (await client.request('isms/coverage', { evidence: false })).report;
    assert.deepEqual(
      states.frameworks.map((f: any) => [f.summary, f.controls.map((c: any) => [c.id, c.state, c.evidenceCount, c.mentionCount, 'evidence' in c])]),
      whole.frameworks.map((f: any) => [f.summary, f.controls.map((c: any) => [c.id, c.state, c.evidence.length, c.mentions.length, false])]),
    );
    const some = (await client.request('isms/coverage', { frameworks: ['iso27001'], controls: ['A.8.24', 'csf:PR.AA-01'] })).report;
    assert.deepEqual(
      some.frameworks[0].controls,
      whole.frameworks.find((f: any) => f.framework === 'iso27001').controls.filter((c: any) => c.id === 'A.8.24'),
    );
  });
});
