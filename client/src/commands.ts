import * as vscode from 'vscode';
import { ErrorCodes, ResponseError } from 'vscode-languageclient/node';
import * as path from 'node:path';
import type { CoverageReportPanel } from './coverageReport';
import { controlRef, type CoverageNode, type CoverageView } from './coverageView';
import {
  CatalogSearchRequest,
  CoverageRequest,
  type CatalogItem,
  DeliverableRequest,
  type DeliverableFormat,
  type DeliverableKind,
  TemplateRequest,
  type TemplateKind,
} from './protocol';
import { errorMessage, type IsmsServer, ServerNotRunningError } from './server';

interface KindItem extends vscode.QuickPickItem {
  templateKind: TemplateKind;
}

export const PROCESS_DOCUMENT_KINDS: KindItem[] = [
  { templateKind: 'policy', label: 'Policy', description: 'What the organisation requires and why; approved by management' },
  { templateKind: 'standard', label: 'Standard', description: 'Specific, measurable requirements that implement a policy' },
  { templateKind: 'procedure', label: 'Procedure', description: 'How a recurring process is carried out, and by whom' },
  { templateKind: 'runbook', label: 'Runbook', description: 'Step-by-step operational instructions, with rollback' },
];

interface ControlItem extends vscode.QuickPickItem {
  ref: string;
}

export function registerCommands(context: vscode.ExtensionContext, server: IsmsServer, coverage: CoverageView, report: CoverageReportPanel): void {
  const register = (id: string, run: (...args: any[]) => Promise<unknown>) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => guarded(() => run(...args))));

  register('isms.insertControlReference', () => insertControlReference(server));
  register('isms.newProcessDocument', async () => {
    const picked = await vscode.window.showQuickPick(PROCESS_DOCUMENT_KINDS, {
      title: 'New ISMS process document',
      placeHolder: 'Kind of document',
    });
    if (picked) await newDocument(server, picked.templateKind);
  });
  register('isms.newInventory', () => newDocument(server, 'inventory'));
  register('isms.newRunbook', () => newDocument(server, 'runbook'));
  register('isms.createCiWorkflow', () => createCiWorkflow(context.extensionUri));
  register('isms.showRulesDocumentation', () => showRulesDocumentation(context.extensionUri));
  register('isms.showCoverage', () => report.show());
  register('isms.showCoverageMarkdown', () => showCoverage(server));
  register('isms.restartServer', () => server.restart());
  register('isms.coverage.refresh', () => coverage.refresh());
  register('isms.coverage.createDocument', (target?: CoverageNode | string, kind?: TemplateKind) => createDocumentForControl(server, target, kind));
  register('isms.exportSoa', (options?: ExportOptions) => exportDeliverable(server, 'soa', options));
  register('isms.exportProfile', (options?: ExportOptions) => exportDeliverable(server, 'profile', options));
  register('isms.exportSoc2', (options?: ExportOptions) => exportDeliverable(server, 'soc2', options));
  // The code lens on a listed control (server: textDocument/codeLens): its arguments are protocol data, made vscode's here.
  register('isms.showReferences', async (uri: string, position: { line: number; character: number }, locations: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[]) => {
    const pos = (p: { line: number; character: number }) => new vscode.Position(p.line, p.character);
    const locs = (locations ?? []).map((l) => new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(pos(l.range.start), pos(l.range.end))));
    await vscode.commands.executeCommand('editor.action.showReferences', vscode.Uri.parse(uri), pos(position), locs);
  });
}

/**
 * "Create a document for this control" (coverage view): a new untitled process document from the template with
 * the control in its front matter `controls`. `target` is the view's control node, or a reference (`ISO27001:A.5.15`)
 * when run from a keybinding or another extension; `kind` skips the quick pick.
 */
async function createDocumentForControl(server: IsmsServer, target: CoverageNode | string | undefined, kind?: TemplateKind): Promise<vscode.TextDocument | undefined> {
  const ref = typeof target === 'string' ? target : target?.kind === 'control' ? controlRef(target.c) : undefined;
  if (!ref) {
    void vscode.window.showInformationMessage('ISMS Author: choose a control in the ISMS Coverage view to create a document for.');
    return undefined;
  }
  let templateKind = kind && PROCESS_DOCUMENT_KINDS.some((k) => k.templateKind === kind) ? kind : undefined;
  if (!templateKind) {
    const picked = await vscode.window.showQuickPick(PROCESS_DOCUMENT_KINDS, {
      title: `New ISMS process document for ${ref}`,
      placeHolder: 'Kind of document',
    });
    if (!picked) return undefined;
    templateKind = picked.templateKind;
  }
  return newDocument(server, templateKind, [ref]);
}

/** Arguments of the export commands, for keybindings and tests: what the pick list and the save dialog would ask. */
interface ExportOptions {
  /** For the SOC 2 matrix: the Type II period `START..END` (default: audit_period of .isms.yaml, else asked). */
  period?: string;
  format?: DeliverableFormat;
  /** The file to write (a Uri, or a path); the save dialog is not shown. */
  uri?: vscode.Uri | string;
}

