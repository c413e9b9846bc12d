import { RequestType } from 'vscode-languageclient/node';

/**
 * The custom requests the extension sends to the ISMS language server, besides standard LSP.
 * The server (server/src/lsp) implements the same method names and shapes.
 */

export interface CatalogSearchParams {
  /** Free text; '' lists every control of the enabled frameworks (`isms.frameworks`). */
  query: string;
}

export interface CatalogItem {
  /** Canonical, prefixed reference as written in documents, e.g. `CSF:PR.AA-01`. */
  ref: string;
  /** Framework id, e.g. `csf`. */
  framework: string;
  /** Human-readable framework name, e.g. `NIST Cybersecurity Framework (CSF) 2.0`. */
  frameworkName: string;
  /** Control id without prefix, e.g. `PR.AA-01`. */
  id: string;
  title: string;
  detail?: string;
}

export interface CatalogSearchResult {
  items: CatalogItem[];
}

export namespace CatalogSearchRequest {
  export const method = 'isms/catalogSearch';
  export const type = new RequestType<CatalogSearchParams, CatalogSearchResult, void>(method);
}

export type TemplateKind = 'policy' | 'standard' | 'procedure' | 'runbook' | 'inventory';

export interface TemplateParams {
  kind: TemplateKind;
  /** The user's local date, YYYY-MM-DD, for `last_reviewed` and similar fields. */
  today: string;
}

export interface TemplateResult {
  text: string;
  /** VS Code language id of the new document: `markdown` or `yaml`. */
  languageId: string;
}

export namespace TemplateRequest {
  export const method = 'isms/template';
  export const type = new RequestType<TemplateParams, TemplateResult, void>(method);
}

export interface CoverageParams {
  /** Framework ids to report (default: the enabled ones). */
  frameworks?: string[];
  /** `md` also returns the report as Markdown. */
  format?: 'json' | 'md';
}

export interface CoverageResult {
  /** The day evidence was judged against, YYYY-MM-DD. */
  today: string;
  /** The evidence model (docs/coverage.md): per framework a summary, groups and every control with its state and evidence. */
  report: { frameworks: { framework: string; name: string; summary: { ratio: number; total: number; excluded: number } }[]; problems: string[] };
  markdown?: string;
}

export namespace CoverageRequest {
  export const method = 'isms/coverage';
  export const type = new RequestType<CoverageParams, CoverageResult, void>(method);
}
