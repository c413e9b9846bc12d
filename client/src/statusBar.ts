import * as vscode from 'vscode';

/** The `source` the ISMS language server puts on every diagnostic it publishes. */
export const DIAGNOSTIC_SOURCE = 'isms';

const DEBOUNCE_MS = 200;

/**
 * A status bar item counting the ISMS errors and warnings in the workspace
 * (`$(shield) ISMS $(error) 2 $(warning) 5`); clicking it opens the Problems view.
 */
export class FindingsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('isms.findings', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'ISMS findings';
    this.item.tooltip = 'ISMS findings in the workspace — click to open the Problems view';
    this.item.command = 'workbench.actions.view.problems';
    this.subscription = vscode.languages.onDidChangeDiagnostics(() => this.schedule());
    this.update();
    this.item.show();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, DEBOUNCE_MS);
  }

  private update(): void {
    let errors = 0;
    let warnings = 0;
    for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
      for (const d of diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE) continue;
        if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
        else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
      }
    }
    this.item.text = `$(shield) ISMS $(error) ${errors} $(warning) ${warnings}`;
    this.item.accessibilityInformation = {
      label: `ISMS: ${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`,
    };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscription.dispose();
    this.item.dispose();
  }
}
