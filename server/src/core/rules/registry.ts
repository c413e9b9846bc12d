/**
 * Every rule the engine can report: stable kebab-case ID (the diagnostic `code`), default severity,
 * what it applies to, and the OWASP NHI risk / controls it evidences. docs/rules/<id>.md documents each;
 * test/rules-meta.test.ts keeps this table, the docs and the tests in step.
 */
import type { Severity } from '../types';

export type RuleScope = 'inventory' | 'document' | 'both';

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

const rules: RuleMeta[] = [];
const byId = new Map<string, RuleMeta>();

export function defineRule(meta: RuleMeta): RuleMeta {
  if (byId.has(meta.id)) throw new Error(`rule ${meta.id} defined twice`);
  rules.push(meta);
  byId.set(meta.id, meta);
  return meta;
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}

export function allRules(): readonly RuleMeta[] {
  return rules;
}

export const DOCS_BASE = 'https://github.com/isms-author/isms-author/blob/main/docs/rules/';

export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE}${id}.md`;
}
