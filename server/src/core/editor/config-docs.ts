/**
 * What each setting of `.isms.yaml` means: the hover and completion text of the editor, the `description` of
 * schemas/isms-config.schema.json and the reference docs/configuration.md (test/config.test.ts keeps the three equal).
 */
export interface SettingDoc {
  /** The dotted path: `frameworks`, `nhi.staleAfterDays`. */
  key: string;
  /** The value, in words: `list of framework IDs`. */
  type: string;
  doc: string;
  /** A value for a completion snippet (after `key: `). */
  example?: string;
}

export const SETTING_DOCS: readonly SettingDoc[] = [
  { key: 'frameworks', type: 'list of framework IDs', doc: 'The frameworks whose references are checked and offered: csf, iso27001, iso27002, soc2, nhi, sp800-53 (default: all but sp800-53).', example: '[csf, iso27001, soc2, nhi]' },
  { key: 'rules', type: 'mapping of rule ID to severity', doc: "Per-rule severity overrides: error, warning, info, hint, or off to disable the rule. The rule IDs are those of docs/rules/README.md.", example: '{}' },
  { key: 'inventoryGlobs', type: 'list of globs', doc: 'Workspace-relative globs of YAML files that are NHI inventories, besides `*.nhi.yaml` and files with `kind: nhi-inventory`.', example: '["identities/*.yaml"]' },
  { key: 'documentGlobs', type: 'list of globs', doc: 'Globs of files that are ISMS process documents whatever their front matter (also files of other extensions, such as `*.md.erb`).', example: '["policies/**/*.md"]' },
  { key: 'ignoreGlobs', type: 'list of globs', doc: 'Globs the CLI and the workspace index skip (default: `**/node_modules/**`, `**/.git/**`).', example: '["drafts/**"]' },
  { key: 'today', type: 'date YYYY-MM-DD', doc: 'The day dates are judged against (reviews due, rotation, staleness); default: the real clock. Useful to make CI output reproducible.', example: '2026-01-01' },
  { key: 'audit_period', type: 'period START..END or { start, end }', doc: 'The SOC 2 Type II period: the default of `isms soc2` and what review-period-gap checks, e.g. `2026-01-01..2026-12-31`.', example: '2026-01-01..2026-12-31' },
  { key: 'auditPeriod', type: 'period START..END or { start, end }', doc: 'The same as `audit_period` (the spelling of the VS Code setting).', example: '2026-01-01..2026-12-31' },
  { key: 'nhi', type: 'mapping', doc: 'Thresholds of the NHI inventory rules: staleAfterDays and maxRotationDays.' },
  { key: 'nhi.staleAfterDays', type: 'positive number of days', doc: 'An identity not used for longer than this is stale (nhi-stale); default 90.', example: '90' },
  { key: 'nhi.maxRotationDays', type: 'positive number of days', doc: 'A credential rotated less often than this is overdue (nhi-rotation-overdue); default 90.', example: '90' },
  { key: 'documents', type: 'mapping', doc: 'Settings of the process documents: requiredSections and keyAliases.' },
  { key: 'documents.requiredSections', type: 'mapping of document type to list of headings', doc: 'Sections each document type must have, merged over the defaults (section-missing).', example: '{ policy: [Purpose, Scope] }' },
  { key: 'documents.keyAliases', type: 'mapping of alias to front matter key', doc: 'Extra front matter key spellings your documents use, each mapped to its canonical key (e.g. `policy_owner: owner`).', example: '{ policy_owner: owner }' },
  { key: 'soa', type: 'mapping', doc: 'The Statement of Applicability (`isms soa`): `excluded`.' },
  { key: 'soa.excluded', type: 'mapping of Annex A control to justification', doc: 'ISO/IEC 27001:2022 Annex A controls excluded from the Statement of Applicability, each with its justification (6.1.3 d).', example: '{ A.7.4: "no physical premises; cloud-only" }' },
  { key: 'owners', type: 'path', doc: 'The owners registry (docs/owners.md), relative to the project root; default: `owners.yaml` when it exists. With a registry, owner-unknown and owner-inactive check every owner against it.', example: 'people/owners.yaml' },
  { key: 'discovery', type: 'mapping', doc: 'Discovery of the non-human identities infrastructure code declares (docs/discovery.md): `enabled`, `include`, `exclude`, `inventory`.' },
  { key: 'discovery.enabled', type: 'boolean', doc: 'Read infrastructure files (Kubernetes manifests, GitHub Actions workflows, Terraform) and reconcile what they declare with the inventories (nhi-undocumented, nhi-undeployed); default true. false: no infrastructure file is read.', example: 'false' },
  { key: 'discovery.include', type: 'list of globs', doc: 'Workspace-relative globs of the infrastructure files read; replaces the default `**/*.tf`, `**/.github/workflows/*.{yml,yaml}`, `**/{k8s,kubernetes,manifests,deploy}/**/*.{yml,yaml}`, `**/*.k8s.{yml,yaml}`. A YAML file is read as Kubernetes manifests only when it has `apiVersion` and `kind` at its top level.', example: '["infra/**/*.tf", "charts/rendered/**/*.yaml"]' },
  { key: 'discovery.exclude', type: 'list of globs', doc: 'Globs of files left out of discovery even when `include` names them (ignoreGlobs are left out too).', example: '["deploy/legacy/**"]' },
  { key: 'discovery.inventory', type: 'path', doc: 'The inventory that the "Add … to inventory" quick fix and `isms discover --write` add entries to, relative to the project root; default: the inventory that already documents most identities of the same folder, else the nearest one up the tree.', example: 'identities/prod.nhi.yaml' },
  { key: 'profile', type: 'mapping', doc: 'The NIST CSF 2.0 Organizational Profile: `target`.' },
  { key: 'profile.target', type: 'mapping of CSF function, category or subcategory to its target', doc: 'The target profile: per CSF 2.0 function, category or subcategory, `priority` (high, medium, low or a rank), `status` (Achieved, Partially achieved, Not applicable), `policies` and `notes`.', example: '{ GV.OC-01: { priority: high, status: Achieved } }' },
];

export function settingDoc(key: string): SettingDoc | undefined {
  return SETTING_DOCS.find((s) => s.key === key);
}
