/**
 * The "ISMS Coverage" view (docs/client.md#the-isms-coverage-view): framework -> group -> control -> its evidence
 * and mentions, from the server's `isms/coverage`; and the headline ratio of the main framework in the view's
 * description and a status bar item. Lazy: nothing is asked until the view is first shown.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CoverageChangedNotification,
  CoverageRequest,
  type ControlCoverage,
  type CoverageResult,
  type CoverageState,
  type CoverageSummary,
  type EvidenceItem,
  type FrameworkCoverage,
  type Mention,
} from './protocol';
import { errorMessage, type IsmsServer } from './server';

export const VIEW_ID = 'isms.coverage';
const REFRESH_DEBOUNCE_MS = 600;

/** The reference prefix of each framework, as documents write it (`ISO27001:A.5.15`). */
export const FRAMEWORK_PREFIX: Record<string, string> = {
  csf: 'CSF',
  iso27001: 'ISO27001',
  iso27002: 'ISO27002',
  soc2: 'SOC2',
  nhi: 'NHI',
  'sp800-53': 'SP800-53',
};

/** Short framework names for the view's description and the status bar. */
const SHORT_NAME: Record<string, string> = {
  csf: 'CSF 2.0',
  iso27001: 'ISO 27001',
  iso27002: 'ISO 27002',
  soc2: 'SOC 2',
  nhi: 'OWASP NHI',
  'sp800-53': 'SP 800-53',
};

/** The state shown for a control: its state, with crosswalk-only evidence told apart. */
type ShownState = CoverageState | 'crosswalk';

const STATE_ICON: Record<ShownState, [string, string]> = {
  evidenced: ['pass-filled', 'testing.iconPassed'],
  crosswalk: ['pass', 'charts.blue'],
  stale: ['warning', 'list.warningForeground'],
  mentioned: ['comment', 'charts.yellow'],
  gap: ['circle-large-outline', 'list.errorForeground'],
  excluded: ['circle-slash', 'disabledForeground'],
};

const STATE_TEXT: Record<ShownState, string> = {
  evidenced: 'evidenced',
  crosswalk: 'evidenced via crosswalk',
  stale: 'stale',
  mentioned: 'mentioned',
  gap: 'gap',
  excluded: 'excluded',
};

const STATE_MEANING: Record<ShownState, string> = {
  evidenced: 'at least one fresh document or identity lists it',
  crosswalk: 'fresh evidence reaches it only through NIST’s crosswalk',
  stale: 'it has evidence, but none of it is fresh',
  mentioned: 'a document’s body cites it, but nothing lists it',
  gap: 'no document or identity lists or cites it',
  excluded: 'excluded from the Statement of Applicability in .isms.yaml',
};

function shownState(c: ControlCoverage): ShownState {
  return c.state === 'evidenced' && c.crosswalkOnly ? 'crosswalk' : c.state;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** `12/93 evidenced · 12.9%`: directly evidenced over applicable controls, and the ratio. */
export function ratioText(s: CoverageSummary): string {
  return `${s.evidenced - s.crosswalk}/${s.total - s.excluded} · ${pct(s.ratio)}`;
}

function countsText(s: CoverageSummary): string {
  return [
    `${s.evidenced - s.crosswalk} evidenced`,
    `${s.crosswalk} via crosswalk`,
    `${s.stale} stale`,
    `${s.mentioned} mentioned`,
    `${s.gap} gaps`,
    ...(s.excluded ? [`${s.excluded} excluded`] : []),
  ].join(', ');
}

export type CoverageNode =
  | { kind: 'framework'; f: FrameworkCoverage }
  | { kind: 'group'; f: FrameworkCoverage; id: string; title: string; summary: CoverageSummary }
  | { kind: 'control'; f: FrameworkCoverage; c: ControlCoverage }
  | { kind: 'evidence'; c: ControlCoverage; e: EvidenceItem; i: number }
  | { kind: 'mention'; c: ControlCoverage; m: Mention; i: number }
  | { kind: 'problem'; text: string };

/** A workspace file of the report (path relative to the workspace folder, or a URI). */
export function fileUri(ref: string): vscode.Uri | undefined {
  if (/^[a-z][a-z0-9+.-]+:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) return vscode.Uri.parse(ref);
  if (path.isAbsolute(ref)) return vscode.Uri.file(ref);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, ref) : undefined;
}

function openCommand(ref: string, line: number): vscode.Command | undefined {
  const uri = fileUri(ref);
  if (!uri) return undefined;
  const at = new vscode.Range(line, 0, line, 0);
  return { command: 'vscode.open', title: 'Open', arguments: [uri, { selection: at, preview: true } satisfies vscode.TextDocumentShowOptions] };
}

