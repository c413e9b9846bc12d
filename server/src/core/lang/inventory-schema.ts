/**
 * The NHI inventory format as data: every key of an identity (and of the file's top level), its value
 * type, allowed values, what it means, why an auditor cares and which controls it evidences. Used for
 * key completion and hover, and kept equal to `schemas/nhi-inventory.schema.json` by a test.
 */

export type InventoryValueType = 'string' | 'strings' | 'string-or-strings' | 'enum' | 'date' | 'cadence' | 'boolean' | 'controls' | 'history' | 'owner-history';

export interface InventoryField {
  key: string;
  type: InventoryValueType;
  /** Allowed values for `enum` keys. */
  values?: readonly string[];
  /** What the field holds. */
  description: string;
  /** Why it matters to an auditor. */
  why: string;
  /** Controls whose evidence the field supplies (canonical references). */
  controls: readonly string[];
  /** Placeholder a quick fix or a completion inserts. */
  example?: string;
  /** Can be set once under `defaults:` for every identity. */
  inheritable: boolean;
}

export const NHI_TYPES = [
  'service-account',
  'api-key',
  'token',
  'pat',
  'certificate',
  'ssh-key',
  'oauth-app',
  'service-principal',
  'workload-identity',
  'ci-cd-token',
  'webhook',
  'ai-agent',
  'bot',
] as const;
export const PRIVILEGES = ['admin', 'privileged', 'scoped', 'read-only'] as const;
export const CREDENTIALS = ['static-secret', 'api-key', 'certificate', 'federated', 'short-lived-token', 'managed-identity', 'none'] as const;
export const SECRET_STORES = ['vault', 'cloud-secrets-manager', 'kms', 'hsm', 'k8s-secret', 'ci-secret', 'env', 'plaintext', 'none'] as const;

/** The lifecycle of an identity (`status`): joiner (active), disabled, leaver (revoked, decommissioned). */
export const LIFECYCLE_STATUSES = ['active', 'disabled', 'revoked', 'decommissioned'] as const;
/** Statuses of an identity that is gone and kept as evidence: rotation and staleness no longer apply; it needs `revoked_on`. */
export const RETIRED_STATUSES: readonly string[] = ['revoked', 'decommissioned'];

/** Credentials that exist as a long-lived secret someone must store and rotate. */
export const LONG_LIVED_CREDENTIALS: readonly string[] = ['static-secret', 'api-key', 'certificate'];
/** Identity types that are a long-lived secret when the credential is not given. */
export const SECRET_TYPES: readonly string[] = ['api-key', 'token', 'pat', 'certificate', 'ssh-key', 'webhook'];

