import * as vscode from 'vscode';

/**
 * Tasks of type `isms`: `isms check` of a workspace folder through the CLI bundled with the extension, its output
 * read by the problem matcher `$isms` (package.json contributes.problemMatchers) into the Problems view. One task per
 * folder is provided ("ISMS: check <folder>"); tasks.json may define more (`paths`, `args`).
 */
export interface IsmsTaskDefinition extends vscode.TaskDefinition {
  type: 'isms';
  command: 'check';
  paths?: string[];
  args?: string[];
}

export function registerTasks(context: vscode.ExtensionContext): void {
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const make = (definition: IsmsTaskDefinition, folder: vscode.WorkspaceFolder, name = `check ${folder.name}`): vscode.Task => {
    // process.execPath is VS Code's Electron (run as plain Node) or, in code-server, Node itself.
    const execution = new vscode.ProcessExecution(process.execPath, [cli, definition.command, ...(definition.paths?.length ? definition.paths : ['.']), ...(definition.args ?? [])], {
      cwd: folder.uri.fsPath,
      env: { ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
    });
    const task = new vscode.Task(definition, folder, name, 'isms', execution, ['$isms']);
    task.group = vscode.TaskGroup.Test;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
    return task;
  };
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider('isms', {
      provideTasks: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => make({ type: 'isms', command: 'check' }, f)),
      resolveTask: (task) => {
        const folder = task.scope && typeof task.scope === 'object' ? (task.scope as vscode.WorkspaceFolder) : vscode.workspace.workspaceFolders?.[0];
        const def = task.definition as IsmsTaskDefinition;
        if (!folder || def.command !== 'check') return undefined;
        return make(def, folder, task.name);
      },
    }),
  );
}
