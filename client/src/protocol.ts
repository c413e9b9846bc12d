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
