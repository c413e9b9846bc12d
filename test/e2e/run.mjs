#!/usr/bin/env node
// End-to-end tests of the packaged extension in a real VS Code (code-server + Chromium, driven with
// playwright-core). Part of `npm test`; fails (never skips) when code-server or Chromium cannot run.
// How it works and what it needs: docs/testing.md.
//
//   node test/e2e/run.mjs [--keep] [--only <step substring>] [--update-images]
//
// Screenshots and logs go to test/e2e/out/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import {
  OUT,
  ROOT,
  SetupError,
  applyEdits,
  cliFindings,
  findChromium,
  findCodeServer,
  freePort,
  run,
  startCodeServer,
  stopProcess,
  waitFor,
} from './harness.mjs';
import { Workbench } from './workbench.mjs';

const args = process.argv.slice(2);
const KEEP = args.includes('--keep');
/** Also write the README's pictures (docs/images/coverage-view.png, coverage-webview.png). */
const UPDATE_IMAGES = args.includes('--update-images');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const TODAY = new Date().toISOString().slice(0, 10);
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

const INVENTORY = 'inventories/payments.nhi.yaml';
const RUNBOOK = 'runbooks/rotate-api-keys.md';
/** A runbook without front matter, matched by `documentGlobs` in the copy's .isms.yaml. */
const BARE_RUNBOOK = 'runbooks/restore-ledger-backup.md';

const started = Date.now();
const results = [];
let failures = 0;

function log(msg) {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[e2e ${s}s] ${msg}`);
}

let interrupted = false;

async function step(name, fn) {
  if (ONLY && !name.includes(ONLY)) return;
  if (interrupted) return;
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - t0 });
    log(`  ✔ ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failures++;
    results.push({ name, ok: false, ms: Date.now() - t0, err });
    log(`  ✘ ${name}\n${String(err?.stack ?? err).replace(/^/gm, '      ')}`);
    await wb?.screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => {});
  }
}

