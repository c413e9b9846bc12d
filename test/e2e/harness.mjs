// Harness for the end-to-end tests: code-server (VS Code in a browser) + Debian's Chromium,
// driven with playwright-core. See docs/testing.md.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = path.join(ROOT, 'test', 'e2e', 'out');

const CS_VERSION = process.env.ISMS_E2E_CODE_SERVER_VERSION ?? '4.100.3';
const CACHE = process.env.ISMS_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'isms-e2e');

/** Thrown for anything the environment lacks; the suite fails on it (it never skips). */
export class SetupError extends Error {}

export function findCodeServer() {
  const bin = process.env.ISMS_E2E_CODE_SERVER ?? path.join(CACHE, `code-server-${CS_VERSION}`, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) {
    throw new SetupError(`code-server not found at ${bin}: run scripts/e2e-setup.sh (or set ISMS_E2E_CODE_SERVER).`);
  }
  return bin;
}

export function findChromium() {
  const candidates = [process.env.ISMS_E2E_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new SetupError(`Chromium not found (${candidates.join(', ')}): run scripts/e2e-setup.sh (or set ISMS_E2E_CHROMIUM).`);
  return found;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  if (opts.allowFail !== true && r.status !== 0) {
    throw new SetupError(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/**
 * Runs our CLI on the whole workspace (as the language server sees it: globs relative to the
 * workspace root) and returns the findings of one file, by its workspace-relative path.
 */
export function cliFindings(workspace, rel, today) {
  const r = run(process.execPath, [path.join(ROOT, 'bin', 'isms.js'), 'check', '.', '--format', 'json', '--today', today], {
    cwd: workspace,
    allowFail: true,
  });
  if (r.status === 2) throw new Error(`isms check failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout);
  const entry = json.files.find((f) => f.path === rel);
  return entry ? entry.findings : [];
}

/** Applies LSP text edits (0-based line / UTF-16 character) to a text. */
export function applyEdits(text, edits) {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p) => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

export async function waitFor(fn, { timeout = 15000, interval = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Starts code-server; resolves when it answers HTTP. */
export async function startCodeServer({ bin, port, userDataDir, extensionsDir, workspace, log }) {
  const logStream = fs.createWriteStream(log);
  const child = spawn(
    bin,
    [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    // Its own process group, so that stopProcess also ends the extension hosts and language servers
    // it forks (they can outlive code-server, waiting for a reconnection).
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '' }, detached: true },
  );
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exited = null;
  child.on('exit', (code) => (exited = code ?? 'signal'));
  await waitFor(
    async () => {
      if (exited !== null) throw new SetupError(`code-server exited (${exited}); see ${log}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      return res?.ok;
    },
    { timeout: 60000, what: `code-server on port ${port} (log: ${log})` },
  );
  return child;
}

/** Signals a process group started with `detached: true`; ignores groups that are gone. */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Stops code-server and every process of its group: SIGTERM, then SIGKILL for what is left. */
export async function stopProcess(child) {
  if (!child?.pid) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
  killGroup(child.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  // Give the forked processes a moment to exit on their own, then end the rest.
  for (let i = 0; i < 20 && killGroup(child.pid, 0); i++) await new Promise((r) => setTimeout(r, 100));
  killGroup(child.pid, 'SIGKILL');
}
