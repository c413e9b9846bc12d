/**
 * A small LSP client for the protocol fuzzer (test/fuzz-protocol.test.ts): spawns `dist/server.js --stdio`,
 * speaks JSON-RPC with Content-Length framing, answers the server's requests as an editor does
 * (workspace/configuration with the settings given), and records everything that would mean the server
 * is unwell: its exit, anything on stderr, error log messages, error responses.
 *
 * Requests never reject: they resolve with the whole response message ({ result } or { error }), so the
 * fuzzer decides what an error means. When the process exits, pending requests resolve with an error of
 * code EXITED.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './root';

export const EXITED = -1;
/** JSON-RPC codes that mean "cancelled", not "failed": RequestCancelled, ContentModified, ServerCancelled. */
export const CANCELLED_CODES = new Set([-32800, -32801, -32802]);

export interface Response {
  id: number;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

export interface LogMessage {
  type: number;
  message: string;
}

/** The client capabilities VS Code 1.9x sends, the parts this server reads or could read. */
export const EDITOR_CAPABILITIES = {
  general: { positionEncodings: ['utf-16'] },
  window: { workDoneProgress: true, showMessage: { messageActionItem: { additionalPropertiesSupport: true } } },
  workspace: {
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
    completion: {
      dynamicRegistration: true,
      contextSupport: true,
      completionItem: {
        snippetSupport: true,
        commitCharactersSupport: true,
        documentationFormat: ['markdown', 'plaintext'],
        deprecatedSupport: true,
        preselectSupport: true,
        insertReplaceSupport: true,
        labelDetailsSupport: true,
        resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
      },
      completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
    },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
      codeActionLiteralSupport: {
        codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports', 'source.fixAll'] },
      },
    },
    documentSymbol: { dynamicRegistration: true, hierarchicalDocumentSymbolSupport: true, labelSupport: true },
    foldingRange: { dynamicRegistration: true, rangeLimit: 5000, lineFoldingOnly: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true, tagSupport: { valueSet: [1, 2] } },
  },
};

export class FuzzClient {
  private proc: ChildProcessWithoutNullStreams;
  private buf: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, (msg: Response) => void>();
  private listeners = new Set<(msg: any) => void>();
  /** Everything the server wrote to stderr. */
  stderr = '';
  /** window/logMessage and window/showMessage notifications. */
  readonly logs: LogMessage[] = [];
  /** Set when the process has exited (code or signal). */
  exited: string | undefined;
  private exitPromise: Promise<void>;
  /** The `isms` section the client answers workspace/configuration with. */
  settings: Record<string, unknown>;

  constructor(settings: Record<string, unknown>, cwd = ROOT, args: string[] = [path.join(ROOT, 'dist', 'server.js'), '--stdio']) {
    this.settings = settings;
    this.proc = spawn(process.execPath, args, { cwd });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.proc.stdin.on('error', () => undefined); // (a dead server: reported through `exited`)
    this.exitPromise = new Promise((resolve) =>
      this.proc.once('exit', (code, signal) => {
        this.exited = signal ? `signal ${signal}` : `code ${code}`;
        for (const [id, done] of this.pending) done({ id, error: { code: EXITED, message: `server exited (${this.exited})` } });
        this.pending.clear();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.proc.pid!;
  }

  private onData(d: Buffer) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const header = this.buf.subarray(0, sep).toString('ascii');
      const m = /Content-Length: *(\d+)/i.exec(header);
      if (!m) throw new Error(`bad header from the server: ${JSON.stringify(header)}`);
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8'));
      this.buf = this.buf.subarray(sep + 4 + len);
      this.dispatch(msg);
    }
  }

  private dispatch(msg: any) {
    if (msg.id !== undefined && msg.method === undefined) {
      const done = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      done?.(msg);
      return;
    }
    if (msg.id !== undefined) {
      // A request from the server.
      let result: unknown = null;
      if (msg.method === 'workspace/configuration') {
        result = (msg.params?.items ?? []).map((i: { section?: string }) => (i.section === 'isms' || i.section === undefined ? this.settings : null));
      } else if (msg.method === 'workspace/workspaceFolders') result = [];
      this.send({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    if (msg.method === 'window/logMessage' || msg.method === 'window/showMessage') this.logs.push(msg.params);
    for (const l of [...this.listeners]) l(msg);
  }

  private send(msg: unknown) {
    if (this.exited) return;
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  /** Sends a request; its id is given to `onId` before sending (for $/cancelRequest). */
  request(method: string, params: unknown, onId?: (id: number) => void): Promise<Response> {
    const id = this.nextId++;
    onId?.(id);
    return new Promise((resolve) => {
      if (this.exited) return resolve({ id, error: { code: EXITED, message: `server exited (${this.exited})` } });
      this.pending.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown) {
    this.send({ jsonrpc: '2.0', method, params });
  }

  cancel(id: number) {
    this.notify('$/cancelRequest', { id });
  }

  /** Calls `l` with every notification from the server until the returned function is called. */
  listen(l: (msg: any) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * The first notification for which `pick` returns something other than undefined, within `ms`;
   * undefined on timeout or exit.
   */
  waitFor<T>(pick: (msg: any) => T | undefined, ms: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const stop = this.listen((msg) => {
        const v = pick(msg);
        if (v === undefined) return;
        finish(v);
      });
      const finish = (v: T | undefined) => {
        stop();
        clearTimeout(timer);
        resolve(v);
      };
      timer = setTimeout(() => finish(undefined), ms);
      void this.exitPromise.then(() => finish(undefined));
    });
  }

  /** initialize + initialized for a workspace folder; resolves with the server's InitializeResult. */
  async initialize(folder: string): Promise<any> {
    const uri = pathToFileURL(folder).href;
    const init = await this.request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'isms-fuzz-client', version: '1' },
      locale: 'en',
      rootPath: folder,
      rootUri: uri,
      workspaceFolders: [{ uri, name: path.basename(folder) }],
      capabilities: EDITOR_CAPABILITIES,
      trace: 'off',
    });
    if (init.error) throw new Error(`initialize failed: ${init.error.message}`);
    this.notify('initialized', {});
    return init.result;
  }

  /** Waits for the server's "indexed N files" log (the background workspace index is complete). */
  indexed(ms = 30000): Promise<string | undefined> {
    const already = this.logs.find((l) => /indexed \d+ files/.test(l.message));
    if (already) return Promise.resolve(already.message);
    return this.waitFor((m) => (m.method === 'window/logMessage' && /indexed \d+ files/.test(m.params.message) ? (m.params.message as string) : undefined), ms);
  }

  /** shutdown + exit; kills the process if it does not exit within `ms`. */
  async stop(ms = 5000): Promise<void> {
    if (this.exited) return;
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), ms);
    await Promise.race([this.request('shutdown', null), this.exitPromise]);
    this.notify('exit', null);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** Ends the process at once (a server that hangs). */
  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}
