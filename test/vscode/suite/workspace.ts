import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const INVENTORY = 'inventories/payments.nhi.yaml';
export const RUNBOOK = 'runbooks/rotate-api-keys.md';
/** A runbook without front matter, matched by `documentGlobs`. */
export const BARE_RUNBOOK = 'runbooks/restore-ledger-backup.md';

/** The same workspace the code-server suite (test/e2e/run.mjs) uses: a copy of examples/ and a bare runbook. */
export function prepareWorkspace(root: string, workspace: string): void {
  fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
  fs.appendFileSync(path.join(workspace, '.isms.yaml'), '\n# Added by the tests:\ndocumentGlobs: ["runbooks/*.md"]\n');
  // Only in .isms.yaml: the editor must apply the repository's globs (unset settings do not override them).
  fs.writeFileSync(
    path.join(workspace, BARE_RUNBOOK),
    '# Restore the ledger database from backup\n\n## Purpose\n\nRestores the ledger database from the nightly backup.\n',
  );
}

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface CliFinding {
  ruleId: string;
  severity: string;
  message: string;
  range: Range;
  fixes?: { title: string; edits: { range: Range; newText: string }[]; isPreferred?: boolean }[];
  data?: Record<string, unknown>;
}

/** What our CLI finds in one file of the workspace (`isms check . --format json`). */
export function cliFindings(root: string, workspace: string, rel: string, today: string): CliFinding[] {
  // In the extension host process.execPath is VS Code's Electron: run it as plain Node.
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'isms.js'), 'check', '.', '--format', 'json', '--today', today], {
    cwd: workspace,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    maxBuffer: 64 << 20,
  });
  if (r.status === 2 || r.error) throw new Error(`isms check failed: ${r.error ?? r.stderr}`);
  const json = JSON.parse(r.stdout) as { files: { path: string; findings: CliFinding[] }[] };
  return json.files.find((f) => f.path === rel)?.findings ?? [];
}

/** Applies LSP text edits to a text. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: Position) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}
