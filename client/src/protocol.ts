import { NotificationType, RequestType } from 'vscode-languageclient/node';

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
  /** Canonical prefixed references (`ISO27001:A.5.15`) for the front matter `controls` list of a process document. */
  controls?: string[];
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
  /** `md` also returns the report as Markdown, `html` as one self-contained HTML page (when the server has it). */
  format?: 'json' | 'md' | 'html';
  /** false: the states only (each control with `evidenceCount` and `mentionCount`, no lists): cheap at any size. */
  evidence?: boolean;
  /** Only these controls (`framework:id`), whole; the summaries stay the whole frameworks'. */
  controls?: string[];
}

/** A control's state (docs/coverage.md#states). */
export type CoverageState = 'evidenced' | 'stale' | 'mentioned' | 'gap' | 'excluded';

export interface EvidenceItem {
  kind: 'document' | 'identity';
  /** Path relative to the workspace folder (or a URI for a file outside it). */
  uri: string;
  /** 0-based line of the front matter `controls` or of the identity. */
  line: number;
  name: string;
  type?: string;
  owners: string[];
  lastReviewed?: string;
  problems: string[];
  fresh: boolean;
  via: 'listed' | 'crosswalk';
  /** For crosswalk evidence: the control it lists, `framework:id`. */
  from?: string;
}

export interface Mention {
  uri: string;
  line: number;
  name: string;
}

export interface ControlCoverage {
  framework: string;
  id: string;
  title: string;
  group: string;
  state: CoverageState;
  crosswalkOnly: boolean;
  /** Absent when asked with `evidence: false` (then `evidenceCount` and `mentionCount` say how many). */
  evidence?: EvidenceItem[];
  mentions?: Mention[];
  evidenceCount?: number;
  mentionCount?: number;
  exclusion?: string;
}

export interface CoverageSummary {
  total: number;
  evidenced: number;
  stale: number;
  mentioned: number;
  gap: number;
  excluded: number;
  crosswalk: number;
  ratio: number;
  ratioWithCrosswalk: number;
}

export interface FrameworkCoverage {
  framework: string;
  name: string;
  summary: CoverageSummary;
  groups: { id: string; title: string; summary: CoverageSummary }[];
  controls: ControlCoverage[];
}

export interface CoverageReport {
  frameworks: FrameworkCoverage[];
  problems: string[];
}

export interface CoverageResult {
  /** The day evidence was judged against, YYYY-MM-DD. */
  today: string;
  /** The evidence model (docs/coverage.md): per framework a summary, groups and every control with its state and evidence. */
  report: CoverageReport;
  markdown?: string;
  html?: string;
}

export namespace CoverageRequest {
  export const method = 'isms/coverage';
  export const type = new RequestType<CoverageParams, CoverageResult, void>(method);
}

/** Sent by the server when the coverage of the workspace may have changed (no parameters); harmless if never sent. */
export namespace CoverageChangedNotification {
  export const method = 'isms/coverageChanged';
  export const type = new NotificationType<unknown>(method);
}

export type DeliverableKind = 'soa' | 'profile' | 'soc2';
export type DeliverableFormat = 'md' | 'csv' | 'json' | 'html';

export interface DeliverableParams {
  kind: DeliverableKind;
  format: DeliverableFormat;
  /** For `soc2`: the Type II period `START..END` (default: audit_period of .isms.yaml). */
  period?: string;
}

export interface DeliverableResult {
  /** The file's text, as `isms soa` / `isms profile` write it (CSV with a byte order mark). */
  text: string;
  /** A file name for it, e.g. `statement-of-applicability.csv`. */
  suggestedName: string;
  /** Configuration that could not be applied (an exclusion of a control that does not exist). */
  problems?: string[];
}

export namespace DeliverableRequest {
  export const method = 'isms/deliverable';
  export const type = new RequestType<DeliverableParams, DeliverableResult, void>(method);
}