/** Every key of an identity, in the order a new identity lists them. */
export const IDENTITY_FIELDS: readonly InventoryField[] = [
  {
    key: 'id',
    type: 'string',
    description: 'Stable identifier of the identity, unique across the workspace (e.g. svc-payments-batch).',
    why: 'Access reviews, tickets and evidence refer to the identity by this ID; two entries with one ID make the inventory ambiguous.',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
    example: 'svc-example',
    inheritable: false,
  },
  {
    key: 'name',
    type: 'string',
    description: 'The name of the account, key or principal as the platform shows it.',
    why: 'Lets a reviewer find the identity on the platform and compare the inventory with what exists.',
    controls: ['ISO27001:A.5.9'],
    inheritable: false,
  },
  {
    key: 'type',
    type: 'enum',
    values: NHI_TYPES,
    description: 'What kind of non-human identity this is.',
    why: 'The type decides which checks apply: an API key must be rotated, a workload identity has no secret to rotate.',
    controls: ['ISO27001:A.5.9', 'ISO27001:A.5.16'],
    example: 'service-account',
    inheritable: false,
  },
  {
    key: 'owner',
    type: 'string-or-strings',
    description: 'The one team or person accountable for the identity (an e-mail or a team name).',
    why: 'An auditor asks who answers for each identity; an identity without a single owner is the one nobody offboards (NHI1).',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.9', 'ISO27001:A.5.16'],
    example: 'team@example.com',
    inheritable: true,
  },
  {
    key: 'purpose',
    type: 'string',
    description: 'What the identity is for, in one sentence.',
    why: 'Without a purpose nobody can judge whether its privileges are needed or whether it can be removed.',
    controls: ['ISO27001:A.5.9', 'ISO27001:A.5.16'],
    example: 'TODO',
    inheritable: false,
  },
  {
    key: 'environment',
    type: 'string-or-strings',
    description: 'The environment(s) it is used in (prod, staging, dev); a list when it spans several.',
    why: 'One identity across production and test breaks environment separation (NHI8).',
    controls: ['CSF:PR.IR-01', 'ISO27001:A.8.31'],
    example: 'prod',
    inheritable: true,
  },
  {
    key: 'platform',
    type: 'string',
    description: 'Where the identity lives (aws, gcp, azure, github-actions, kubernetes, a vendor).',
    why: 'Tells the reviewer where to check it and whether federation is available instead of a static secret.',
    controls: ['ISO27001:A.5.9'],
    inheritable: true,
  },
  {
    key: 'source',
    type: 'string-or-strings',
    description: 'Where infrastructure code declares the identity (docs/discovery.md): `k8s:<namespace>/<Kind>/<name>`, `terraform:<type>.<name>`, `github:secrets.<NAME>` or `github:<workflow path>#oidc`; a list when several declare it.',
    why: 'Ties the inventory to what is deployed: an identity declared in code and in no inventory is reported (nhi-undocumented), and an entry whose source is gone from the code is an offboarding candidate (nhi-undeployed).',
    controls: ['CSF:ID.AM-01', 'CSF:ID.AM-02', 'ISO27001:A.5.9'],
    example: 'k8s:default/ServiceAccount/example',
    inheritable: false,
  },
  {
    key: 'privilege',
    type: 'enum',
    values: PRIVILEGES,
    description: 'Level of access: admin, privileged, scoped or read-only.',
    why: 'Privileged access must be restricted and justified; admin rights on a machine identity are the usual blast radius (NHI5).',
    controls: ['CSF:PR.AA-05', 'ISO27001:A.8.2'],
    example: 'scoped',
    inheritable: true,
  },
  {
    key: 'scopes',
    type: 'strings',
    description: 'The permissions, roles or OAuth scopes granted (e.g. s3:GetObject, roles/viewer).',
    why: 'Shows least privilege; wildcards such as * or payments:* grant more than anyone reviewed (NHI5).',
    controls: ['CSF:PR.AA-05', 'ISO27001:A.5.15', 'ISO27001:A.8.2'],
    example: '[]',
    inheritable: false,
  },
  {
    key: 'credential',
    type: 'enum',
    values: CREDENTIALS,
    description: 'How the identity authenticates.',
    why: 'Static secrets and API keys leak and live long; federated, managed and short-lived credentials do not need rotating (NHI4, NHI7).',
    controls: ['CSF:PR.AA-03', 'ISO27001:A.5.17', 'ISO27001:A.8.5'],
    example: 'federated',
    inheritable: true,
  },
  {
    key: 'secret_store',
    type: 'enum',
    values: SECRET_STORES,
    description: 'Where the secret is kept.',
    why: 'A secret in plaintext or an environment variable is the leak an attacker finds first (NHI2).',
    controls: ['CSF:PR.DS-01', 'ISO27001:A.5.17'],
    example: 'vault',
    inheritable: true,
  },
  {
    key: 'rotation',
    type: 'cadence',
    description: 'How often the secret is rotated: an ISO 8601 duration (P90D) or a word (monthly, quarterly).',
    why: 'Long-lived secrets are the second most common NHI risk (NHI7); an auditor samples rotation against this cadence.',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
    example: 'P90D',
    inheritable: true,
  },
  {
    key: 'last_rotated',
    type: 'date',
    description: 'When the secret was last rotated (YYYY-MM-DD).',
    why: 'Evidence that rotation happens on the declared cadence (NHI7).',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
    inheritable: false,
  },
  {
    key: 'rotations',
    type: 'history',
    description: 'The rotation history: a list of dates (YYYY-MM-DD) or of mappings {date, by}. The latest is the last rotation when last_rotated is absent (the later of the two otherwise).',
    why: 'Each rotation on record, not only the last: a SOC 2 Type II period asks for a rotation in every cadence window of the period (NHI7).',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
    example: '[]',
    inheritable: false,
  },
  {
    key: 'expires',
    type: 'date',
    description: 'When the credential expires (YYYY-MM-DD).',
    why: 'An expiry bounds the damage of a leak; an expired entry means the inventory or the service is out of date.',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
    inheritable: false,
  },
  {
    key: 'review_cadence',
    type: 'cadence',
    description: 'How often the access of the identity is reviewed (quarterly, P90D ...).',
    why: 'Access rights must be reviewed at planned intervals; the cadence is what the review is measured against.',
    controls: ['CSF:PR.AA-05', 'ISO27001:A.5.18'],
    example: 'quarterly',
    inheritable: true,
  },
  {
    key: 'last_reviewed',
    type: 'date',
    description: 'When the access of the identity was last reviewed (YYYY-MM-DD).',
    why: 'Evidence that the access review happened; the first thing an auditor samples.',
    controls: ['CSF:PR.AA-05', 'ISO27001:A.5.18'],
    inheritable: false,
  },
  {
    key: 'reviews',
    type: 'history',
    description: 'The access review history: a list of mappings {date, by, outcome} (or of dates). The latest is the last review when last_reviewed is absent (the later of the two otherwise). Under defaults: the inventory-wide reviews, added to each identity\'s own.',
    why: 'Each review on record, not only the last: a SOC 2 Type II period asks for a review in every cadence window of the period.',
    controls: ['CSF:PR.AA-05', 'ISO27001:A.5.18'],
    example: '[]',
    inheritable: true,
  },
  {
    key: 'last_used',
    type: 'date',
    description: 'When the identity last authenticated (YYYY-MM-DD), from the platform logs.',
    why: 'An identity unused for months should be disabled and offboarded (NHI1).',
    controls: ['CSF:PR.AA-05', 'ISO27001:A.5.18'],
    inheritable: false,
  },
  {
    key: 'third_party',
    type: 'boolean',
    description: 'The identity is issued by or to a third party (vendor, SaaS, partner).',
    why: 'Third-party identities sit outside your rotation and revocation; they need scoped privilege and an expiry (NHI3).',
    controls: ['CSF:GV.SC-07', 'ISO27001:A.5.19'],
    example: 'false',
    inheritable: true,
  },
  {
    key: 'shared_across_environments',
    type: 'boolean',
    description: 'The same identity or secret is used in more than one environment.',
    why: 'A test system holding a production credential breaks environment isolation (NHI8).',
    controls: ['CSF:PR.IR-01', 'ISO27001:A.8.31'],
    example: 'false',
    inheritable: true,
  },
  {
    key: 'used_by',
    type: 'strings',
    description: 'The workloads or systems that use the identity.',
    why: 'One identity per consumer keeps access attributable; several consumers sharing one is NHI reuse (NHI9).',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
    example: '[]',
    inheritable: false,
  },
  {
    key: 'human_use',
    type: 'boolean',
    description: 'People also log in with the identity (break-glass, debugging, shared console login).',
    why: 'Humans using a machine identity lose individual accountability and bypass MFA (NHI10).',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
    example: 'false',
    inheritable: true,
  },
  {
    key: 'offboarding',
    type: 'string',
    description: 'How the identity is removed: the path of a runbook or procedure (relative to the inventory, optional #anchor), or the steps. A path must resolve; TODO and other placeholders count as missing.',
    why: 'Only a minority of organisations offboard API keys formally; an auditor asks how access ends (NHI1).',
    controls: ['ISO27001:A.5.18', 'ISO27001:A.5.16'],
    example: 'runbooks/offboard-service-account.md',
    inheritable: true,
  },
  {
    key: 'status',
    type: 'enum',
    values: LIFECYCLE_STATUSES,
    description: 'Where the identity is in its lifecycle: active, disabled, revoked or decommissioned. A revoked or decommissioned identity stays in the inventory as evidence of its offboarding; rotation and staleness no longer apply to it.',
    why: 'An auditor samples leavers as well as joiners: a removed identity that vanished from the inventory leaves no evidence it was offboarded (NHI1).',
    controls: ['CSF:PR.AA-05', 'ISO27001:A.5.18'],
    example: 'active',
    inheritable: false,
  },
  {
    key: 'created',
    type: 'date',
    description: 'The day the identity was created (YYYY-MM-DD): the joiner record.',
    why: 'Access provisioning is approved before it is granted (ISO 27001 A.5.18): the date and the approver are its evidence.',
    controls: ['ISO27001:A.5.18', 'CSF:PR.AA-05'],
    inheritable: false,
  },
  {
    key: 'approved_by',
    type: 'string',
    description: 'Who approved the identity and its access when it was created (the joiner record).',
    why: 'Evidence that access was authorised before it was provisioned (ISO 27001 A.5.18).',
    controls: ['ISO27001:A.5.18', 'CSF:PR.AA-05'],
    inheritable: false,
  },
  {
    key: 'previous_owners',
    type: 'owner-history',
    description: 'The mover record: the earlier owners, a list of mappings {owner, until} (until: the last day they owned it, YYYY-MM-DD).',
    why: 'Ownership handed over is evidence that nobody was left accountable for an identity whose owner moved or left (NHI1).',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
    example: '[]',
    inheritable: false,
  },
  {
    key: 'revoked_on',
    type: 'date',
    description: 'The day the identity was revoked or decommissioned (YYYY-MM-DD): the leaver record. Required when status is revoked or decommissioned.',
    why: 'The date access ended is what an auditor compares with the owner\'s or the contract\'s end (ISO 27001 A.5.11, A.5.18).',
    controls: ['ISO27001:A.5.18', 'ISO27001:A.5.11'],
    inheritable: false,
  },
  {
    key: 'revoked_by',
    type: 'string',
    description: 'Who revoked or decommissioned the identity (the leaver record).',
    why: 'Attributes the removal of access to an accountable person (ISO 27001 A.5.18).',
    controls: ['ISO27001:A.5.18'],
    inheritable: false,
  },
  {
    key: 'controls',
    type: 'controls',
    description: 'Controls this entry evidences (CSF:PR.AA-01, ISO27001:A.5.16, NHI7 ...).',
    why: 'Links the inventory to the Statement of Applicability so coverage reports count it.',
    controls: ['ISO27001:6.1.3'],
    example: '[CSF:PR.AA-01, ISO27001:A.5.16]',
    inheritable: false,
  },
  {
    key: 'evidence',
    type: 'strings',
    description: 'The evidence: paths (relative to the inventory, optional #anchor), URLs, or mappings {path | url, date, description}; one or a list. Paths must exist, URLs be well formed, dated entries be younger than the review cadence; prose is kept as a description.',
    why: 'What the auditor samples to see the control operate.',
    controls: ['ISO27001:7.5.3'],
    inheritable: true,
  },
];

