#!/usr/bin/env node
// Renders `isms coverage examples --format html` with headless Chromium into docs/images/coverage-report.png
// (the screenshot of README.md and docs/coverage.md). Needs a build (npx tsc -b && node scripts/bundle.mjs),
// Chromium (/usr/bin/chromium, or CHROMIUM=/path) and playwright-core (a dev dependency; no browser download).
//
//   node scripts/screenshot-coverage.mjs [--dark] [--out docs/images/coverage-report.png]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dark = args.includes('--dark');
const out = resolve(root, args.includes('--out') ? args[args.indexOf('--out') + 1] : 'docs/images/coverage-report.png');

// ISO/IEC 27001 first: on examples/ it shows most states (direct, crosswalk, stale, gap).
const run = spawnSync(process.execPath, [join(root, 'bin', 'isms.js'), 'coverage', 'examples', '--format', 'html', '--today', '2026-11-23', '--framework', 'iso27001,csf,iso27002,soc2,nhi'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
if (run.status !== 0) {
  process.stderr.write(run.stderr);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'isms-shot-'));
const file = join(dir, 'coverage.html');
writeFileSync(file, run.stdout);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, colorScheme: dark ? 'dark' : 'light' });
  await page.goto(pathToFileURL(file).href);
  // The title, the framework list, and the first framework down to its per-group table.
  const bottom = await page.evaluate(() => {
    const t = document.querySelector('section.framework table');
    return Math.ceil(t.getBoundingClientRect().bottom + window.scrollY + 16);
  });
  const height = Math.min(bottom, 1600);
  await page.setViewportSize({ width: 1100, height });
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1100, height } });
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${out}: ${Math.round(statSync(out).size / 1024)} KB`);