const EXPORT_FORMATS: (vscode.QuickPickItem & { format: DeliverableFormat; filter: string })[] = [
  { format: 'csv', label: 'CSV', description: 'for a spreadsheet (UTF-8 with a byte order mark)', filter: 'CSV (spreadsheet)' },
  { format: 'md', label: 'Markdown', description: 'tables to read or to commit next to the documents', filter: 'Markdown' },
  { format: 'json', label: 'JSON', description: 'one object per row, for scripts', filter: 'JSON' },
  { format: 'html', label: 'HTML', description: 'one self-contained page (inline CSS and chart, no script) to send or print', filter: 'HTML' },
];

const DELIVERABLE_TITLE: Record<DeliverableKind, string> = {
  soa: 'Statement of Applicability',
  profile: 'CSF profile',
  soc2: 'SOC 2 matrix',
};

/** `ISMS: Export Statement of Applicability…` and `ISMS: Export CSF profile…`: a format, the file, then the server's text written there. */
async function exportDeliverable(server: IsmsServer, kind: DeliverableKind, options: ExportOptions = {}): Promise<vscode.Uri | undefined> {
  const title = `Export ${DELIVERABLE_TITLE[kind]}`;
  let format = EXPORT_FORMATS.find((f) => f.format === options.format);
  if (!format) {
    format = await vscode.window.showQuickPick(EXPORT_FORMATS, { title, placeHolder: 'Format' });
    if (!format) return undefined;
  }
  const fmt = format.format;
  let period = options.period;
  if (kind === 'soc2' && period === undefined) {
    // Empty: the audit_period of .isms.yaml (a Type I matrix without one).
    period = await vscode.window.showInputBox({
      title,
      prompt: 'The Type II period, START..END (empty: audit_period of .isms.yaml; without one, a Type I matrix)',
      placeHolder: '2026-01-01..2026-12-31',
      validateInput: (v) => (v.trim() === '' || /^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? undefined : 'START..END, two dates YYYY-MM-DD'),
    });
    if (period === undefined) return undefined;
    period = period.trim();
  }
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `ISMS: building the ${DELIVERABLE_TITLE[kind]}` }, () =>
    server.running.sendRequest(DeliverableRequest.type, { kind, format: fmt, ...(kind === 'soc2' && period ? { period } : {}) }),
  );
  let target = typeof options.uri === 'string' ? vscode.Uri.file(options.uri) : options.uri;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    target = await vscode.window.showSaveDialog({
      title,
      saveLabel: 'Export',
      defaultUri: folder ? vscode.Uri.joinPath(folder, result.suggestedName) : undefined,
      filters: { [format.filter]: [fmt] },
    });
    if (!target) return undefined;
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(result.text + '\n', 'utf8'));
  for (const p of result.problems ?? []) void vscode.window.showWarningMessage(`ISMS Author: ${p}`);
  const name = path.basename(target.path);
  void vscode.window.showInformationMessage(`ISMS Author: ${DELIVERABLE_TITLE[kind]} written to ${name}.`, 'Open').then((choice) => {
    if (choice) void vscode.commands.executeCommand('vscode.open', target);
  });
  return target;
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

async function newDocument(server: IsmsServer, kind: TemplateKind, controls?: string[]): Promise<vscode.TextDocument> {
  const template = await server.running.sendRequest(TemplateRequest.type, { kind, today: localDate(), ...(controls ? { controls } : {}) });
  const document = await vscode.workspace.openTextDocument({ language: template.languageId, content: template.text });
  await vscode.window.showTextDocument(document);
  return document;
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

/**
 * "Add a GitHub workflow" (walkthrough): `.github/workflows/isms.yml` in the first workspace folder, from
 * snippets/ci/github-workflow.yml (the file docs/ci.md shows and test/action.test.ts checks); an existing file is
 * opened, never overwritten.
 */
async function createCiWorkflow(extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage('ISMS Author: open a folder to add a GitHub workflow to.');
    return undefined;
  }
  const target = vscode.Uri.joinPath(folder.uri, '.github', 'workflows', 'isms.yml');
  let exists = true;
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    exists = false;
  }
  if (!exists) {
    const template = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'snippets', 'ci', 'github-workflow.yml'));
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, '.github', 'workflows'));
    await vscode.workspace.fs.writeFile(target, template);
  } else void vscode.window.showInformationMessage('ISMS Author: .github/workflows/isms.yml exists; opened, not overwritten.');
  await vscode.window.showTextDocument(target);
  return target;
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

/** Runs a command, turning failures into one readable notification; resolves to what the command returns. */
async function guarded<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
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
      return undefined;
    }
    if (err instanceof ResponseError && err.code === ErrorCodes.MethodNotFound) {
      void vscode.window.showErrorMessage(`ISMS Author: the language server does not support this command (${err.message}).`);
      return undefined;
    }
    void vscode.window.showErrorMessage(`ISMS Author: ${errorMessage(err)}`);
    return undefined;
  }
}
