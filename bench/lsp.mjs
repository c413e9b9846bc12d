// A minimal LSP client for the benchmark: spawns a server over stdio and talks to it the way an editor does
// (vscode-jsonrpc framing, incremental sync, answers to the server's requests). Keeps the text of open documents
// so it can answer the Markdown server's `markdown/parse` with markdown-it tokens, as VS Code's client does.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');

export const TIMEOUT_MS = 120_000;
export class Timeout extends Error {}

/** The only child process of `pid` (Linux), or undefined: `isms lsp` starts Node once more when it lacks the server's options. */
export function onlyChild(pid) {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return kids.length === 1 ? kids[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set (VmHWM) and current RSS of a process, in MiB; undefined once it has exited. */
export function memoryOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
    return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
  } catch {
    return undefined;
  }
}

function withTimeout(p, what, ms = TIMEOUT_MS) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Timeout(`timeout after ${ms} ms: ${what}`)), ms); })]).finally(() => clearTimeout(t));
}

/**
 * @param {object} o
 * @param {string[]} o.command   argv, e.g. [process.execPath, 'dist/server.js', '--stdio']
 * @param {string} o.root        workspace folder (absolute path)
 * @param {(section: string) => unknown} o.settings   answers workspace/configuration
 * @param {unknown} [o.initializationOptions]
 * @param {string} o.log         file for the server's stderr and window/logMessage
 * @param {number} [o.timeoutMs] longest wait for a response or diagnostics
 * @param {Record<string, string>} [o.env] environment variables added to the server's
 */
