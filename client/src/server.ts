import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { explicitSettings } from './settings';
import serverNodeOptions from '../../server/src/node/server-node-options.json';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

/** Node options of the server process: heap sizing that keeps its peak memory near its live data (bench/ uses the same). */
export const SERVER_NODE_OPTIONS: string[] = serverNodeOptions.execArgv;

/** The client id: VS Code reads `isms.trace.server` because of it. */
const CLIENT_ID = 'isms';
const CLIENT_NAME = 'ISMS Author';

/** Restarts after a crash before giving up; the window is 3 minutes (vscode-languageclient). */
const MAX_RESTARTS = 5;

/**
 * vscode-languageclient shows its own notification when the server fails to start; this extension
 * reports that case itself (once, with a "Show output" action), so only the log entry is kept.
 */
class IsmsLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    const starting = this.state === State.Starting || this.state === State.StartFailed;
    super.error(message, data, starting ? false : showNotification);
  }
}

/** Thrown by {@link IsmsServer.running} when there is no running server to ask. */
export class ServerNotRunningError extends Error {
  constructor() {
    super('The ISMS language server is not running.');
  }
}

/**
 * Owns the language client: starts it, reports when it cannot start, and restarts it on demand,
 * creating a fresh client when the previous one failed to start (a failed client cannot restart).
 */
export class IsmsServer implements vscode.Disposable {
  private client: IsmsLanguageClient | undefined;
  private clientDisposables: vscode.Disposable[] = [];
  /** A failing start can pass through StartFailed more than once; tell the user only once. */
  private startFailureReported = false;
  private readonly serverModule: string;
  /** Notification handlers, registered on every client this object creates (a restart may create a new one). */
  private readonly notificationHandlers: { method: string; handler: (params: unknown) => void }[] = [];
  private readonly runningEmitter = new vscode.EventEmitter<void>();
  /** Fires each time a server is (again) running: after the start, a restart, a recovered crash. */
  readonly onDidStartRunning = this.runningEmitter.event;

  constructor(
    context: vscode.ExtensionContext,
    private readonly outputChannel: vscode.LogOutputChannel,
  ) {
    this.serverModule = context.asAbsolutePath('dist/server.js');
  }

  /** Starts the server; failures are reported to the user, never thrown. */
  async start(): Promise<void> {
    if (!fs.existsSync(this.serverModule)) {
      this.outputChannel.error(`Language server not found: ${this.serverModule}`);
      this.reportStartFailure('its program file dist/server.js is missing (run `npm run build` when developing)');
      return;
    }
    const client = this.createClient();
    try {
      await client.start();
    } catch (err) {
      // The state listener has already told the user; keep the cause in the log.
      this.outputChannel.error(`Starting the language server failed: ${errorMessage(err)}`);
    }
  }

  /** `ISMS: Restart language server`. */
  async restart(): Promise<void> {
    const client = this.client;
    if (client?.state === State.Starting) {
      void vscode.window.showInformationMessage('ISMS Author: the language server is still starting.');
      return;
    }
    this.startFailureReported = false;
    if (client && client.state !== State.StartFailed) {
      try {
        await client.restart();
      } catch (err) {
        this.outputChannel.error(`Restarting the language server failed: ${errorMessage(err)}`);
        this.reportStartFailure();
      }
      return;
    }
    await this.disposeClient();
    await this.start();
  }

  /**
   * The client to send custom requests through; it queues them while the server is still
   * starting. Throws {@link ServerNotRunningError} when there is no server to ask.
   */
  get running(): LanguageClient {
    const client = this.client;
    if (!client || client.state === State.StartFailed || client.state === State.Stopped) {
      throw new ServerNotRunningError();
    }
    return client;
  }

  /** Handles a notification from the server, of this and every later client. */
  onNotification(method: string, handler: (params: unknown) => void): void {
    this.notificationHandlers.push({ method, handler });
    this.client?.onNotification(method, handler);
  }

  /** Stops the server (on deactivation). */
  dispose(): Promise<void> {
    this.runningEmitter.dispose();
    return this.disposeClient();
  }

