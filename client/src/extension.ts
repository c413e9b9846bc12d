import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { IsmsServer } from './server';
import { FindingsStatusBar } from './statusBar';
import { registerTasks } from './tasks';

let server: IsmsServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  // One channel for the client's log, the server's log and the protocol trace (isms.trace.server).
  const outputChannel = vscode.window.createOutputChannel('ISMS Author', { log: true });
  context.subscriptions.push(outputChannel);

  server = new IsmsServer(context, outputChannel);
  registerCommands(context, server);
  registerTasks(context);
  context.subscriptions.push(new FindingsStatusBar());

  // Not awaited: activation completes at once; commands wait for the server, failures are reported.
  void server.start();
}

export async function deactivate(): Promise<void> {
  await server?.dispose();
  server = undefined;
}