/** The tree of the report, and its refresh: on demand, after saves (debounced), on `isms/coverageChanged`. */
export class CoverageView implements vscode.TreeDataProvider<CoverageNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CoverageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly reportEmitter = new vscode.EventEmitter<CoverageResult | undefined>();
  /** Fires with each new report (the webview and the status bar follow it). */
  readonly onDidChangeReport = this.reportEmitter.event;

  private readonly view: vscode.TreeView<CoverageNode>;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private result: CoverageResult | undefined;
  private error: string | undefined;
  /** Ask for the HTML report too (while the coverage report panel is open). */
  wantHtml = false;
  /** The last report was asked with its HTML. */
  private withHtml = false;
  /** Asked at least once (the view was shown): from then on, saves and notifications refresh it. */
  private started = false;
  private loading: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly server: IsmsServer) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.status = vscode.window.createStatusBarItem('isms.coverage', vscode.StatusBarAlignment.Left, 99);
    this.status.name = 'ISMS coverage';
    this.status.command = `${VIEW_ID}.focus`;
    this.status.text = '$(checklist) Coverage';
    this.status.tooltip = 'ISMS coverage — click to show the ISMS Coverage view';
    this.status.show();
    this.disposables.push(
      this.view,
      this.status,
      this.changed,
      this.reportEmitter,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && !this.started) void this.refresh();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (['markdown', 'yaml'].includes(d.languageId) || /\.(md|ya?ml)$/i.test(d.fileName)) this.schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('isms')) this.schedule();
      }),
      vscode.workspace.onDidCreateFiles(() => this.schedule()),
      vscode.workspace.onDidDeleteFiles(() => this.schedule()),
      vscode.workspace.onDidRenameFiles(() => this.schedule()),
      server.onDidStartRunning(() => this.schedule()),
    );
    server.onNotification(CoverageChangedNotification.method, () => this.schedule());
    if (this.view.visible) void this.refresh();
  }

  /** The last report, if any. */
  get current(): CoverageResult | undefined {
    return this.result;
  }

  /** Why the last request failed, if it did. */
  get lastError(): string | undefined {
    return this.error;
  }

  /** The last report was asked with its HTML (`html` is missing only when the server has no HTML report). */
  get currentHasHtmlAnswer(): boolean {
    return this.withHtml;
  }

  /** Refresh soon (a burst of saves or notifications is one request); only once the view has been shown. */
  schedule(): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Also while hidden: the status bar shows the headline.
      void this.refresh();
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Asks the server for the coverage again (the refresh button). Resolves when the view shows the answer. */
  refresh(): Promise<void> {
    this.started = true;
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const withHtml = this.wantHtml;
      // The states only (a few hundred KiB at any workspace size); a control's evidence is asked for when it is
      // expanded. The webview, when open, needs the whole page.
      const result = await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () =>
        this.server.running.sendRequest(CoverageRequest.type, withHtml ? { format: 'html', evidence: false } : { evidence: false }),
      );
      this.result = result;
      this.whole.clear();
      this.withHtml = withHtml;
      this.error = undefined;
    } catch (err) {
      this.error = errorMessage(err);
    }
    this.render();
  }

  /** The framework the headline is about: `isms.coverage.mainFramework`, else the first reported. */
  mainFramework(): FrameworkCoverage | undefined {
    const frameworks = this.result?.report.frameworks ?? [];
    const wanted = vscode.workspace.getConfiguration('isms').get<string>('coverage.mainFramework');
    return frameworks.find((f) => f.framework === wanted) ?? frameworks[0];
  }

  private render(): void {
    const main = this.mainFramework();
    if (this.error) {
      this.view.message = `Coverage could not be computed: ${this.error}`;
    } else if (this.result && !this.result.report.frameworks.length) {
      this.view.message = 'No framework is enabled (isms.frameworks).';
    } else if (main) {
      // The headline inside the view too: a view alone in its container shows no description in its title.
      const s = main.summary;
      this.view.message = `${main.name}: ${pct(s.ratio)} of ${s.total - s.excluded} applicable controls evidenced (${pct(s.ratioWithCrosswalk)} with the crosswalk), as of ${this.result!.today}.`;
    } else {
      this.view.message = undefined;
    }
    if (main) {
      const headline = `${SHORT_NAME[main.framework] ?? main.name} ${pct(main.summary.ratio)}`;
      this.view.description = headline;
      this.status.text = `$(checklist) ${headline}`;
      this.status.tooltip = new vscode.MarkdownString(
        `**${main.name}**: ${pct(main.summary.ratio)} of ${main.summary.total - main.summary.excluded} applicable controls evidenced ` +
          `(${pct(main.summary.ratioWithCrosswalk)} with the crosswalk), as of ${this.result!.today}.\n\n${countsText(main.summary)}.\n\nClick to show the ISMS Coverage view.`,
      );
      this.status.accessibilityInformation = { label: `ISMS coverage: ${main.name} ${pct(main.summary.ratio)} evidenced` };
    } else {
      this.view.description = undefined;
      this.status.text = '$(checklist) Coverage';
    }
    this.changed.fire(undefined);
    this.reportEmitter.fire(this.result);
  }

  /** Whole controls (with their evidence and mentions) asked for since the last refresh, by `framework:id`. */
  private readonly whole = new Map<string, Promise<ControlCoverage>>();

  /** A control with its evidence and mentions: as reported, or asked for alone (`controls`) and kept till the next refresh. */
  wholeControl(c: ControlCoverage): Promise<ControlCoverage> {
    if (c.evidence && c.mentions) return Promise.resolve(c);
    const key = `${c.framework}:${c.id}`;
    let p = this.whole.get(key);
    if (!p) {
      p = this.server.running
        .sendRequest(CoverageRequest.type, { frameworks: [c.framework], controls: [key] })
        .then((r) => r.report.frameworks[0]?.controls.find((x) => x.id === c.id) ?? { ...c, evidence: [], mentions: [] })
        .catch((err) => {
          this.whole.delete(key);
          throw err;
        });
      this.whole.set(key, p);
    }
    return p;
  }

  getChildren(node?: CoverageNode): CoverageNode[] | Promise<CoverageNode[]> {
    const r = this.result;
    if (!r) return [];
    if (!node) {
      return [...r.report.problems.map((text): CoverageNode => ({ kind: 'problem', text })), ...r.report.frameworks.map((f): CoverageNode => ({ kind: 'framework', f }))];
    }
    switch (node.kind) {
      case 'framework':
        // A framework of one group (OWASP NHI) lists its controls at once.
        if (node.f.groups.length === 1) return node.f.controls.map((c) => ({ kind: 'control', f: node.f, c }));
        return node.f.groups.map((g) => ({ kind: 'group', f: node.f, id: g.id, title: g.title, summary: g.summary }));
      case 'group':
        return node.f.controls.filter((c) => c.group === node.id).map((c) => ({ kind: 'control', f: node.f, c }));
      case 'control':
        return this.wholeControl(node.c).then((c) => [
          ...(c.evidence ?? []).map((e, i): CoverageNode => ({ kind: 'evidence', c, e, i })),
          ...(c.mentions ?? []).map((m, i): CoverageNode => ({ kind: 'mention', c, m, i })),
        ]);
      default:
        return [];
    }
  }

  getTreeItem(node: CoverageNode): vscode.TreeItem {
    switch (node.kind) {
      case 'problem': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.tooltip = `.isms.yaml: ${node.text}`;
        return item;
      }
      case 'framework': {
        const s = node.f.summary;
        const item = new vscode.TreeItem(node.f.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `fw:${node.f.framework}`;
        item.description = ratioText(s);
        item.iconPath = new vscode.ThemeIcon('library');
        item.contextValue = 'framework';
        item.tooltip = new vscode.MarkdownString(
          `**${node.f.name}**\n\n${pct(s.ratio)} of ${s.total - s.excluded} applicable controls evidenced (${pct(s.ratioWithCrosswalk)} with the crosswalk).\n\n${countsText(s)}.`,
        );
        item.accessibilityInformation = { label: `${node.f.name}: ${s.evidenced - s.crosswalk} of ${s.total - s.excluded} applicable controls evidenced, ${pct(s.ratio)}` };
        return item;
      }
      case 'group': {
        const s = node.summary;
        const label = groupLabel(node.id, node.title);
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `group:${node.f.framework}:${node.id}`;
        item.description = ratioText(s);
        // Filled when every applicable control is evidenced directly, half-way when some are, empty when none is.
        item.iconPath =
          s.ratio >= 1
            ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'))
            : s.ratio > 0
              ? new vscode.ThemeIcon('circle-large-filled', new vscode.ThemeColor('charts.yellow'))
              : new vscode.ThemeIcon('circle-large-outline');
        item.contextValue = 'group';
        item.tooltip = new vscode.MarkdownString(`**${label}** (${node.f.name})\n\n${pct(s.ratio)} of ${s.total - s.excluded} applicable controls evidenced.\n\n${countsText(s)}.`);
        item.accessibilityInformation = { label: `${label}: ${s.evidenced - s.crosswalk} of ${s.total - s.excluded} applicable controls evidenced, ${pct(s.ratio)}` };
        return item;
      }
      case 'control': {
        const c = node.c;
        const state = shownState(c);
        const evidenceCount = c.evidence?.length ?? c.evidenceCount ?? 0;
        const mentionCount = c.mentions?.length ?? c.mentionCount ?? 0;
        const children = evidenceCount + mentionCount;
        const item = new vscode.TreeItem(`${c.id} ${c.title}`, children ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `control:${c.framework}:${c.id}`;
        item.description = STATE_TEXT[state];
        const [icon, color] = STATE_ICON[state];
        item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
        item.contextValue = `control.${c.state}`;
        const lines = [`**${FRAMEWORK_PREFIX[c.framework] ?? c.framework}:${c.id}** ${c.title}`, '', `**${STATE_TEXT[state]}**: ${STATE_MEANING[state]}.`];
        if (c.exclusion !== undefined) lines.push('', `Justification: ${c.exclusion}`);
        if (evidenceCount) {
          const fresh = c.evidence ? ` (${c.evidence.filter((e) => e.fresh).length} fresh)` : '';
          lines.push('', `${evidenceCount} evidence ${evidenceCount === 1 ? 'item' : 'items'}${fresh}`);
        }
        if (mentionCount) lines.push('', `Cited in ${mentionCount} ${mentionCount === 1 ? 'document' : 'documents'} without being listed.`);
        if (c.state === 'gap' || c.state === 'mentioned') lines.push('', '_Create a document for this control_ from the context menu.');
        item.tooltip = new vscode.MarkdownString(lines.join('\n'));
        item.accessibilityInformation = { label: `${c.id} ${c.title}: ${STATE_TEXT[state]}` };
        return item;
      }
      case 'evidence': {
        const e = node.e;
        const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.None);
        item.id = `ev:${node.c.framework}:${node.c.id}:${node.i}:${e.uri}:${e.line}`;
        const at = `${e.uri}:${e.line + 1}`;
        const parts = [at, ...(e.owners.length ? [e.owners.join(', ')] : []), ...(e.via === 'crosswalk' ? [`via ${crosswalkRef(e.from)}`] : []), ...e.problems];
        item.description = parts.join(' · ');
        const base = e.kind === 'identity' ? 'key' : 'file-text';
        item.iconPath = e.fresh ? new vscode.ThemeIcon(base) : new vscode.ThemeIcon(base, new vscode.ThemeColor('list.warningForeground'));
        item.command = openCommand(e.uri, e.line);
        item.contextValue = 'evidence';
        const tip = [
          `**${e.name}** (${e.kind === 'identity' ? 'identity' : e.type ?? 'document'}) — ${at}`,
          '',
          `Owners: ${e.owners.join(', ') || 'none'}`,
          ...(e.lastReviewed ? ['', `Last review: ${e.lastReviewed}`] : []),
          ...(e.via === 'crosswalk' ? ['', `Lists ${crosswalkRef(e.from)}, which NIST’s crosswalk maps to this control.`] : []),
          '',
          e.fresh ? 'Fresh evidence.' : `Not fresh: ${e.problems.join(', ')}.`,
        ];
        item.tooltip = new vscode.MarkdownString(tip.join('\n'));
        item.accessibilityInformation = { label: `Evidence ${e.name}, ${at}${e.fresh ? '' : `, ${e.problems.join(', ')}`}` };
        return item;
      }
      case 'mention': {
        const m = node.m;
        const at = `${m.uri}:${m.line + 1}`;
        const item = new vscode.TreeItem(`cited in ${m.name}`, vscode.TreeItemCollapsibleState.None);
        item.id = `mention:${node.c.framework}:${node.c.id}:${node.i}:${m.uri}:${m.line}`;
        item.description = at;
        item.iconPath = new vscode.ThemeIcon('mention');
        item.command = openCommand(m.uri, m.line);
        item.contextValue = 'mention';
        item.tooltip = `${m.name} cites ${node.c.id} at ${at} without listing it in its front matter controls.`;
        item.accessibilityInformation = { label: `Mention in ${m.name}, ${at}` };
        return item;
      }
    }
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** `csf:PR.AA-01` -> `CSF:PR.AA-01`. */
function crosswalkRef(from: string | undefined): string {
  if (!from) return 'a crosswalked control';
  const i = from.indexOf(':');
  return i < 0 ? from : `${FRAMEWORK_PREFIX[from.slice(0, i)] ?? from.slice(0, i)}:${from.slice(i + 1)}`;
}

/** The canonical prefixed reference of a control of the report, as a document's `controls` lists it. */
export function controlRef(c: Pick<ControlCoverage, 'framework' | 'id'>): string {
  return `${FRAMEWORK_PREFIX[c.framework] ?? c.framework.toUpperCase()}:${c.id}`;
}

/** `PR PROTECT`, `A.5 Organizational controls`; ISO clauses carry their number in the title (`Clause 4: Context of the organization`). */
export function groupLabel(id: string, title: string): string {
  return !title ? id : title.startsWith('Clause ') ? title : `${id} ${title}`;
}
