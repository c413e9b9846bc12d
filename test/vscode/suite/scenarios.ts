/// <reference types="vscode" />
/**
 * The end-to-end scenarios of test/e2e/run.mjs, through the VS Code API instead of the UI:
 * diagnostics, `vscode.executeCompletionItemProvider`, `vscode.executeHoverProvider` and
 * `vscode.executeCodeActionProvider`. Runs inside the extension host (see ../runTest.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BARE_RUNBOOK, INVENTORY, RUNBOOK, applyEdits, cliFindings, type CliFinding } from './workspace';

const ROOT = process.env.ISMS_ROOT ?? path.resolve(__dirname, '..', '..', '..', '..');
const WORKSPACE = process.env.ISMS_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
const TODAY = new Date().toISOString().slice(0, 10);

const uriOf = (rel: string) => vscode.Uri.file(path.join(WORKSPACE, rel));
const read = (rel: string) => fs.readFileSync(path.join(WORKSPACE, rel), 'utf8');
const findings = (rel: string): CliFinding[] => cliFindings(ROOT, WORKSPACE, rel, TODAY);
const shownRules = (rel: string) => new Set(findings(rel).filter((f) => f.severity !== 'hint').map((f) => f.ruleId));

async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeout = 20000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ismsDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'isms');
}

function ruleOf(d: vscode.Diagnostic): string {
  const code = d.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uriOf(rel));
  return vscode.window.showTextDocument(doc);
}

async function waitForRules(rel: string, predicate: (ids: Set<string>) => boolean, what: string): Promise<Set<string>> {
  let ids = new Set<string>();
  await waitFor(() => {
    ids = new Set(ismsDiagnostics(uriOf(rel)).map(ruleOf));
    return predicate(ids);
  }, `${what} (diagnostics: ${[...ids].join(', ')})`);
  return ids;
}

const pos = (p: { line: number; character: number }) => new vscode.Position(p.line, p.character);

async function applyCodeAction(rel: string, finding: CliFinding, title: string): Promise<void> {
  const range = new vscode.Range(pos(finding.range.start), pos(finding.range.end));
  const actions = await waitFor(async () => {
    const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      uriOf(rel),
      range,
    );
    return all?.find((a): a is vscode.CodeAction => 'edit' in a && a.title === title);
  }, `code action '${title}'`);
  assert.ok(actions.edit, 'the code action carries its edit');
  assert.ok(await vscode.workspace.applyEdit(actions.edit));
  const doc = await vscode.workspace.openTextDocument(uriOf(rel));
  assert.ok(await doc.save());
}

describe('ISMS Author through the VS Code API', function () {
  this.timeout(60000);

  before(async () => {
    const ext = vscode.extensions.getExtension('isms-author.isms-author');
    assert.ok(ext, 'the extension is loaded');
    await ext.activate();
  });

  it('1 inventory: diagnostics carry the rule IDs the CLI finds', async () => {
    const expected = shownRules(INVENTORY);
    assert.ok(expected.has('control-legacy'));
    await open(INVENTORY);
    const ids = await waitForRules(INVENTORY, (ids) => [...expected].every((id) => ids.has(id)), `diagnostics ${[...expected]}`);
    assert.deepEqual([...ids].sort(), [...expected].sort());
  });

  it('2 inventory: completion in `controls: [` offers control IDs with titles', async () => {
    const editor = await open(INVENTORY);
    const doc = editor.document;
    const text = doc.getText();
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.includes('id: nhi-pay-001'));
    const line = lines.findIndex((l, i) => i > first && l.trim().startsWith('controls:'));
    const indent = /^\s*/.exec(lines[line])![0];
    await editor.edit((b) => b.replace(new vscode.Range(line, indent.length, line, lines[line].length), 'controls: []'));
    await doc.save();
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(line, indent.length + 'controls: ['.length),
    );
    const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
    const item = list.items.find((i) => label(i) === 'CSF:PR.AA-05');
    assert.ok(item, `CSF:PR.AA-05 offered (got ${list.items.slice(0, 5).map(label).join(', ')} …)`);
    const detail = `${item.detail ?? ''} ${typeof item.label === 'string' ? '' : item.label.description ?? ''}`;
    assert.match(detail, /Access permissions/, 'with its title');
    // Accept it: apply its edit.
    const newText = typeof item.insertText === 'string' ? item.insertText : item.insertText?.value ?? label(item);
    const range = item.range instanceof vscode.Range ? item.range : item.range?.replacing;
    await editor.edit((b) => (range ? b.replace(range, newText) : b.insert(new vscode.Position(line, indent.length + 11), newText)));
    await doc.save();
    assert.match(doc.lineAt(line).text, /^\s*controls: \[(CSF:)?PR\.AA-05\]$/);
    await waitFor(() => !ismsDiagnostics(doc.uri).some((d) => d.range.start.line === line), 'the line to have no diagnostics');
  });

  it('3 inventory: hover on a CSF ID shows NIST text and the assurance role', async () => {
    const editor = await open(INVENTORY);
    const lines = editor.document.getText().split('\n');
    const line = lines.findIndex((l) => l.includes('CSF:PR.AA-01'));
    const col = lines[line].indexOf('PR.AA-01') + 3;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, col));
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /Identities and credentials for authorized users, services, and hardware are managed by the organization/);
    assert.match(text, /voluntary/i);
    assert.match(text, /profiles/i);
  });

  it('4a inventory: quick fix for a legacy CSF 1.1 ID (PR.AC-4 → PR.AA-05)', async () => {
    await open(INVENTORY);
    const before = read(INVENTORY);
    const f = findings(INVENTORY).find((x) => x.ruleId === 'control-legacy' && x.data?.id === 'PR.AC-4');
    assert.ok(f, 'the CLI finds control-legacy for PR.AC-4');
    const fix = f.fixes?.find((x) => x.edits.some((e) => e.newText.includes('PR.AA-05')));
    assert.ok(fix);
    await applyCodeAction(INVENTORY, f, fix.title);
    assert.equal(read(INVENTORY), applyEdits(before, fix.edits));
    await waitFor(
      () => !ismsDiagnostics(uriOf(INVENTORY)).some((d) => ruleOf(d) === 'control-legacy' && d.message.includes("'PR.AC-4'")),
      'the PR.AC-4 diagnostic to go',
    );
  });

  it('4b inventory: quick fix for a missing owner (owner-missing)', async () => {
    await open(INVENTORY);
    const before = read(INVENTORY);
    const f = findings(INVENTORY).find((x) => x.ruleId === 'owner-missing');
    assert.ok(f, 'the CLI finds owner-missing');
    const fix = f.fixes?.[0];
    assert.ok(fix, 'owner-missing has a fix');
    const count = findings(INVENTORY).filter((x) => x.ruleId === 'owner-missing').length;
    await applyCodeAction(INVENTORY, f, fix.title);
    assert.equal(read(INVENTORY), applyEdits(before, fix.edits));
    // A placeholder is no owner: owner-missing stays until a name is written, and the placeholder is flagged.
    const inserted = fix.edits[0].range.start.line;
    await waitFor(
      () => ismsDiagnostics(uriOf(INVENTORY)).some((d) => ruleOf(d) === 'placeholder' && d.range.start.line === inserted),
      'the inserted placeholder to be flagged',
    );
    assert.equal(ismsDiagnostics(uriOf(INVENTORY)).filter((d) => ruleOf(d) === 'owner-missing').length, count);
  });

  it('5a runbook: section and evidence gaps are shown', async () => {
    const expected = shownRules(RUNBOOK);
    assert.ok(expected.has('evidence-missing') || expected.has('section-missing'));
    await open(RUNBOOK);
    const ids = await waitForRules(RUNBOOK, (ids) => [...expected].every((id) => ids.has(id)), `diagnostics ${[...expected]}`);
    assert.deepEqual([...ids].sort(), [...expected].sort());
  });

  it('5b runbook: insert-front-matter fix (front-matter-missing)', async () => {
    const before = read(BARE_RUNBOOK);
    const f = findings(BARE_RUNBOOK).find((x) => x.ruleId === 'front-matter-missing');
    assert.ok(f, 'the CLI finds front-matter-missing');
    const fix = f.fixes?.[0];
    assert.ok(fix);
    await open(BARE_RUNBOOK);
    await waitForRules(BARE_RUNBOOK, (ids) => ids.has('front-matter-missing'), 'front-matter-missing');
    await applyCodeAction(BARE_RUNBOOK, f, fix.title);
    assert.equal(read(BARE_RUNBOOK), applyEdits(before, fix.edits));
    const expected = shownRules(BARE_RUNBOOK);
  assert.ok(!expected.has('front-matter-missing'));
  const ids = await waitForRules(
    BARE_RUNBOOK,
    (ids) => !ids.has('front-matter-missing') && [...expected].every((id) => ids.has(id)),
    `front-matter-missing to go and ${[...expected]} to be reported`,
  );
  assert.deepEqual([...ids].sort(), [...expected].sort());
  });

  it('7 coverage: ISMS: Show coverage report as Markdown opens the coverage the CLI computes', async () => {
    await vscode.commands.executeCommand('isms.showCoverageMarkdown');
    const doc = await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.isUntitled && d.languageId === 'markdown' && d.getText().startsWith('# Control coverage')),
      'the coverage report document',
      60000,
    );
    const cli = require('node:child_process').spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'coverage', '.', '--format', 'md'], { cwd: WORKSPACE, encoding: 'utf8' });
    const summaries = (md: string) => md.split('\n').filter((l) => /of \d+ applicable controls evidenced/.test(l));
    assert.ok(summaries(cli.stdout).length > 0, cli.stderr);
    assert.deepEqual(summaries(doc.getText()), summaries(cli.stdout));
  });

  it('7b coverage: ISMS: Show coverage report opens the report in a webview', async () => {
    await vscode.commands.executeCommand('isms.showCoverage');
    const tab = await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('isms.coverageReport')),
      'the coverage report tab',
    );
    assert.equal(tab.label, 'ISMS Coverage Report');
    await vscode.window.tabGroups.close(tab);
  });

  it('8 coverage: Create a document for this control opens a process document that lists the control', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('isms.coverage.createDocument', 'ISO27001:A.5.15', 'procedure');
    assert.ok(doc, 'the command returns the new document');
    assert.ok(doc.isUntitled);
    assert.match(doc.getText(), /^controls: \[ISO27001:A\.5\.15\]$/m);
    assert.match(doc.getText(), /^type: procedure$/m);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('9 coverage: the exports write the Statement of Applicability (93 rows), the CSF profile (106) and the SOC 2 matrix (61) as the CLI does', async () => {
    const cli = (command: string, format: string) =>
      require('node:child_process').spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), command, '.', '--format', format], {
        cwd: WORKSPACE,
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      }).stdout as string;
    const out = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isms-export-'));
    const soa = await vscode.commands.executeCommand<vscode.Uri>('isms.exportSoa', { format: 'json', uri: path.join(out, 'soa.json') });
    assert.equal(soa?.fsPath, path.join(out, 'soa.json'));
    const written = fs.readFileSync(soa.fsPath, 'utf8');
    assert.equal(JSON.parse(written).rows.length, 93);
    assert.equal(written, cli('soa', 'json'));
    const profile = await vscode.commands.executeCommand<vscode.Uri>('isms.exportProfile', { format: 'csv', uri: vscode.Uri.file(path.join(out, 'profile.csv')) });
    const csv = fs.readFileSync(profile.fsPath, 'utf8');
    assert.ok(csv.startsWith('\ufeffFunction,'), 'a CSV with a byte order mark');
    assert.equal(csv, cli('profile', 'csv'));
    // The SOC 2 matrix, with the period of .isms.yaml (none in the examples: a Type I matrix of the 61 criteria).
    const soc2 = await vscode.commands.executeCommand<vscode.Uri>('isms.exportSoc2', { format: 'json', period: '', uri: path.join(out, 'soc2.json') });
    const matrix = fs.readFileSync(soc2.fsPath, 'utf8');
    assert.equal(JSON.parse(matrix).criteria.length, 61);
    assert.equal(matrix, cli('soc2', 'json'));
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('10 tasks: the isms task runs the CLI and its problem matcher $isms fills the Problems view', async function () {
    this.timeout(120000);
    const tasks = await vscode.tasks.fetchTasks({ type: 'isms' });
    const task = tasks.find((t) => t.definition.command === 'check');
    assert.ok(task, `an isms task is provided (${tasks.map((t) => t.name).join(', ')})`);
    const ended = new Promise<number | undefined>((resolve) => {
      const d = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.type !== 'isms') return;
        d.dispose();
        resolve(e.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await ended, 1, 'the examples have errors: the task fails');
    // A file with findings of the CLI: the matcher's diagnostics (source "isms check") carry the same rules.
    const rel = RUNBOOK;
    const expected = new Set(findings(rel).filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => f.ruleId));
    assert.ok(expected.size > 0, `${rel} has findings`);
    const others = () =>
      vscode.languages
        .getDiagnostics()
        .flatMap(([u, ds]) => ds.filter((d) => d.source !== 'isms').map((d) => `${vscode.workspace.asRelativePath(u)}:${d.range.start.line + 1} ${d.source} ${ruleOf(d)}`))
        .slice(0, 10)
        .join('; ');
    const got = await waitFor(() => {
      const ids = new Set(vscode.languages.getDiagnostics(uriOf(rel)).filter((d) => d.source === 'isms check').map(ruleOf));
      return [...expected].every((x) => ids.has(x)) ? ids : undefined;
      // (The terminal feeds the matcher as it renders the task's output, which lags on a loaded machine: up to a minute.)
    }, `the task's diagnostics on ${rel} (${[...expected].join(', ')})`, 60000).catch((e) => {
      throw new Error(`${e.message}; diagnostics of other sources: ${others() || 'none'}`);
    });
    assert.ok(got.size >= expected.size);
  });

  it('11 walkthrough: its commands exist, and Add a GitHub workflow writes .github/workflows/isms.yml once', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const [walkthrough] = pkg.contributes.walkthroughs;
    const commands = await vscode.commands.getCommands(true);
    for (const step of walkthrough.steps) {
      for (const m of String(step.description).matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.includes(m[1]), `${step.id}: ${m[1]} is a command`);
      assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), `${step.id}: ${step.media.markdown}`);
    }
    const target = path.join(WORKSPACE, '.github', 'workflows', 'isms.yml');
    fs.rmSync(path.join(WORKSPACE, '.github'), { recursive: true, force: true });
    const uri = await vscode.commands.executeCommand<vscode.Uri>('isms.createCiWorkflow');
    assert.equal(uri?.fsPath, target);
    assert.equal(fs.readFileSync(target, 'utf8'), fs.readFileSync(path.join(ROOT, 'snippets', 'ci', 'github-workflow.yml'), 'utf8'));
    fs.writeFileSync(target, '# mine\n');
    await vscode.commands.executeCommand('isms.createCiWorkflow');
    assert.equal(fs.readFileSync(target, 'utf8'), '# mine\n', 'an existing workflow is not overwritten');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(path.join(WORKSPACE, '.github'), { recursive: true, force: true });
  });

  it('12 navigation: Find All References of a control lists the files that list or cite it, as the coverage the CLI computes', async () => {
    const rel = 'policies/access-control-policy.md';
    const editor = await open(rel);
    const text = editor.document.getText();
    const m = /^controls:\s*\[\s*([^,\]\s]+)/m.exec(text);
    assert.ok(m, 'the policy lists controls');
    const at = editor.document.positionAt(m.index + m[0].length - m[1].length + 1);
    const refs = await waitFor(
      async () => {
        const r = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uriOf(rel), at);
        return r?.length ? r : undefined;
      },
      `references of ${m[1]}`,
      60000,
    );
    const files = new Set(refs.map((l) => vscode.workspace.asRelativePath(l.uri)));
    assert.ok(files.has(rel), `the policy itself (${[...files].join(', ')})`);
    // The coverage of the CLI: the files whose evidence lists the control, and those citing it.
    const cov = JSON.parse(
      require('node:child_process').spawnSync(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'coverage', '.', '--format', 'json'], {
        cwd: WORKSPACE,
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      }).stdout,
    );
    const [prefix, id] = m[1].includes(':') ? m[1].split(':') : ['', m[1]];
    void prefix;
    const control = cov.frameworks.flatMap((f: any) => f.controls).find((c: any) => c.id === id || c.id === `A.${id}`);
    assert.ok(control, `${m[1]} in the coverage`);
    const expected = new Set<string>([...control.evidence.filter((e: any) => e.via === 'listed').map((e: any) => e.uri), ...control.mentions.map((x: any) => x.uri)]);
    for (const f of expected) assert.ok(files.has(f), `${f} among the references (${[...files].join(', ')})`);
  });

  it('13 navigation: Rename of an owner edits its value in every file naming it, and nothing else', async () => {
    const owner = 'treasury-engineering@harborbank.example';
    const text = read(INVENTORY);
    const offset = text.indexOf(`owner: ${owner}`) + 'owner: '.length;
    assert.ok(offset > 10, 'the inventory names the owner');
    const doc = await vscode.workspace.openTextDocument(uriOf(INVENTORY));
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', uriOf(INVENTORY), doc.positionAt(offset + 3), 'treasury@harborbank.example');
    assert.ok(edit, 'a rename edit');
    const entries = edit.entries();
    assert.ok(entries.length >= 1);
    for (const [uri, edits] of entries) {
      const t = fs.readFileSync(uri.fsPath, 'utf8');
      const lines = t.split(/\r?\n/);
      for (const e of edits) {
        assert.equal(e.newText, 'treasury@harborbank.example');
        assert.equal(lines[e.range.start.line].slice(e.range.start.character, e.range.end.character), owner, `${vscode.workspace.asRelativePath(uri)}:${e.range.start.line + 1} replaces exactly the owner`);
      }
    }
    const count = entries.reduce((n, [, es]) => n + es.length, 0);
    const named = fs.readdirSync(WORKSPACE, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(md|ya?ml)$/.test(f) && !f.includes('node_modules'))
      .reduce((n, f) => n + (fs.readFileSync(path.join(WORKSPACE, f), 'utf8').match(new RegExp(`(?:owner|owners)\\s*:\\s*["']?${owner.replace(/\./g, '\\.')}`, 'g'))?.length ?? 0), 0);
    assert.equal(count, named, 'every owner value naming it');
  });

  it('14 suppression: the quick fix Suppress … with a reason hides the finding and asks for the reason', async () => {
    const rel = RUNBOOK;
    const f = findings(rel).find((x) => x.ruleId === 'control-legacy');
    assert.ok(f, 'a control-legacy finding in the runbook');
    const title = `Suppress ${f.ruleId} with a reason…`;
    await applyCodeAction(rel, f, title);
    await waitForRules(rel, (ids) => ids.has('suppression-unjustified') && !ids.has('control-legacy'), 'the finding suppressed, the reason asked for');
    // (A next-line comment, or isms-disable … isms-enable around the paragraph the finding is in.)
    assert.match(read(rel), /isms-disable(?:-next-line)? control-legacy -- /);
  });
});

