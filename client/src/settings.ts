/**
 * The `isms.*` settings the user actually set. VS Code's getConfiguration() fills in package.json
 * defaults, which would override the repository's `.isms.yaml` in the server (settings are applied on
 * top of it); so only explicitly set values are sent.
 */
import * as vscode from 'vscode';

export const SETTING_KEYS = [
  'frameworks',
  'rules',
  'inventoryGlobs',
  'documentGlobs',
  'ignoreGlobs',
  'nhi.staleAfterDays',
  'nhi.maxRotationDays',
  'documents.requiredSections',
  'documents.keyAliases',
  'diagnostics.maxPerFile',
] as const;

export function explicitSettings(scope?: vscode.Uri): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('isms', scope);
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const i = cfg.inspect(key);
    const v = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    if (v === undefined) continue;
    const [head, tail] = key.split('.');
    if (tail === undefined) out[head] = v;
    else out[head] = { ...((out[head] as Record<string, unknown>) ?? {}), [tail]: v };
  }
  return out;
}
