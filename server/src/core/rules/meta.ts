/**
 * What every rule declares about itself: stable kebab-case ID (the diagnostic `code`), default severity,
 * what it applies to, and the OWASP NHI risk / controls it evidences. docs/rules/<id>.md documents each,
 * and docs/rules/README.md's table is generated from these (scripts/rules-doc.mjs).
 */
import type { Severity } from '../types';

/** `infrastructure`: Kubernetes manifests, workflows, Terraform (docs/discovery.md). */
export type RuleScope = 'inventory' | 'document' | 'both' | 'infrastructure';

export interface RuleMeta {
  id: string;
  description: string;
  defaultSeverity: Severity;
  scope: RuleScope;
  /** Has at least one quick fix. */
  fixable: boolean;
  /** OWASP NHI Top 10 risks the rule guards against (NHI1 ... NHI10). */
  owasp?: string[];
  /** Controls whose evidence the rule checks, as canonical references (CSF:PR.AA-01). */
  controls?: string[];
}

/** A rule's metadata (typed; the registry lists the units that report it). */
export function defineRule(meta: RuleMeta): RuleMeta {
  return meta;
}

export const DOCS_BASE = 'https://github.com/isms-author/isms-author/blob/main/docs/rules/';

export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE}${id}.md`;
}
