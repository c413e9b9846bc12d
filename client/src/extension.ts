import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { CoverageReportPanel } from './coverageReport';
import { CoverageView } from './coverageView';
import { IsmsServer } from './server';
import { FindingsStatusBar } from './statusBar';
import { registerTasks } from './tasks';

let server: IsmsServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  // One channel for the client's log, the server's log and the protocol trace (isms.trace.server).
  const outputChannel = vscode.window.createOutputChannel('ISMS Author', { log: true });
  context.subscriptions.push(outputChannel);

  server = new IsmsServer(context, outputChannel);
  const coverage = new CoverageView(server);
  const report = new CoverageReportPanel(coverage);
  context.subscriptions.push(coverage, report);
  registerCommands(context, server, coverage, report);
  registerTasks(context);
  context.subscriptions.push(new FindingsStatusBar());

  // Not awaited: activation completes at once; commands wait for the server, failures are reported.
  void server.start();
}

export async function deactivate(): Promise<void> {
  await server?.dispose();
  server = undefined;
}
