import * as vscode from 'vscode';
import { ErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { CatalogSearchRequest, CoverageRequest, type CatalogItem, TemplateRequest, type TemplateKind } from './protocol';
import { errorMessage, type IsmsServer, ServerNotRunningError } from './server';

interface KindItem extends vscode.QuickPickItem {
  templateKind: TemplateKind;
}

const PROCESS_DOCUMENT_KINDS: KindItem[] = [
  { templateKind: 'policy', label: 'Policy', description: 'What the organisation requires and why; approved by management' },
  { templateKind: 'standard', label: 'Standard', description: 'Specific, measurable requirements that implement a policy' },
  { templateKind: 'procedure', label: 'Procedure', description: 'How a recurring process is carried out, and by whom' },
  { templateKind: 'runbook', label: 'Runbook', description: 'Step-by-step operational instructions, with rollback' },
];

interface ControlItem extends vscode.QuickPickItem {
  ref: string;
}

export function registerCommands(context: vscode.ExtensionContext, server: IsmsServer): void {
  const register = (id: string, run: () => Promise<unknown>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, () => guarded(run)));

  register('isms.insertControlReference', () => insertControlReference(server));
  register('isms.newProcessDocument', async () => {
    const picked = await vscode.window.showQuickPick(PROCESS_DOCUMENT_KINDS, {
      title: 'New ISMS process document',
      placeHolder: 'Kind of document',
    });
    if (picked) await newDocument(server, picked.templateKind);
  });
  register('isms.newInventory', () => newDocument(server, 'inventory'));
  register('isms.showRulesDocumentation', () => showRulesDocumentation(context.extensionUri));
  register('isms.showCoverage', () => showCoverage(server));
  register('isms.restartServer', () => server.restart());
}

async function insertControlReference(server: IsmsServer): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('ISMS Author: open an editor to insert a control reference into.');
    return;
  }
  // The pick list shows a busy indicator until the catalog arrives.
  const items = server.running.sendRequest(CatalogSearchRequest.type, { query: '' }).then((r) => r.items.map(toControlItem));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Insert control reference',
    placeHolder: 'Search controls by id, title or framework',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return;
  // The editor may have been closed while the pick list was open.
  if (editor.document.isClosed) return;
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, picked.ref);
  });
}

function toControlItem(c: CatalogItem): ControlItem {
  return {
    ref: c.ref,
    label: c.ref,
    description: c.title,
    detail: c.detail ? `${c.frameworkName} — ${c.detail}` : c.frameworkName,
  };
}

async function newDocument(server: IsmsServer, kind: TemplateKind): Promise<void> {
  const template = await server.running.sendRequest(TemplateRequest.type, { kind, today: localDate() });
  const document = await vscode.workspace.openTextDocument({ language: template.languageId, content: template.text });
  await vscode.window.showTextDocument(document);
}

/** The coverage of the workspace (docs/coverage.md) as a Markdown document, shown in the preview. */
async function showCoverage(server: IsmsServer): Promise<void> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'ISMS: computing coverage' },
    () => server.running.sendRequest(CoverageRequest.type, { format: 'md' }),
  );
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.markdown ?? '' });
  try {
    await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  } catch {
    await vscode.window.showTextDocument(document);
  }
}

async function showRulesDocumentation(extensionUri: vscode.Uri): Promise<void> {
  const readme = vscode.Uri.joinPath(extensionUri, 'docs', 'rules', 'README.md');
  try {
    await vscode.workspace.fs.stat(readme);
  } catch {
    void vscode.window.showErrorMessage(`ISMS Author: the rules documentation is missing (${readme.fsPath}).`);
    return;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', readme);
  } catch {
    // The built-in Markdown extension is disabled: show the source instead.
    await vscode.window.showTextDocument(readme, { preview: true });
  }
}

/** Today in the user's time zone, YYYY-MM-DD. */
export function localDate(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Runs a command, turning failures into one readable notification. */
async function guarded(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    const notRunning =
      err instanceof ServerNotRunningError ||
      (err instanceof ResponseError && err.code === ErrorCodes.ConnectionInactive);
    if (notRunning) {
      const choice = await vscode.window.showErrorMessage(
        'ISMS Author: the language server is not running.',
        'Restart language server',
      );
      if (choice) await vscode.commands.executeCommand('isms.restartServer');
      return;
    }
    if (err instanceof ResponseError && err.code === ErrorCodes.MethodNotFound) {
      void vscode.window.showErrorMessage(`ISMS Author: the language server does not support this command (${err.message}).`);
      return;
    }
    void vscode.window.showErrorMessage(`ISMS Author: ${errorMessage(err)}`);
  }
}