/** The records of an RFC 4180 CSV text (quoted fields may hold commas, quotes and line breaks). */
function csvRecords(text) {
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  const t = text.replace(/^\ufeff/, '');
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (quoted) {
      if (ch === '"' && t[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') record.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && t[i + 1] === '\n') i++;
      record.push(field), records.push(record), (field = ''), (record = []);
    } else field += ch;
  }
  if (field || record.length) record.push(field), records.push(record);
  return records;
}

function lineOf(text, needle, from = 0) {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i;
  throw new Error(`'${needle}' not found`);
}

let wb;
let port;
let server;
let browser;
let tmp;

async function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });

  // --- environment ------------------------------------------------------------------------------
  const codeServer = findCodeServer();
  const chromiumPath = findChromium();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'client.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'server.js'))) {
    throw new SetupError('dist/ is not built: run `npm run build` first.');
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isms-e2e-'));
  const vsix = path.join(tmp, 'isms-author.vsix');
  const extensionsDir = path.join(tmp, 'extensions');
  const userDataDir = path.join(tmp, 'user-data');
  const workspace = path.join(tmp, 'workspace');

  log(`packaging the extension (vsce) into ${vsix}`);
  run(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', vsix], { cwd: ROOT });

  log('installing it into code-server');
  const inst = run(codeServer, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix]);
  if (!/successfully installed/i.test(inst.stdout + inst.stderr)) throw new SetupError(`install failed:\n${inst.stdout}\n${inst.stderr}`);

  // A copy of examples/ the tests can edit, plus a runbook without front matter.
  fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
  fs.appendFileSync(path.join(workspace, '.isms.yaml'), '\n# Added by the e2e tests:\ndocumentGlobs: ["runbooks/*.md"]\n');
  // Only in .isms.yaml: step 5b shows the editor applies the repository's globs (settings the user did
  // not set, i.e. package.json defaults, must not override them).
  fs.writeFileSync(
    path.join(workspace, BARE_RUNBOOK),
    '# Restore the ledger database from backup\n\n## Purpose\n\nRestores the ledger database from the nightly backup.\n',
  );

  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'chat.commandCenter.enabled': false,
        'editor.quickSuggestions': { other: false, comments: false, strings: false },
        'editor.suggestOnTriggerCharacters': false,
        'editor.hover.delay': 200,
        'editor.minimap.enabled': false,
        'editor.formatOnSave': false,
        'files.autoSave': 'off',
        'git.enabled': false,
        'window.commandCenter': false,
        'workbench.colorTheme': 'Default Light Modern',
      },
      null,
      2,
    ),
  );

  port = await freePort();
  log(`starting code-server on 127.0.0.1:${port}`);
  server = await startCodeServer({ bin: codeServer, port, userDataDir, extensionsDir, workspace, log: path.join(OUT, 'code-server.log') });

  log(`starting ${chromiumPath}`);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Signals are handled below, to stop code-server too.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const browserLog = fs.createWriteStream(path.join(OUT, 'browser-console.log'));
  page.on('console', (m) => browserLog.write(`[${m.type()}] ${m.text()}\n`));
  page.setDefaultTimeout(15000);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  wb = new Workbench(page, { workspace, shots: OUT });
  await wb.waitReady();
  log('workbench ready');

  const read = (rel) => fs.readFileSync(path.join(workspace, rel), 'utf8');
  const findings = (rel) => cliFindings(workspace, rel, TODAY);
  const shown = (f) => f.filter((x) => x.severity !== 'hint');

  // --- 1. Problems view lists what the engine finds ----------------------------------------------
  await step('1 inventory: Problems view lists the rule IDs the CLI finds', async () => {
    const expected = new Set(shown(findings(INVENTORY)).map((f) => f.ruleId));
    assert.ok(expected.has('control-legacy'), `the CLI should find control-legacy in ${INVENTORY}: ${[...expected]}`);
    log(`    CLI rule IDs for ${INVENTORY}: ${[...expected].join(', ')}`);
    await wb.open(INVENTORY);
    const ids = await wb.waitForRules(
      'payments.nhi.yaml',
      (ids) => [...expected].every((id) => ids.has(id)),
      `the Problems view to list ${[...expected].join(', ')}`,
    );
    assert.deepEqual([...ids].sort(), [...expected].sort(), 'the editor shows exactly the rules the CLI finds');
    // The status bar item counts them too.
    const status = await wb.page.locator('[id="isms-author.isms-author.isms.findings"], [aria-label^="ISMS:"]').first();
    const label = await status.getAttribute('aria-label');
    assert.match(label ?? '', /^ISMS: \d+ errors?, \d+ warnings?/);
    await wb.screenshot('inventory-problems');
  });

  // --- 2. completion in a controls list ----------------------------------------------------------
  await step('2 inventory: completion in `controls: [` offers control IDs with titles', async () => {
    await wb.open(INVENTORY);
    const text = read(INVENTORY);
    const first = lineOf(text, 'id: nhi-pay-001');
    const line = lineOf(text, 'controls:', first);
    const indent = /^\s*/.exec(text.split('\n')[line])[0];
    await wb.goto(line + 1, indent.length + 1);
    await wb.page.keyboard.press('Shift+End');
    await wb.page.keyboard.type('controls: [');
    // Auto-closing pairs add the `]`: the line is now `controls: []`. Save it: an identity that lists
    // no controls is a finding (nhi-controls-missing), which the editor must show, then drop.
    await wb.save();
    assert.match(read(INVENTORY).split('\n')[line], /^\s*controls: \[\]$/);
    const emptyRules = findings(INVENTORY).filter((f) => f.range.start.line === line && f.severity !== 'hint').map((f) => f.ruleId);
    log(`    CLI findings on the emptied line: ${emptyRules.join(', ') || 'none'}`);
    const atLine = async () =>
      (await wb.problems())
        .filter((r) => r.file === 'payments.nhi.yaml' && r.text.includes(`[Ln ${line + 1},`))
        .map((r) => /isms\s*\(?\s*([a-z0-9-]+)/.exec(r.text)?.[1]);
    if (emptyRules.length) {
      await waitFor(async () => { const ids = await atLine(); return emptyRules.every((id) => ids.includes(id)); }, {
        timeout: 20000, interval: 500, what: `the Problems view to show ${emptyRules} on line ${line + 1}`,
      });
    }
    await wb.focusEditor();
    await wb.page.keyboard.press(`${MOD}+Space`);
    const widget = wb.page.locator('.editor-widget.suggest-widget');
    await widget.waitFor({ state: 'visible', timeout: 15000 });
    const rowLabels = async () =>
      wb.page.$$eval('.suggest-widget .monaco-list-row', (els) => els.map((e) => e.getAttribute('aria-label') ?? e.innerText));
    await waitFor(async () => (await rowLabels()).some((l) => /^(CSF|ISO27001|ISO27002|SOC2|NHI):/.test(l)), {
      what: 'control IDs in the suggest widget',
    });
    log(`    first suggestions: ${(await rowLabels()).slice(0, 4).join(' | ')}`);
    await wb.page.keyboard.type('PR.AA');
    const focused = wb.page.locator('.suggest-widget .monaco-list-row.focused');
    await waitFor(async () => (await rowLabels()).some((l) => l.includes('PR.AA-05')), { what: 'PR.AA-05 offered' });
    for (let i = 0; i < 20 && !(await focused.getAttribute('aria-label'))?.includes('PR.AA-05'); i++) {
      await wb.page.keyboard.press('ArrowDown');
    }
    assert.match((await focused.getAttribute('aria-label')) ?? '', /PR\.AA-05/, 'PR.AA-05 focused in the suggest widget');
    // The focused row shows the title as its detail.
    await waitFor(async () => /Access permissions/i.test(await focused.innerText()), { what: "PR.AA-05's title in the suggest widget" });
    log(`    focused suggestion: ${(await focused.innerText()).replace(/\s+/g, ' ')}`);
    // Ctrl+Space again opens the details side panel: the documentation comes from completionItem/resolve.
    await wb.page.keyboard.press(`${MOD}+Space`);
    const details = wb.page.locator('.suggest-details-container .suggest-details');
    await waitFor(async () => /voluntary outcomes framework/i.test((await details.innerText().catch(() => '')) ?? ''), { what: "PR.AA-05's resolved documentation in the details panel" });
    await wb.screenshot('inventory-completion');
    await wb.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 10000 });
    await wb.save();
    const after = read(INVENTORY).split('\n')[line];
    assert.match(after, /^\s*controls: \[(CSF:)?PR\.AA-05\]\s*$/, `the accepted ID is inserted: ${after}`);
    assert.deepEqual(findings(INVENTORY).filter((f) => f.range.start.line === line).map((f) => f.ruleId), [], 'the CLI finds nothing on the line');
    await waitFor(async () => (await atLine()).length === 0, { timeout: 20000, interval: 500, what: `line ${line + 1}'s diagnostics to go` });
  });

  // --- 3. hover --------------------------------------------------------------------------------------
  await step('3 inventory: hover on a CSF ID shows NIST text and the assurance role', async () => {
    await wb.open(INVENTORY);
    const text = read(INVENTORY);
    const line = lineOf(text, 'CSF:PR.AA-01');
    const col = text.split('\n')[line].indexOf('PR.AA-01') + 3;
    await wb.goto(line + 1, col + 1);
    await wb.command('Show or Focus Hover');
    const hover = wb.page.locator('.monaco-hover:not(.hidden)').first();
    await hover.waitFor({ state: 'visible', timeout: 10000 });
    await waitFor(async () => /Identities and credentials/.test(await hover.innerText()), { what: 'the hover text' });
    const content = await hover.innerText();
    assert.match(content, /Identities and credentials for authorized users, services, and hardware are managed by the organization/);
    assert.match(content, /voluntary/i);
    assert.match(content, /profiles/i);
    await wb.screenshot('inventory-hover');
    await wb.closeWidgets();
  });

  // --- 4. quick fixes ------------------------------------------------------------------------------
  /** Applies the quick fix whose title starts with `title` at a finding's start, and saves. */
  async function quickFix(rel, finding, titleStart, shot) {
    await wb.open(rel);
    await wb.goto(finding.range.start.line + 1, finding.range.start.character + 1);
    await wb.page.keyboard.press(`${MOD}+Period`);
    const menu = wb.page.locator('.action-widget');
    await menu.waitFor({ state: 'visible', timeout: 15000 });
    const item = menu.locator('.monaco-list-row', { hasText: titleStart }).first();
    await item.waitFor({ state: 'visible', timeout: 15000 });
    // Select it with the keyboard (the widget's pointer block intercepts synthetic clicks).
    const focused = menu.locator('.monaco-list-row.focused');
    for (let i = 0; i < 30; i++) {
      const label = (await focused.getAttribute('aria-label').catch(() => null)) ?? (await focused.innerText().catch(() => ''));
      if (label.startsWith(titleStart)) break;
      await wb.page.keyboard.press('ArrowDown');
      if (i === 29) throw new Error(`no code action '${titleStart}' in the menu`);
    }
    if (shot) await wb.screenshot(shot);
    await wb.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 10000 });
    await wb.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'visible', timeout: 10000 });
    await wb.save();
  }

  await step('4a inventory: quick fix for a legacy CSF 1.1 ID (PR.AC-4 → PR.AA-05)', async () => {
    const before = read(INVENTORY);
    const f = findings(INVENTORY).find((x) => x.ruleId === 'control-legacy' && x.data?.id === 'PR.AC-4');
    assert.ok(f, 'the CLI finds control-legacy for PR.AC-4');
    const fix = f.fixes.find((x) => x.edits.some((e) => e.newText.includes('PR.AA-05')));
    assert.ok(fix, 'a fix to PR.AA-05');
    const legacyBefore = findings(INVENTORY).filter((x) => x.ruleId === 'control-legacy').length;
    await quickFix(INVENTORY, f, 'Replace with PR.AA-05', 'inventory-quickfix-legacy');
    assert.equal(read(INVENTORY), applyEdits(before, fix.edits), 'the file has exactly the fix applied');
    const legacyAfter = findings(INVENTORY).filter((x) => x.ruleId === 'control-legacy');
    assert.equal(legacyAfter.length, legacyBefore - 1);
    // The diagnostic goes from the editor: no control-legacy row mentions PR.AC-4 any more.
    await waitFor(
      async () => !(await wb.problems()).some((r) => r.file === 'payments.nhi.yaml' && r.text.includes("'PR.AC-4'")),
      { timeout: 20000, interval: 500, what: 'the PR.AC-4 diagnostic to go' },
    );
    await wb.screenshot('inventory-after-legacy-fix');
  });

  await step('4b inventory: quick fix for a missing owner (owner-missing)', async () => {
    const before = read(INVENTORY);
    const f = findings(INVENTORY).find((x) => x.ruleId === 'owner-missing');
    assert.ok(f, 'the CLI finds owner-missing in the inventory (rule owner-missing not implemented?)');
    assert.ok(f.fixes?.length, 'owner-missing has a fix');
    const fix = f.fixes[0];
    const count = findings(INVENTORY).filter((x) => x.ruleId === 'owner-missing').length;
    await quickFix(INVENTORY, f, fix.title.slice(0, 30), 'inventory-quickfix-owner');
    assert.equal(read(INVENTORY), applyEdits(before, fix.edits), 'the file has exactly the fix applied');
    // The fix inserts the key with a placeholder to fill in: a placeholder is no owner (no fix satisfies its own
    // rule), so owner-missing stays until a name is written, and the placeholder is flagged where it was inserted.
    assert.equal(findings(INVENTORY).filter((x) => x.ruleId === 'owner-missing').length, count);
    const inserted = fix.edits[0].range.start.line;
    assert.ok(findings(INVENTORY).some((x) => x.ruleId === 'placeholder' && x.range.start.line === inserted), 'the inserted placeholder is flagged');
    await wb.waitForRules('payments.nhi.yaml', (ids) => ids.has('placeholder'), 'the placeholder finding');
  });

  // --- 5. Markdown runbook -------------------------------------------------------------------------
  await step('5a runbook: section and evidence gaps are shown', async () => {
    const expected = new Set(shown(findings(RUNBOOK)).map((f) => f.ruleId));
    log(`    CLI rule IDs for ${RUNBOOK}: ${[...expected].join(', ')}`);
    assert.ok(expected.has('evidence-missing') || expected.has('section-missing'), 'the CLI finds section/evidence gaps');
    await wb.open(RUNBOOK);
    const ids = await wb.waitForRules('rotate-api-keys.md', (ids) => [...expected].every((id) => ids.has(id)), `Problems to list ${[...expected]}`);
    assert.deepEqual([...ids].sort(), [...expected].sort());
    await wb.screenshot('runbook-problems');
  });

  await step('5b runbook: insert-front-matter fix (front-matter-missing)', async () => {
    const before = read(BARE_RUNBOOK);
    const f = findings(BARE_RUNBOOK).find((x) => x.ruleId === 'front-matter-missing');
    assert.ok(f, 'the CLI finds front-matter-missing');
    assert.ok(f.fixes?.length, 'front-matter-missing has a fix');
    const fix = f.fixes[0];
    await wb.open(BARE_RUNBOOK);
    await wb.waitForRules('restore-ledger-backup.md', (ids) => ids.has('front-matter-missing'), 'front-matter-missing to be shown');
    await quickFix(BARE_RUNBOOK, f, fix.title.slice(0, 30), 'runbook-quickfix-front-matter');
    const after = read(BARE_RUNBOOK);
    assert.equal(after, applyEdits(before, fix.edits), 'the file has exactly the fix applied');
    assert.match(after, /^---\n[\s\S]*\n---\n/, 'front matter inserted');
    // With front matter the document's own gaps appear (section-missing …): the editor shows what the CLI finds.
    const expected = new Set(shown(findings(BARE_RUNBOOK)).map((x) => x.ruleId));
    log(`    CLI rule IDs for ${BARE_RUNBOOK} after the fix: ${[...expected].join(', ')}`);
    assert.ok(!expected.has('front-matter-missing'));
    const ids = await wb.waitForRules(
      'restore-ledger-backup.md',
      (ids) => !ids.has('front-matter-missing') && [...expected].every((id) => ids.has(id)),
      `front-matter-missing to go and ${[...expected]} to be listed`,
    );
    assert.deepEqual([...ids].sort(), [...expected].sort());
    await wb.screenshot('runbook-after-front-matter-fix');
  });

  // --- 6. the ISMS Coverage view ----------------------------------------------------------------------
  const coverageJson = () => {
    const r = run(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'coverage', '.', '--format', 'json'], { cwd: workspace, allowFail: true });
    if (r.status !== 0) throw new Error(`isms coverage failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const groupLabel = (g) => (!g.title ? g.id : g.title.startsWith('Clause ') ? g.title : `${g.id} ${g.title}`);
  const ratioLabel = (name, s) => `${name}: ${s.evidenced - s.crosswalk} of ${s.total - s.excluded} applicable controls evidenced, ${pct(s.ratio)}`;
  const coverageRows = async () =>
    wb.page.$$eval('[id="workbench.view.extension.isms"] .monaco-list-row', (els) =>
      els.map((el) => ({ label: el.getAttribute('aria-label') ?? '', level: Number(el.getAttribute('aria-level')), expanded: el.getAttribute('aria-expanded') })),
    );
  /** The view's row with this aria-label, scrolled into the (virtualised) list. */
  async function coverageRow(label) {
    const list = wb.page.locator('[id="workbench.view.extension.isms"] .monaco-list');
    const row = wb.page.locator(`[id="workbench.view.extension.isms"] .monaco-list-row[aria-label="${label.replace(/"/g, '\\"')}"]`);
    for (let i = 0; i < 60 && !(await row.count()); i++) {
      await list.evaluate((el) => (el.querySelector('.monaco-scrollable-element') ?? el).dispatchEvent(new WheelEvent('wheel', { deltaY: 200, bubbles: true })));
      await wb.page.waitForTimeout(50);
    }
    await row.first().waitFor({ state: 'visible', timeout: 5000 });
    return row.first();
  }
  async function expand(label) {
    const row = await coverageRow(label);
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', { what: `${label} to expand` });
  }

  await step('6a coverage view: the status bar opens the view, which shows the counts the CLI computes', async () => {
    await wb.closeWidgets();
    const status = wb.page.locator('[id="isms-author.isms-author.isms.coverage"]');
    await status.waitFor({ state: 'visible', timeout: 15000 });
    await status.click();
    const expected = coverageJson();
    await waitFor(async () => (await coverageRows()).filter((r) => r.level === 1).length === expected.frameworks.length, {
      timeout: 60000,
      what: 'one row per framework in the ISMS Coverage view',
    });
    const top = (await coverageRows()).filter((r) => r.level === 1).map((r) => r.label);
    assert.deepEqual(top, expected.frameworks.map((f) => ratioLabel(f.name, f.summary)));
    const main = expected.frameworks[0];
    log(`    ${top[0]}`);
    // The headline of the main framework: the status bar item and the view's title.
    await waitFor(async () => (await status.getAttribute('aria-label')) === `ISMS coverage: ${main.name} ${pct(main.summary.ratio)} evidenced`, {
      what: `the status bar to read ${pct(main.summary.ratio)}`,
    });
    const headline = `${main.name}: ${pct(main.summary.ratio)} of ${main.summary.total - main.summary.excluded} applicable controls evidenced`;
    await waitFor(async () => (await wb.page.locator('[id="workbench.view.extension.isms"]').innerText()).includes(headline), { what: `the view to say '${headline}'` });
    // The groups of the main framework, with their own counts.
    await expand(ratioLabel(main.name, main.summary));
    for (const g of main.groups) await coverageRow(ratioLabel(groupLabel(g), g.summary));
  });

  await step('6b coverage view: a click on an evidence item opens its file at its line', async () => {
    const expected = coverageJson();
    const main = expected.frameworks[0];
    const control = main.controls.find((c) => c.evidence.length);
    assert.ok(control, `a control of ${main.name} with evidence`);
    const group = main.groups.find((g) => g.id === control.group);
    const e = expected.sources[control.evidence[0]];
    log(`    ${control.id} (${control.state}) <- ${e.name} ${e.uri}:${e.line + 1}`);
    await expand(ratioLabel(groupLabel(group), group.summary));
    const state = control.state === 'evidenced' && control.crosswalkOnly ? 'evidenced via crosswalk' : control.state;
    await expand(`${control.id} ${control.title}: ${state}`);
    const row = await coverageRow(`Evidence ${e.name}, ${e.uri}:${e.line + 1}${e.fresh ? '' : `, ${e.problems.join(', ')}`}`);
    await row.click();
    await wb.page.locator('.tabs-container .tab.active', { hasText: path.basename(e.uri) }).waitFor({ state: 'visible', timeout: 15000 });
    await waitFor(async () => (await wb.statusCursor()) === `Ln ${e.line + 1}, Col 1`, { what: `the cursor on line ${e.line + 1}` });
    // The README's picture: a wider side bar, no panel.
    await wb.command('View: Hide Panel').catch(() => {});
    const bar = await wb.page.locator('.part.sidebar').boundingBox();
    if (bar && bar.width < 480) {
      await wb.page.mouse.move(bar.x + bar.width + 1, bar.y + bar.height / 2);
      await wb.page.mouse.down();
      await wb.page.mouse.move(bar.x + 480, bar.y + bar.height / 2, { steps: 5 });
      await wb.page.mouse.up();
    }
    await wb.screenshot('coverage-view');
    if (UPDATE_IMAGES) await wb.page.screenshot({ path: path.join(ROOT, 'docs', 'images', 'coverage-view.png'), clip: { x: 0, y: 0, width: 1120, height: 900 } });
  });

  await step('6c coverage: ISMS: Export Statement of Applicability… writes the 93 rows the CLI writes', async () => {
    const target = path.join(workspace, 'statement-of-applicability.csv');
    fs.rmSync(target, { force: true });
    await wb.command('ISMS: Export Statement of Applicability…');
    const quick = wb.page.locator('.quick-input-widget');
    await quick.locator('.monaco-list-row', { hasText: 'CSV' }).first().waitFor({ state: 'visible', timeout: 15000 });
    await wb.page.keyboard.press('Enter');
    // code-server's save dialog is VS Code's simple file dialog: a quick input holding the path.
    const input = quick.locator('.quick-input-box input');
    await waitFor(async () => (await input.inputValue().catch(() => '')).endsWith('statement-of-applicability.csv'), {
      timeout: 30000,
      what: 'the save dialog with the suggested name',
    });
    await input.fill(target);
    await wb.page.keyboard.press('Enter');
    await waitFor(() => fs.existsSync(target), { timeout: 30000, what: `${target} to be written` });
    const written = await waitFor(() => { const t = fs.readFileSync(target, 'utf8'); return t.length ? t : null; }, { what: 'the export to be written' });
    const cli = run(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'soa', '.', '--format', 'csv'], { cwd: workspace }).stdout;
    assert.equal(written, cli, 'the file is what `isms soa --format csv` writes');
    assert.equal(csvRecords(written).length, 94, 'a header and 93 rows');
    fs.rmSync(target, { force: true });
  });

  await step('6d coverage: ISMS: Show coverage report renders the HTML report in a locked-down webview', async () => {
    const expected = coverageJson();
    await wb.command('ISMS: Show coverage report');
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'ISMS Coverage Report' }).waitFor({ state: 'visible', timeout: 15000 });
    const frame = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: 'Control coverage' }).waitFor({ state: 'visible', timeout: 60000 });
    const headings = await frame.locator('h2').allInnerTexts();
    for (const f of expected.frameworks) assert.ok(headings.some((h) => h.includes(f.name)), `a section for ${f.name} (${headings.join(' | ')})`);
    const body = await frame.locator('body').innerText();
    assert.ok(body.includes(pct(expected.frameworks[0].summary.ratio)), `the report gives ${pct(expected.frameworks[0].summary.ratio)} for ${expected.frameworks[0].name}`);
    // No script and the webview's policy in place of the page's own.
    assert.equal(await frame.locator('script').count(), 0);
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').first().getAttribute('content');
    assert.match(csp ?? '', /^default-src 'none'; style-src 'unsafe-inline' [^;]+; img-src data: [^;]+$/);
    await wb.screenshot('coverage-report');
    if (UPDATE_IMAGES) await wb.page.screenshot({ path: path.join(ROOT, 'docs', 'images', 'coverage-webview.png') });
  });

  await step('6e walkthrough: Get started with ISMS Author; its first step creates a runbook from the template', async () => {
    // Out of the webview of 6d, which keeps the keyboard otherwise.
    await wb.page.locator('.tabs-container .tab', { hasText: 'payments.nhi.yaml' }).first().click();
    await wb.command('Welcome: Open Walkthrough...');
    const quick = wb.page.locator('.quick-input-widget');
    const row = quick.locator('.monaco-list-row', { hasText: 'Get started with ISMS Author' }).first();
    await row.waitFor({ state: 'visible', timeout: 15000 });
    await row.click();
    const stepTitle = wb.page.locator('.getting-started-step', { hasText: 'Create your first runbook' }).first();
    await stepTitle.waitFor({ state: 'visible', timeout: 30000 });
    await stepTitle.click();
    const button = wb.page.getByRole('button', { name: 'Create a runbook' }).first();
    await button.waitFor({ state: 'visible', timeout: 15000 });
    await wb.screenshot('walkthrough');
    if (UPDATE_IMAGES) await wb.page.screenshot({ path: path.join(ROOT, 'docs', 'images', 'walkthrough.png') });
    await button.click();
    // The runbook opens in a new editor: its front matter and its Rollback section, as the template writes them.
    const lines = wb.page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await waitFor(async () => /type: runbook/.test((await lines.first().innerText().catch(() => '')).replace(/\u00a0/g, ' ')), {
      timeout: 30000,
      what: 'a new runbook in the editor',
    });
    const tab = await wb.page.locator('.tabs-container .tab.active').innerText();
    assert.match(tab, /Untitled/i, 'a new, unsaved document');
    await wb.command('View: Revert and Close Editor');
    await wb.command('View: Close All Editors');
  });

  // --- 7. the VS Code API suite (test/vscode) in code-server's extension host --------------------------
  // The scenarios of `npm run test:vscode` (executeCompletionItemProvider, executeHoverProvider,
  // executeCodeActionProvider ...), run with this repository as the extension under development. The
  // workbench takes extensionDevelopmentPath / extensionTestsPath from its `payload` URL parameter.
  await step('7 VS Code API scenarios (test/vscode/suite) in the extension host', async () => {
    const suiteIndex = path.join(ROOT, 'test', 'out', 'vscode', 'suite', 'index.js');
    if (!fs.existsSync(suiteIndex)) throw new SetupError(`${suiteIndex} is not built: run \`npm run build\`.`);
    const { prepareWorkspace } = createRequire(import.meta.url)(path.join(ROOT, 'test', 'out', 'vscode', 'suite', 'workspace.js'));
    const { RESULT_MARKER } = createRequire(import.meta.url)(suiteIndex);
    const apiWorkspace = path.join(tmp, 'api-workspace');
    prepareWorkspace(ROOT, apiWorkspace);
    await wb.page.context().close();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const lines = [];
    const apiLog = fs.createWriteStream(path.join(OUT, 'api-suite-console.log'));
    page.on('console', (m) => {
      lines.push(m.text());
      apiLog.write(`[${m.type()}] ${m.text()}\n`);
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(suiteIndex.replace(/\.js$/, ''))],
    ]);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(apiWorkspace)}&payload=${encodeURIComponent(payload)}`);
    const line = await waitFor(() => lines.find((l) => l.includes(RESULT_MARKER)), {
      timeout: 180000,
      interval: 500,
      what: `the API suite's result (console: ${path.relative(ROOT, path.join(OUT, 'api-suite-console.log'))})`,
    });
    const result = JSON.parse(line.slice(line.indexOf(RESULT_MARKER) + RESULT_MARKER.length));
    for (const t of result.passes) log(`    ✔ ${t}`);
    for (const f of result.failures) log(`    ✘ ${f.title}\n${f.error.replace(/^/gm, '        ')}`);
    await page.screenshot({ path: path.join(OUT, `${String(++wb.shotIndex).padStart(2, '0')}-api-suite.png`) });
    await context.close();
    assert.equal(result.failures.length, 0, `${result.failures.length} API scenario(s) failed`);
    assert.ok(result.passes.length >= 16, `all API scenarios ran (${result.passes.length})`);
  });
}

// Ctrl+C or a CI timeout: do not leave code-server and its processes behind.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, async () => {
    interrupted = true;
    log(`${signal}: stopping Chromium and code-server`);
    await browser?.close().catch(() => {});
    await stopProcess(server);
    if (tmp && !KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  });
}

let fatal;
try {
  await main();
} catch (err) {
  fatal = err;
  failures++;
  log(`${err instanceof SetupError ? 'SETUP FAILED' : 'FAILED'}: ${err?.stack ?? err}`);
  await wb?.screenshot('FAILED-fatal').catch(() => {});
} finally {
  await browser?.close().catch(() => {});
  await stopProcess(server);
  if (tmp && !KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) log(`kept ${tmp}`);
}

const passed = results.filter((r) => r.ok).length;
log(`${passed}/${results.length} steps passed${fatal ? ' (aborted)' : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots: ${path.relative(ROOT, OUT)}/`);
process.exit(failures ? 1 : 0);
