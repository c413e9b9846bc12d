/**
 * "ISMS: Show coverage report": the server's HTML coverage report (the page `isms coverage --format html` writes) in a
 * webview, locked down: no script, a Content-Security-Policy that allows inline styles and data: images only, no
 * local resource. It follows the ISMS Coverage view: each refresh of the view (saves, isms/coverageChanged, the
 * refresh button) redraws it.
 */
import * as vscode from 'vscode';
import type { CoverageView } from './coverageView';
import type { CoverageResult } from './protocol';

export const REPORT_VIEW_TYPE = 'isms.coverageReport';

/** The page's own CSP meta, replaced by the webview's (the same policy, plus the webview's own source). */
const CSP_META = /<meta\s+http-equiv=["']Content-Security-Policy["'][^>]*>/i;

export function webviewCsp(cspSource: string): string {
  return `default-src 'none'; style-src 'unsafe-inline' ${cspSource}; img-src data: ${cspSource}`;
}

/** The HTML page with the webview's Content-Security-Policy in place of its own (or added when it has none). */
export function lockedDown(html: string, cspSource: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${webviewCsp(cspSource)}">`;
  if (CSP_META.test(html)) return html.replace(CSP_META, meta);
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (h) => `${h}\n${meta}`) : `${meta}\n${html}`;
}

function message(title: string, text: string, cspSource: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return lockedDown(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><p>${esc(text)}</p></body></html>`, cspSource);
}

/** The one coverage report panel. */
export class CoverageReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly coverage: CoverageView) {
    this.subscription = coverage.onDidChangeReport((r) => this.render(r));
  }

  /** Opens (or reveals) the panel and asks for a fresh report with its HTML. */
  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
    } else {
      this.panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'ISMS Coverage Report', vscode.ViewColumn.Active, {
        enableScripts: false,
        enableCommandUris: false,
        localResourceRoots: [],
      });
      this.panel.webview.html = message('ISMS Coverage Report', 'Computing the coverage of the workspace…', this.panel.webview.cspSource);
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.coverage.wantHtml = false;
      });
    }
    this.coverage.wantHtml = true;
    await this.coverage.refresh();
  }

  private render(result: CoverageResult | undefined): void {
    const panel = this.panel;
    if (!panel) return;
    const csp = panel.webview.cspSource;
    if (result?.html) panel.webview.html = lockedDown(result.html, csp);
    else if (result && this.coverage.currentHasHtmlAnswer) panel.webview.html = message('ISMS Coverage Report', 'The language server did not return an HTML report (ISMS: Show coverage report as Markdown shows the same data).', csp);
    else if (!result && this.coverage.lastError) panel.webview.html = message('ISMS Coverage Report', `Coverage could not be computed: ${this.coverage.lastError}`, csp);
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
