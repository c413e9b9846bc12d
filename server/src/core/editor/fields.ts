/**
 * What each front matter key means, what it proves to an auditor and which values it takes: the data
 * behind key completion, value completion and key hover in process documents. (Inventory keys come
 * from lang/inventory-schema.ts through `inventoryFields`.)
 */
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, DEFAULT_REQUIRED_SECTIONS } from '../lang/document-schema';

export type FieldKind = 'string' | 'strings' | 'date' | 'cadence' | 'enum' | 'owner' | 'controls' | 'boolean' | 'version' | 'list' | 'map' | 'history';

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  values?: readonly string[];
  /** What the field holds. */
  description: string;
  /** Why it matters: what it proves to an auditor. */
  evidence?: string;
  /** Controls that ask for it (canonical references). */
  controls?: readonly string[];
  /** Inserted as the value by key completion (snippet placeholder text). */
  placeholder?: string;
}

export const CADENCE_VALUES = ['daily', 'weekly', 'monthly', 'quarterly', 'semiannual', 'annual', 'P30D', 'P90D', 'P6M', 'P1Y'] as const;

export const FRONT_MATTER_FIELDS: readonly FieldSpec[] = [
  { key: 'title', kind: 'string', description: 'The document title as it appears in the document register.', evidence: 'Documented information must be identified (ISO 27001 7.5.2): a title and an ID let an auditor find it in the register.', controls: ['ISO27001:7.5.2'] },
  { key: 'type', kind: 'enum', values: DOCUMENT_TYPES, description: 'The kind of document: policy, standard, procedure, runbook, plan or record. It decides the sections and fields that are required.', evidence: 'Policies state intent and are approved by management (ISO 27001 5.2, A.5.1); procedures and runbooks show how a control operates and what records it leaves.', controls: ['ISO27001:5.2', 'ISO27001:A.5.1'] },
  { key: 'owner', kind: 'owner', description: 'The one person or team accountable for the document and the controls it describes.', evidence: 'An auditor asks who is accountable for each policy and control (ISO 27001 5.3, A.5.2; CSF GV.RR-02). One named owner, not a list.', controls: ['ISO27001:5.3', 'ISO27001:A.5.2', 'CSF:GV.RR-02'], placeholder: 'team@example.com' },
  { key: 'owner_contact', kind: 'string', description: 'How to reach the owner (e-mail, on-call alias).' },
  { key: 'owner_slack', kind: 'string', description: "The owner's chat channel or handle." },
  { key: 'approver', kind: 'owner', description: 'Who approved the document for use (for policies: top management or its delegate).', evidence: 'Policies must be approved by management (ISO 27001 5.2, 7.5.2 review and approval; A.5.1).', controls: ['ISO27001:5.2', 'ISO27001:7.5.2', 'ISO27001:A.5.1'], placeholder: 'ciso@example.com' },
  { key: 'review_cadence', kind: 'cadence', values: CADENCE_VALUES, description: 'How often the document is reviewed: a word (quarterly, annual ...) or an ISO 8601 duration (P90D, P1Y).', evidence: 'Policies are reviewed at planned intervals (ISO 27001 A.5.1, 9.3; CSF GV.PO-02); the cadence is what an overdue review is judged against.', controls: ['ISO27001:A.5.1', 'CSF:GV.PO-02'], placeholder: 'annual' },
  { key: 'last_reviewed', kind: 'date', description: 'The date of the last review (YYYY-MM-DD).', evidence: 'The record that the planned review happened; with the cadence it shows whether the document is current.', controls: ['ISO27001:A.5.1', 'ISO27001:7.5.3', 'CSF:GV.PO-02'] },
  { key: 'reviews', kind: 'history', description: 'The review history: a list of mappings {date, by, outcome} (or of dates). The latest is the last review when last_reviewed is absent (the later of the two otherwise).', evidence: 'Each review on record, not only the last: a SOC 2 Type II period asks for a review in every cadence window of the period (docs/coverage.md).', controls: ['ISO27001:A.5.1', 'ISO27001:7.5.3', 'CSF:GV.PO-02'] },
  { key: 'next_review', kind: 'date', description: 'The date the next review is due (YYYY-MM-DD).' },
  { key: 'effective_date', kind: 'date', description: 'The date the document takes effect (YYYY-MM-DD).' },
  { key: 'status', kind: 'enum', values: DOCUMENT_STATUSES, description: 'draft, approved or retired.', evidence: 'Only approved documents count as operating controls; retired ones must stay available as records (ISO 27001 7.5.3).', controls: ['ISO27001:7.5.3'] },
  { key: 'version', kind: 'version', description: 'The document version (1.3).', evidence: 'Change control of documented information (ISO 27001 7.5.3): the version ties an approval to a text.', controls: ['ISO27001:7.5.3'], placeholder: '1.0' },
  { key: 'scope', kind: 'string', description: 'What the document applies to: systems, teams, environments.', evidence: 'An auditor checks that the scope matches the ISMS scope (ISO 27001 4.3) and, for SOC 2, the system description.', controls: ['ISO27001:4.3'] },
  { key: 'controls', kind: 'controls', description: 'The controls this document implements or evidences, as references (CSF:PR.AA-01, ISO27001:A.5.16, SOC2:CC6.1, NHI7).', evidence: 'Links the document to the Statement of Applicability (ISO 27001 6.1.3) and to each framework; the coverage report is built from these lists.', controls: ['ISO27001:6.1.3'] },
  { key: 'id', kind: 'string', description: 'The document ID in the register (POL-007).', controls: ['ISO27001:7.5.2'] },
  { key: 'classification', kind: 'string', values: ['public', 'internal', 'confidential', 'restricted'], description: 'The information classification of the document.', controls: ['ISO27001:A.5.12'] },
  { key: 'description', kind: 'string', description: 'One sentence on what the document is for.' },
  { key: 'tags', kind: 'strings', description: 'Free tags.' },
  { key: 'evidence', kind: 'list', description: 'Where the evidence of this document operating is: a path (relative to the document, optional #anchor), a URL, or {path | url, date, description}; one or a list.', evidence: 'The record an auditor samples to see the control operate; a dated entry older than the review cadence is stale, a path that does not exist is unresolved (docs/coverage.md).', controls: ['ISO27001:7.5.3', 'ISO27001:9.1'] },
  { key: 'isms-disable', kind: 'map', description: 'Findings accepted on purpose for the whole document: rule ID -> reason, or {reason, until: YYYY-MM-DD}. See docs/suppressions.md.', evidence: 'Each entry is an exception an auditor samples (`isms exceptions`): a reason they can read, and an expiry after which the finding is reported again (ISO 27001 6.1.3 risk treatment).', controls: ['ISO27001:6.1.3'] },
];

/** One paragraph per document type for the hover on `type:`. */
export const DOCUMENT_TYPE_DOCS: Record<string, string> = {
  policy: 'A **policy** states management intent and rules. Auditors expect it approved by management, communicated and reviewed at planned intervals (ISO 27001 5.2, A.5.1).',
  standard: 'A **standard** sets specific, measurable requirements that implement a policy (key lengths, rotation periods, baselines).',
  procedure: 'A **procedure** describes how a control is operated, by whom, and which records it produces: the operating evidence an auditor samples.',
  runbook: 'A **runbook** gives the concrete steps for an operational task (rotate a key, offboard an identity) and the evidence each run leaves.',
  plan: 'A **plan** (incident response, continuity, risk treatment) sets out planned actions, responsibilities and how they are tested.',
  record: 'A **record** is evidence that something happened (a review, an exception, a test). Records are retained and protected, not reviewed for content (ISO 27001 7.5.3).',
};

export function requiredSectionsDoc(type: string, configured?: Record<string, string[]>): string[] {
  return configured?.[type] ?? DEFAULT_REQUIRED_SECTIONS[type] ?? [];
}