export async function startServer(o) {
  const proc = spawn(o.command[0], o.command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], cwd: o.root, env: { ...process.env, ...o.env } });
  const log = createWriteStream(o.log);
  proc.stderr.pipe(log);
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const docs = new Map(); // uri -> { lines, version, languageId }
  const diagListeners = new Set();
  const unknownRequests = new Map();
  let markdownIt;
  const tokenCache = new Map(); // uri -> { version, tokens }

  conn.onNotification('textDocument/publishDiagnostics', (p) => { for (const l of [...diagListeners]) l(p); });
  conn.onNotification('window/logMessage', (p) => log.write(`[log ${p.type}] ${p.message}\n`));
  const notifications = new Map(); // method -> count
  conn.onNotification((method) => {
    notifications.set(method, (notifications.get(method) ?? 0) + 1);
    log.write(`[notification] ${method}\n`);
  });
  conn.onRequest('workspace/configuration', (p) => p.items.map((it) => o.settings(it.section ?? '')));
  for (const m of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create',
    'workspace/diagnostic/refresh', 'workspace/semanticTokens/refresh', 'workspace/inlayHint/refresh', 'workspace/codeLens/refresh']) {
    conn.onRequest(m, () => null);
  }
  conn.onRequest('window/showMessageRequest', () => null);
  // What VS Code's Markdown extension answers for its server (extensions/markdown-language-features/src/client).
  conn.onRequest('markdown/parse', (p) => {
    markdownIt ??= markdownItEngine();
    const d = docs.get(p.uri);
    if (typeof p.text === 'string') return markdownIt(p.text);
    if (d) {
      const c = tokenCache.get(p.uri);
      if (c && c.version === d.version) return c.tokens; // VS Code's engine caches tokens per document version
      const tokens = markdownIt(d.lines.join('\n'));
      tokenCache.set(p.uri, { version: d.version, tokens });
      return tokens;
    }
    const path = fileURLToPath(p.uri);
    return existsSync(path) ? markdownIt(readFileSync(path, 'utf8')) : [];
  });
  conn.onRequest('markdown/fs/readFile', (p) => [...readFileSync(fileURLToPath(p.uri))]);
  conn.onRequest('markdown/fs/stat', (p) => {
    try {
      return { isDirectory: statSync(fileURLToPath(p.uri)).isDirectory() };
    } catch {
      return undefined;
    }
  });
  conn.onRequest('markdown/fs/readDirectory', (p) =>
    readdirSync(fileURLToPath(p.uri), { withFileTypes: true }).map((e) => [e.name, { isDirectory: e.isDirectory() }]));
  conn.onRequest('markdown/findMarkdownFilesInWorkspace', () => findFiles(o.root, '.md').map((f) => pathToFileURL(f).href));
  conn.onRequest('markdown/fs/watcher/create', () => null);
  conn.onRequest('markdown/fs/watcher/delete', () => null);
  conn.onRequest((method) => {
    unknownRequests.set(method, (unknownRequests.get(method) ?? 0) + 1);
    return null;
  });
  conn.listen();

  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let dead = false;
  exited.then(() => { dead = true; });

  const request = (method, params) => {
    if (dead) return Promise.reject(new Error('server exited'));
    return withTimeout(conn.sendRequest(method, params), method, o.timeoutMs);
  };
  const notify = (method, params) => conn.sendNotification(method, params);

  const rootUri = pathToFileURL(o.root).href;
  const init = await request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'isms-bench', version: '1' },
    locale: 'en',
    rootPath: o.root,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    initializationOptions: o.initializationOptions,
    capabilities: {
      workspace: {
        configuration: true,
        workspaceFolders: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
        diagnostics: { refreshSupport: true },
      },
      textDocument: {
        synchronization: { dynamicRegistration: true, willSave: false, didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
        completion: {
          dynamicRegistration: true,
          contextSupport: true,
          completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], insertReplaceSupport: true, labelDetailsSupport: true },
        },
        hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
        codeAction: { dynamicRegistration: true },
      },
      window: { workDoneProgress: true },
    },
  });
  notify('initialized', {});
  // The process serving the protocol: the spawned one, or the Node process it started in its turn (`isms lsp` without the
  // server's Node options); the spawned one is then the launcher, whose memory is reported apart.
  let serverPid = proc.pid;
  for (let c = onlyChild(serverPid); c !== undefined; c = onlyChild(serverPid)) serverPid = c;

  return {
    pid: proc.pid,
    capabilities: init.capabilities,
    serverInfo: init.serverInfo,
    unknownRequests,
    /** How many notifications of each method (other than diagnostics and log messages) the server sent. */
    notifications,
    request,
    notify,
    /** Resolves with the next publishDiagnostics for `uri` that satisfies `pred` (e.g. a version). */
    nextDiagnostics(uri, pred = () => true) {
      let listener;
      const p = new Promise((resolve) => {
        listener = (params) => {
          if (params.uri === uri && pred(params)) {
            diagListeners.delete(listener);
            resolve(params);
          }
        };
        diagListeners.add(listener);
      });
      return withTimeout(p, `publishDiagnostics ${uri}`, o.timeoutMs).finally(() => diagListeners.delete(listener));
    },
    open(uri, languageId, text) {
      docs.set(uri, { lines: text.split('\n'), version: 1, languageId });
      notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
      return 1;
    },
    line(uri, l) {
      return docs.get(uri).lines[l];
    },
    /** One single-line incremental change; returns the new version. */
    change(uri, line, startChar, endChar, text) {
      const d = docs.get(uri);
      const s = d.lines[line];
      d.lines[line] = s.slice(0, startChar) + text + s.slice(endChar);
      d.version++;
      notify('textDocument/didChange', {
        textDocument: { uri, version: d.version },
        contentChanges: [{ range: { start: { line, character: startChar }, end: { line, character: endChar } }, text }],
      });
      return d.version;
    },
    /** VmHWM / VmRSS of the process serving the protocol, and `launcher`: those of the spawned process when it is another. */
    memory() {
      const m = memoryOf(serverPid);
      return m && serverPid !== proc.pid ? { ...m, launcher: memoryOf(proc.pid) } : m;
    },
    /** The pid of the process serving the protocol (see memory). */
    serverPid,
    async stop() {
      try {
        await Promise.race([request('shutdown', null), new Promise((r) => setTimeout(r, 5000))]);
        notify('exit', null);
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      conn.dispose();
      log.end();
    },
  };
}

function findFiles(dir, ext, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) findFiles(p, ext, out);
    else if (extname(e.name) === ext) out.push(p);
  }
  return out;
}

/**
 * markdown-it as VS Code's Markdown engine configures it (html, linkify; front matter is skipped by a plugin there,
 * here its lines are blanked, which keeps line numbers). Returns plain token objects, as they travel over JSON.
 */
function markdownItEngine() {
  const MarkdownIt = require('markdown-it');
  const md = new MarkdownIt({ html: true, linkify: true, typographer: false });
  return (text) => {
    const m = /^---\r?\n[\s\S]*?\r?\n---(?:\r?\n|$)/.exec(text);
    if (m) text = m[0].replace(/[^\n]/g, '') + text.slice(m[0].length);
    return md.parse(text, {});
  };
}