/** Top-level keys of an inventory file. */
export const TOP_LEVEL_FIELDS: readonly InventoryField[] = [
  {
    key: 'kind',
    type: 'enum',
    values: ['nhi-inventory'],
    description: 'Marks the file as an NHI inventory (`kind: nhi-inventory`).',
    why: 'Lets tools find the inventory whatever the file is called.',
    controls: ['ISO27001:A.5.9'],
    example: 'nhi-inventory',
    inheritable: false,
  },
  {
    key: 'defaults',
    type: 'string',
    description: 'Values inherited by every identity that does not set the key itself (review_cadence, environment ...).',
    why: 'States an inventory-wide rule once, so it cannot be forgotten on one entry.',
    controls: [],
    inheritable: false,
  },
  {
    key: 'identities',
    type: 'strings',
    description: 'The non-human identities, one list item each.',
    why: 'The inventory of identities itself (CSF PR.AA-01, ISO 27001 A.5.16).',
    controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
    inheritable: false,
  },
];

export const IDENTITY_FIELD: ReadonlyMap<string, InventoryField> = new Map(IDENTITY_FIELDS.map((f) => [f.key, f]));

/** Keys allowed under `defaults:`. */
export const DEFAULTABLE_KEYS: readonly string[] = IDENTITY_FIELDS.filter((f) => f.inheritable).map((f) => f.key);

/** Platforms where federation, workload identity or managed identities exist. */
export const FEDERATED_PLATFORM = /\b(?:aws|amazon|eks|ecs|lambda|gcp|google|gke|azure|entra|aks|kubernetes|k8s|openshift|github|gitlab|circleci|buildkite|bitbucket|vault|spiffe|spire)\b/i;
/** CI/CD platforms. */
export const CI_PLATFORM = /\b(?:github-actions|github actions|gitlab-ci|gitlab|circleci|jenkins|azure-devops|azure-pipelines|bitbucket-pipelines|buildkite|travis|teamcity|bamboo|drone|argo-?cd|tekton|spinnaker)\b/i;