  private createClient(): IsmsLanguageClient {
    const serverOptions: ServerOptions = {
      run: { module: this.serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_NODE_OPTIONS } },
      debug: {
        module: this.serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6009'] },
      },
    };

    // Which Markdown and YAML files are ISMS documents or NHI inventories is the server's call;
    // it stays silent on the others.
    const fileEvents = vscode.workspace.createFileSystemWatcher('**/{*.md,*.yaml,*.yml,.isms.yaml,*.tf}');
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'markdown' },
        { scheme: 'file', language: 'yaml' },
        { scheme: 'untitled', language: 'markdown' },
        { scheme: 'untitled', language: 'yaml' },
        // Templates and other Markdown flavours the configured globs may name (`*.md.erb`, `*.mdx`): sent
        // whatever their language; the server checks those a glob names and stays silent on the rest.
        { scheme: 'file', pattern: '**/*.{mdx,md.erb,md.tmpl,md.j2,md.liquid,md.njk,markdown.erb}' },
        // Terraform (discovery, docs/discovery.md): whatever extension provides the language; the server reads the
        // files `discovery.include` names (Kubernetes manifests and workflows come in as yaml above).
        { scheme: 'file', language: 'terraform' },
        { scheme: 'file', pattern: '**/*.tf' },
        ...configuredGlobs().map((g) => ({ scheme: 'file', pattern: g.startsWith('**/') || g.startsWith('/') ? g : `**/${g}` })),
      ],
      synchronize: {
        // Settings are also pulled live by the server (workspace/configuration, section 'isms').
        configurationSection: 'isms',
        fileEvents,
      },
      // (The server registers a watcher of its own with clients that do not watch the files; this one does.)
      initializationOptions: { watchesFiles: true },
      outputChannel: this.outputChannel,
      diagnosticCollectionName: 'isms',
      connectionOptions: { maxRestartCount: MAX_RESTARTS },
      // Report initialization failures once, through the state listener below.
      initializationFailedHandler: () => false,
      middleware: {
        workspace: {
          // Only what the user set: package.json defaults must not override the repository's .isms.yaml.
          configuration: (params, token, next) =>
            params.items.some((i) => i.section === 'isms')
              ? params.items.map((i) => (i.section === 'isms' ? explicitSettings(i.scopeUri ? vscode.Uri.parse(i.scopeUri) : undefined) : null))
              : next(params, token),
        },
      },
    };

    const client = new IsmsLanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.client = client;
    this.clientDisposables = [
      fileEvents,
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Running) {
          this.startFailureReported = false;
          this.runningEmitter.fire();
        } else if (newState === State.StartFailed) this.reportStartFailure();
      }),
    ];
    for (const { method, handler } of this.notificationHandlers) this.clientDisposables.push(client.onNotification(method, handler));
    return client;
  }

  private async disposeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const d of this.clientDisposables.splice(0)) d.dispose();
    if (!client) return;
    try {
      await client.dispose();
    } catch {
      // A client that never started may refuse to stop; there is nothing left to clean up.
    }
  }

  private reportStartFailure(reason?: string): void {
    if (this.startFailureReported) return;
    this.startFailureReported = true;
    const message =
      `ISMS Author: the language server could not start${reason ? ` (${reason})` : ''}, ` +
      'so ISMS documents and NHI inventories are not checked. ' +
      'Run "ISMS: Restart language server" to try again.';
    void vscode.window.showErrorMessage(message, 'Show output').then((choice) => {
      if (choice) this.outputChannel.show(true);
    });
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The user's `isms.documentGlobs` and `isms.inventoryGlobs` (positive globs), for the document selector. */
function configuredGlobs(): string[] {
  const cfg = vscode.workspace.getConfiguration('isms');
  const globs = [...(cfg.get<string[]>('documentGlobs') ?? []), ...(cfg.get<string[]>('inventoryGlobs') ?? [])];
  return globs.filter((g) => typeof g === 'string' && g !== '' && !g.startsWith('!'));
}
