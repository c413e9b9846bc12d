// Drives the VS Code workbench (in code-server) the way a person would: command palette, Quick Open,
// keyboard, and the accessible DOM (aria labels of list rows). No fixed sleeps: every wait polls a
// condition with a timeout.
import * as path from 'node:path';
import { waitFor } from './harness.mjs';

const isMac = process.platform === 'darwin';
const MOD = isMac ? 'Meta' : 'Control';

export class Workbench {
  constructor(page, { workspace, shots }) {
    this.page = page;
    this.workspace = workspace;
    this.shots = shots;
    this.shotIndex = 0;
  }

  async screenshot(name) {
    const file = path.join(this.shots, `${String(++this.shotIndex).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async waitReady() {
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    // The explorer shows the workspace once the remote file system is connected.
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
  }

  /** Runs a command by its palette label (exact, case-insensitive match of the row's label). */
  async command(label) {
    await this.closeWidgets();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(`>${label}`);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 10000 });
    await waitFor(
      async () => {
        const focused = await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused').first().innerText().catch(() => '');
        return focused.toLowerCase().includes(label.toLowerCase());
      },
      { timeout: 10000, what: `palette row "${label}" to be focused` },
    );
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
  }

  async closeWidgets() {
    for (let i = 0; i < 2; i++) await this.page.keyboard.press('Escape');
  }

  /** Opens a workspace file with Quick Open and waits for its editor tab to be active. */
  async open(relPath) {
    await this.closeWidgets();
    await this.page.keyboard.press(`${MOD}+P`);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(relPath);
    const base = path.basename(relPath);
    await this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: base })
      .first()
      .waitFor({ state: 'visible', timeout: 15000 });
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.tabs-container .tab.active', { hasText: base })
      .waitFor({ state: 'visible', timeout: 15000 });
    await this.focusEditor();
    // Start from the text on disk: a step that failed may have left unsaved edits behind.
    if ((await this.page.locator('.tabs-container .tab.active.dirty').count()) > 0) {
      await this.command('File: Revert File');
      await waitFor(async () => (await this.page.locator('.tabs-container .tab.active.dirty').count()) === 0, {
        what: 'the editor to be reverted',
      });
      await this.focusEditor();
    }
  }

  async focusEditor() {
    await this.page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
  }

  /** Moves the cursor to a 1-based line and column with Go to Line. */
  async goto(line, column = 1) {
    await this.focusEditor();
    await this.page.keyboard.press(`${MOD}+G`);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
    await waitFor(
      async () => (await this.statusCursor()) === `Ln ${line}, Col ${column}`,
      { timeout: 10000, what: `cursor at Ln ${line}, Col ${column}` },
    );
  }

  /** The status bar's cursor position, e.g. "Ln 3, Col 5". */
  async statusCursor() {
    const text = await this.page.locator('#status\\.editor\\.selection').innerText({ timeout: 2000 }).catch(() => '');
    return text.replace(/\s*\(.*\)$/, '').trim();
  }

  async save() {
    await this.focusEditor();
    await this.page.keyboard.press(`${MOD}+S`);
    await waitFor(async () => (await this.page.locator('.tabs-container .tab.active.dirty').count()) === 0, {
      timeout: 10000,
      what: 'the editor to be saved',
    });
  }

  /** Opens the Problems view, maximised, and returns its rows as {file, text, label} for markers. */
  async problems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      await this.command('View: Focus Problems (Errors, Warnings, Infos)');
      await panel.waitFor({ state: 'visible', timeout: 10000 });
    }
    const rows = new Map();
    const list = this.page.locator('.markers-panel .monaco-list');
    // The tree is virtualised: scroll through it and collect every row once by its index.
    let lastSize = -1;
    for (let pass = 0; pass < 50 && rows.size !== lastSize; pass++) {
      lastSize = rows.size;
      const batch = await this.page.$$eval('.markers-panel .monaco-list-row', (els) =>
        els.map((el) => ({
          index: Number(el.getAttribute('data-index')),
          level: Number(el.getAttribute('aria-level')),
          label: el.getAttribute('aria-label') ?? '',
          text: el.innerText,
        })),
      );
      for (const r of batch) rows.set(r.index, r);
      await list.evaluate((el) => {
        const s = el.querySelector('.monaco-scrollable-element') ?? el;
        s.dispatchEvent(new WheelEvent('wheel', { deltaY: 400, bubbles: true }));
      });
      await this.page.waitForTimeout(50);
    }
    await list.evaluate((el) => {
      const s = el.querySelector('.monaco-scrollable-element') ?? el;
      s.dispatchEvent(new WheelEvent('wheel', { deltaY: -100000, bubbles: true }));
    });
    const out = [];
    let file = '';
    for (const r of [...rows.values()].sort((a, b) => a.index - b.index)) {
      if (r.level === 1) file = /problems? in file (.+?) of folder/.exec(r.label)?.[1] ?? r.text.split('\n')[0].trim();
      else out.push({ file, text: r.text, label: r.label });
    }
    return out;
  }

  /** Rule IDs shown in the Problems view for a file (by base name), from the `isms(rule-id)` code. */
  async ruleIdsShown(base) {
    const rows = await this.problems();
    const ids = new Set();
    for (const r of rows) {
      if (r.file !== base) continue;
      const m = /isms\s*\(?\s*([a-z0-9-]+)\)?/.exec(r.text);
      if (m) ids.add(m[1]);
    }
    return ids;
  }

  /** Waits until the Problems view shows (at least / exactly) the rule IDs for a file. */
  async waitForRules(base, predicate, what) {
    let last = new Set();
    await waitFor(
      async () => {
        last = await this.ruleIdsShown(base);
        return predicate(last);
      },
      { timeout: 30000, interval: 500, what: `${what} (Problems view shows: ${[...last].join(', ') || 'nothing'})` },
    ).catch((err) => {
      err.message += ` — last seen: [${[...last].join(', ')}]`;
      throw err;
    });
    return last;
  }
}
