/**
 * The front matter of an ISMS process document: its keys and value shapes, their common spellings, the
 * document types and statuses, and the sections each type requires. Read by the rules, the completion
 * and hover tables (editor/fields.ts) and the JSON Schema test.
 */
import type { Config } from '../config';
import { normaliseHeading } from './words';

export const DOCUMENT_TYPES = ['policy', 'standard', 'procedure', 'runbook', 'plan', 'record'] as const;
export const DOCUMENT_STATUSES = ['draft', 'approved', 'retired'] as const;

/** Canonical front matter keys and the value shape each takes. */
export const FRONT_MATTER_KEYS: Record<string, 'string' | 'strings' | 'date' | 'version' | 'controls' | 'type' | 'status'> = {
  title: 'string',
  type: 'type',
  owner: 'strings',
  owner_contact: 'string',
  owner_slack: 'string',
  approver: 'strings',
  review_cadence: 'string',
  last_reviewed: 'date',
  next_review: 'date',
  effective_date: 'date',
  status: 'status',
  version: 'version',
  scope: 'string',
  controls: 'controls',
  id: 'string',
  classification: 'string',
  description: 'string',
  tags: 'strings',
};

/** Common spellings of the canonical keys. */
export const DEFAULT_KEY_ALIASES: Record<string, string> = {
  review_frequency: 'review_cadence',
  review_interval: 'review_cadence',
  review_cycle: 'review_cadence',
  review_in: 'review_cadence',
  last_reviewed_on: 'last_reviewed',
  reviewed: 'last_reviewed',
  last_review: 'last_reviewed',
  reviewed_on: 'last_reviewed',
  owners: 'owner',
  approved_by: 'approver',
  approvers: 'approver',
  document_type: 'type',
  doc_type: 'type',
};

/** Default required sections per document type, in the order a fix appends them. */
export const DEFAULT_REQUIRED_SECTIONS: Record<string, string[]> = {
  policy: ['Purpose', 'Scope', 'Roles and responsibilities', 'Policy statements', 'Review'],
  standard: ['Purpose', 'Scope', 'Requirements', 'Review'],
  procedure: ['Purpose', 'Scope', 'Roles and responsibilities', 'Procedure', 'Evidence'],
  runbook: ['Purpose', 'Steps', 'Evidence'],
};

/** Headings accepted for a required section (normalised: lower case, no numbering or punctuation). */
const SECTION_SYNONYMS: Record<string, string[]> = {
  purpose: ['purpose', 'objective', 'objectives', 'aim', 'introduction', 'overview'],
  scope: ['scope', 'applicability', 'scope and applicability'],
  'roles and responsibilities': ['roles and responsibilities', 'responsibilities', 'roles', 'ownership', 'raci'],
  'policy statements': ['policy statements', 'policy', 'policy statement', 'statements', 'policies', 'rules'],
  requirements: ['requirements', 'requirement', 'standard', 'controls'],
  procedure: ['procedure', 'procedures', 'process', 'steps'],
  steps: ['steps', 'procedure', 'instructions'],
  evidence: ['evidence', 'records', 'record keeping', 'recordkeeping', 'evidence and records', 'records and evidence', 'audit trail'],
  review: ['review', 'document review', 'review and maintenance', 'maintenance', 'review cycle', 'document control'],
};

export function sectionPresent(section: string, headings: ReadonlySet<string>): boolean {
  const key = normaliseHeading(section);
  const names = SECTION_SYNONYMS[key] ?? [key];
  return names.some((n) => headings.has(n));
}

export function aliasesOf(config: Config): Record<string, string> {
  const out: Record<string, string> = { ...DEFAULT_KEY_ALIASES };
  for (const [a, c] of Object.entries(config.documents.keyAliases)) out[a.toLowerCase()] = c;
  return out;
}

export function canonicalKey(key: string, aliases: Record<string, string>): string | undefined {
  const k = key.toLowerCase();
  if (k in FRONT_MATTER_KEYS) return k;
  return aliases[k];
}
