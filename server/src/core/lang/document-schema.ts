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
export const FRONT_MATTER_KEYS: Record<string, 'string' | 'strings' | 'date' | 'version' | 'controls' | 'type' | 'status' | 'history' | 'suppressions' | 'evidence'> = {
  title: 'string',
  type: 'type',
  owner: 'strings',
  owner_contact: 'string',
  owner_slack: 'string',
  approver: 'strings',
  review_cadence: 'string',
  last_reviewed: 'date',
  reviews: 'history',
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
  evidence: 'evidence',
  'isms-disable': 'suppressions',
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
  owner_team: 'owner',
  owner_email: 'owner',
  maintainer: 'owner',
  maintainers: 'owner',
  last_reviewed_at: 'last_reviewed',
  last_review_date: 'last_reviewed',
  reviewed_at: 'last_reviewed',
  review_date: 'last_reviewed',
  next_review_date: 'next_review',
  review_due: 'next_review',
  satisfies: 'controls',
};

/**
 * Owner-like keys of ours that name the owner when no `owner` is given: the ownership rules read them as
 * the owner (a runbook that names only its team's Slack channel has an owner).
 */
export const OWNER_FALLBACK_KEYS = ['owner_contact', 'owner_slack'] as const;

/**
 * Front matter keys of static-site generators (Jekyll, Just the Docs, Hugo, Middleman, Docusaurus, MkDocs,
 * Eleventy, Astro) and of other compliance tools (comply, OpenControl): accepted silently, never taken for a
 * misspelling of ours.
 */
export const FOREIGN_KEYS: ReadonlySet<string> = new Set([
  // Jekyll and its themes (Just the Docs, Minimal Mistakes)
  'layout', 'parent', 'grand_parent', 'nav_order', 'nav_exclude', 'has_children', 'has_toc', 'permalink', 'redirect_from',
  'redirect_to', 'categories', 'category', 'date', 'last_modified_at', 'published', 'excerpt', 'author', 'authors',
  'sitemap', 'search_exclude', 'toc', 'toc_label', 'toc_sticky', 'sidebar', 'header', 'image', 'lang', 'comments',
  // Hugo, Middleman
  'weight', 'aliases', 'slug', 'draft', 'section', 'summary', 'menu', 'url', 'linktitle', 'lastmod', 'publishdate',
  'expirydate', 'keywords', 'outputs', 'headless', 'cascade', 'bookhidden', 'bookcollapsesection', 'hidden', 'geekdocHidden',
  // Docusaurus, MkDocs, Eleventy, Astro, Nextra, VitePress
  'sidebar_position', 'sidebar_label', 'sidebar_class_name', 'displayed_sidebar', 'hide_title', 'hide_table_of_contents',
  'pagination_label', 'pagination_next', 'pagination_prev', 'custom_edit_url', 'hide', 'template', 'search', 'icon',
  'status_icon', 'subtitle', 'eleventyNavigation', 'eleventyExcludeFromCollections', 'tags_exclude', 'pubDate', 'updatedDate',
  'heroImage', 'outline', 'navigation', 'head', 'prev', 'next', 'editLink', 'lastUpdated', 'pageClass', 'canonical',
  // comply, OpenControl and other compliance tooling
  'name', 'acronym', 'majorRevisions', 'minorRevisions', 'standard_key', 'control_key', 'narrative', 'schema_version',
  'documentation_complete', 'references', 'related', 'standards', 'frameworks', 'policy_id', 'revision', 'revisions',
  'history', 'changelog', 'audience', 'applies_to', 'department', 'team', 'contact', 'contacts', 'reviewers', 'order',
  'level', 'stage', 'priority', 'notes', 'note', 'source', 'sources', 'color', 'colour', 'owner_url',
]);


/** Default required sections per document type, in the order a fix appends them. */
export const DEFAULT_REQUIRED_SECTIONS: Record<string, string[]> = {
  policy: ['Purpose', 'Scope', 'Roles and responsibilities', 'Policy statements', 'Review'],
  standard: ['Purpose', 'Scope', 'Requirements', 'Review'],
  procedure: ['Purpose', 'Scope', 'Roles and responsibilities', 'Procedure', 'Evidence'],
  runbook: ['Purpose', 'Steps', 'Rollback', 'Evidence'],
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
  rollback: [
    'rollback', 'roll back', 'rollback plan', 'rollback procedure', 'rollback steps', 'back out', 'backout', 'back out plan',
    'backout plan', 'recovery', 'recovery steps', 'revert', 'reverting', 'undo', 'fallback', 'fall back', 'restore',
    'way back', 'abort', 'if something goes wrong', 'if it fails', 'failure recovery',
  ],
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
