/**
 * A minimal LSP client over stdio for the tests: spawns the server (dist/server.js --stdio, as the
 * extension ships it), frames JSON-RPC messages, answers the server's own requests (configuration with
 * `settings`, others with null) and hands notifications to listeners. The same framing as the client in
 * test/lsp.test.ts, with deadlines: a request or a notification that does not come in time fails the
 * test instead of hanging it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './root';

export class LspClient {
  private proc: ChildProcessWithoutNullStreams;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, (msg: any) => void>();
  private listeners: ((msg: any) => void)[] = [];
  private exited = false;
  /** The process's exit code once it has exited (null after a signal). */
  exitCode: number | null | undefined;
  /** What the server wrote to stderr (its log). */
  stderr = '';
  /** The answer to workspace/configuration. */
  settings: unknown = {};

  /** Starts `node <args>` (by default the bundled server over stdio), with `env` when given. */
  constructor(args: string[] = [path.join(ROOT, 'dist', 'server.js'), '--stdio'], env?: NodeJS.ProcessEnv) {
    this.proc = spawn(process.execPath, args, { cwd: ROOT, ...(env ? { env } : {}) });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', (code) => {
      this.exited = true;
      this.exitCode = code;
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** The server process is still running. */
  get alive(): boolean {
    return !this.exited;
  }

  private onData(d: Buffer) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString())![1]);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8'));
      this.buf = this.buf.subarray(sep + 4 + len);
      if (msg.id !== undefined && this.pending.has(msg.id) && msg.method === undefined) {
        this.pending.get(msg.id)!(msg);
        this.pending.delete(msg.id);
      } else if (msg.method === 'workspace/configuration') {
        this.send({ jsonrpc: '2.0', id: msg.id, result: msg.params.items.map(() => this.settings) });
      } else if (msg.id !== undefined && msg.method) {
        this.send({ jsonrpc: '2.0', id: msg.id, result: null });
      } else this.listeners.forEach((l) => l(msg));
    }
  }

  private send(msg: unknown) {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  /** A request; rejects on an error answer, or when no answer comes within `ms`. */
  request(method: string, params: unknown, ms = 30_000): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${ms} ms`));
      }, ms);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(m.error.message));
        else resolve(m.result);
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown) {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next publishDiagnostics for `uri` (of `version`, when given); rejects after `ms`. */
  diagnostics(uri: string, version?: number, ms = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const l = (m: any) => {
        if (m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && (version === undefined || m.params.version === version)) {
          this.listeners = this.listeners.filter((x) => x !== l);
          clearTimeout(timer);
          resolve(m.params);
        }
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((x) => x !== l);
        reject(new Error(`no diagnostics for ${uri}${version === undefined ? '' : ` version ${version}`} within ${ms} ms`));
      }, ms);
      this.listeners.push(l);
    });
  }

  /** Every notification of `method` the server sends from now on (the array fills as they come). */
  record(method: string): any[] {
    const out: any[] = [];
    this.listeners.push((m: any) => m.method === method && out.push(m.params));
    return out;
  }

  /** The next notification of `method` (its params); rejects after `ms`. */
  notification(method: string, ms = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const l = (m: any) => {
        if (m.method !== method) return;
        this.listeners = this.listeners.filter((x) => x !== l);
        clearTimeout(timer);
        resolve(m.params);
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((x) => x !== l);
        reject(new Error(`no ${method} within ${ms} ms`));
      }, ms);
      this.listeners.push(l);
    });
  }

  /** initialize + initialized, with `dir` as the workspace folder. */
  async start(dir: string, settings: unknown = {}): Promise<any> {
    const init = await this.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { workspace: { configuration: true } },
    });
    this.settings = settings;
    this.notify('initialized', {});
    return init;
  }

  /** Opens a document and waits for its first diagnostics. */
  async open(uri: string, languageId: string, text: string, ms?: number): Promise<any> {
    const pending = this.diagnostics(uri, 1, ms);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return pending;
  }

  /** Closes the server's stdin (the editor went away without a shutdown) and waits for the process to end. */
  async closeInput(): Promise<void> {
    this.proc.stdin.end();
    if (!this.exited) await new Promise((r) => this.proc.once('exit', r));
  }

  /** shutdown + exit, and waits for the process to end (kills it when it does not answer). */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 10_000);
      this.notify('exit', null);
    } catch {
      this.proc.kill();
    }
    if (!this.exited) await new Promise((r) => this.proc.once('exit', r));
  }
}
