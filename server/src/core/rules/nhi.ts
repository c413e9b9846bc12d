/**
 * The NHI inventory rules (nhi-*): one identity at a time (`checkIdentity`, a pure function of the
 * identity's YAML, the inherited `defaults:`, the config and today) plus the cross-identity
 * `nhi-id-duplicate` (`reportDuplicateIds`). Ownership and review rules come from ./ownership.
 */
import { isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Config } from '../config';
import { catalog } from '../catalog/catalog';
import { addDays, daysBetween, parseCadenceDays, parseDate } from '../dates';
import { CREDENTIALS, DEFAULTABLE_KEYS, IDENTITY_FIELD, IDENTITY_FIELDS, LONG_LIVED_CREDENTIALS, NHI_TYPES, PRIVILEGES, SECRET_STORES, SECRET_TYPES } from '../lang/inventory-schema';
import type { Reporter } from '../report';
import type { Fix, Range, TextEdit } from '../types';
import { checkOwnership, listText, plainValue, scalarText, YamlMapping, type MappingEntry } from './ownership';
import { closest } from '../lang/document';
import { defineRule, type RuleMeta } from './registry';

export const nhiIdDuplicate = defineRule({
  id: 'nhi-id-duplicate',
  description: 'Two identities in the inventory have the same `id`.',
  defaultSeverity: 'error',
  scope: 'inventory',
  fixable: false,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
});

export const nhiPurposeMissing = defineRule({
  id: 'nhi-purpose-missing',
  description: 'An identity has no `purpose`: nobody can judge whether it is still needed.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.9'],
});

export const nhiTypeUnknown = defineRule({
  id: 'nhi-type-unknown',
  description: 'An identity has no `type`, or one that is not a known NHI type.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.9', 'ISO27001:A.5.16'],
});

export const nhiControlsMissing = defineRule({
  id: 'nhi-controls-missing',
  description: 'An identity lists no `controls`: coverage reports cannot count it as evidence.',
  defaultSeverity: 'info',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:6.1.3', 'CSF:PR.AA-01'],
});

export const nhiOffboardingMissing = defineRule({
  id: 'nhi-offboarding-missing',
  description: 'An identity has no `offboarding` (runbook or steps that remove it).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.18', 'ISO27001:A.5.16'],
});

export const nhiStale = defineRule({
  id: 'nhi-stale',
  description: '`last_used` is older than `nhi.staleAfterDays` (default 90): an unused identity should be offboarded.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-05', 'ISO27001:A.5.18'],
});

export const nhiSecretStorage = defineRule({
  id: 'nhi-secret-storage',
  description: 'The secret is kept in plaintext (error) or an environment variable (warning), or no store is recorded for a long-lived secret.',
  defaultSeverity: 'error',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI2'],
  controls: ['CSF:PR.DS-01', 'ISO27001:A.5.17'],
});

export const nhiThirdParty = defineRule({
  id: 'nhi-third-party',
  description: 'A third-party identity without scoped (or read-only) privilege or without an expiry.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI3'],
  controls: ['CSF:GV.SC-07', 'ISO27001:A.5.19'],
});

export const nhiStaticCredential = defineRule({
  id: 'nhi-static-credential',
  description: 'A static secret or API key on a platform that offers federation or managed identities.',
  defaultSeverity: 'info',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI4'],
  controls: ['CSF:PR.AA-03', 'ISO27001:A.8.5'],
});

export const nhiOverprivileged = defineRule({
  id: 'nhi-overprivileged',
  description: 'Admin privilege, or wildcard / owner scopes (`*`, `payments:*`, `roles/owner`, `AdministratorAccess`).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI5'],
  controls: ['CSF:PR.AA-05', 'ISO27001:A.8.2'],
});

export const nhiCiStaticCredential = defineRule({
  id: 'nhi-ci-static-credential',
  description: 'A CI/CD identity authenticates with a static secret, API key or PAT instead of OIDC federation.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI6'],
  controls: ['CSF:PR.AA-03', 'CSF:PR.PS-01', 'ISO27001:A.8.5'],
});

export const nhiRotationMissing = defineRule({
  id: 'nhi-rotation-missing',
  description: 'A long-lived secret (static secret, API key, certificate) has no readable `rotation` cadence.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI7'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
});

export const nhiRotationOverdue = defineRule({
  id: 'nhi-rotation-overdue',
  description: '`last_rotated` plus the rotation cadence is in the past, or no `last_rotated` is recorded.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI7'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
});

export const nhiRotationTooLong = defineRule({
  id: 'nhi-rotation-too-long',
  description: 'The rotation cadence is longer than `nhi.maxRotationDays` (default 90).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI7'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
});

export const nhiExpired = defineRule({
  id: 'nhi-expired',
  description: 'The credential `expires` date has passed.',
  defaultSeverity: 'error',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI7'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'],
});

export const nhiSharedEnvironments = defineRule({
  id: 'nhi-shared-environments',
  description: 'One identity is used in several environments (`shared_across_environments: true` or a list of environments).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI8'],
  controls: ['CSF:PR.IR-01', 'ISO27001:A.8.31'],
});

export const nhiReuse = defineRule({
  id: 'nhi-reuse',
  description: 'One identity is used by more than one consumer (`used_by`).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI9'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
});

export const nhiHumanUse = defineRule({
  id: 'nhi-human-use',
  description: 'People use the non-human identity (`human_use: true`).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI10'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
});

export const nhiFieldInvalid = defineRule({
  id: 'nhi-field-invalid',
  description: 'A key that is a near miss of an inventory key (`ownr`), or a value that is not allowed: privilege, credential, secret_store, a boolean, a date.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.9', 'CSF:PR.AA-01'],
});

/** Every nhi-* rule, for docs and tests. */
export const NHI_RULES: readonly RuleMeta[] = [
  nhiIdDuplicate, nhiPurposeMissing, nhiTypeUnknown, nhiControlsMissing, nhiOffboardingMissing, nhiStale, nhiSecretStorage,
  nhiThirdParty, nhiStaticCredential, nhiOverprivileged, nhiCiStaticCredential, nhiRotationMissing, nhiRotationOverdue,
  nhiRotationTooLong, nhiExpired, nhiSharedEnvironments, nhiReuse, nhiHumanUse, nhiFieldInvalid,
];

/** "NHI7:2025 Long-Lived Secrets; CSF PR.AA-01, ISO 27001 A.5.17": the risk and controls a rule cites. */
export function citation(meta: RuleMeta): string {
  const cat = catalog();
  const risks = (meta.owasp ?? []).map((id) => `${id}:2025 ${cat.get('nhi', id)?.title ?? ''}`.trim());
  const controls = (meta.controls ?? []).map(humanRef);
  return [risks.join(', '), controls.join(', ')].filter(Boolean).join('; ');
}

function humanRef(ref: string): string {
  const [fw, id] = ref.split(':');
  const name = fw === 'ISO27001' ? 'ISO 27001' : fw === 'ISO27002' ? 'ISO 27002' : fw === 'SOC2' ? 'SOC 2' : fw;
  return `${name} ${id}`;
}

/** Platforms where federation, workload identity or managed identities exist. */
const FEDERATED_PLATFORM = /\b(?:aws|amazon|eks|ecs|lambda|gcp|google|gke|azure|entra|aks|kubernetes|k8s|openshift|github|gitlab|circleci|buildkite|bitbucket|vault|spiffe|spire)\b/i;
/** CI/CD platforms. */
const CI_PLATFORM = /\b(?:github-actions|github actions|gitlab-ci|gitlab|circleci|jenkins|azure-devops|azure-pipelines|bitbucket-pipelines|buildkite|travis|teamcity|bamboo|drone|argo-?cd|tekton|spinnaker)\b/i;

/** Scopes that amount to administrator rights. */
export function isBroadScope(scope: string): boolean {
  const s = scope.trim();
  const action = s.split(/\s+on\s+|\s+/)[0];
  return (
    action === '*' ||
    /^[^\s:]*:\*$/.test(action) ||
    /^\*:/.test(action) ||
    /(?:^|\/)roles\/(?:owner|editor)$/i.test(action) ||
    /AdministratorAccess|cluster-admin|Global Administrator|PowerUserAccess/i.test(s) ||
    /^(?:owner|admin|administrator|root|superuser|full[-_ ]?access)$/i.test(action) ||
    /[:.](?:admin|\*)$/i.test(action)
  );
}

export interface IdentityInput {
  /** The identity's mapping (ranges relative to the parsed text, which starts at `base` in `r`'s document). */
  map: YAMLMap;
  base: number;
  /** `defaults:` of the inventory as plain values. */
  defaults: Readonly<Record<string, unknown>>;
  config: Config;
  today: string;
  eol: string;
}

/** What the cross-identity rules and the editor need to know of an identity (offsets in `r`'s document). */
export interface IdentityFacts {
  id?: string;
  idStart?: number;
  idEnd?: number;
  name?: string;
  type?: string;
  owners: string[];
  consumers: string[];
  controls: string[];
}

/** Runs every per-identity rule on one identity. */
export function checkIdentity(inp: IdentityInput, r: Reporter): IdentityFacts {
  const m = new YamlMapping(inp.map, inp.base, r);
  const { defaults, config, today, eol } = inp;
  const idE = m.get('id');
  const id = idE ? scalarText(idE.value) : undefined;
  const first = inp.map.items[0];
  const firstKey = first && isScalar(first.key) && first.key.range ? m.get(String(first.key.value)) : undefined;
  const anchorE = id !== undefined ? idE! : firstKey;
  const anchor = anchorE
    ? { start: anchorE.keyStart, end: Math.max(anchorE.valueEnd, anchorE.keyEnd) }
    : { start: m.start, end: m.start };
  const subject = id !== undefined ? `Identity '${id}'` : 'This identity';
  const data = id !== undefined ? { identity: id } : {};

  /** Own entry or inherited plain value. */
  const own = (k: string): MappingEntry | undefined => m.get(k);
  const effText = (k: string): string | undefined => {
    const e = own(k);
    if (e) return scalarText(e.value);
    const v = defaults[k];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v).trim() || undefined : undefined;
  };
  const effList = (k: string): string[] => {
    const e = own(k);
    if (e) return listText(e.value);
    const v = defaults[k];
    if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(String);
    return v === null || v === undefined || v === '' ? [] : [String(v)];
  };
  const effBool = (k: string): boolean | undefined => {
    const t = effText(k)?.toLowerCase();
    return t === 'true' || t === 'yes' ? true : t === 'false' || t === 'no' ? false : undefined;
  };
  /** Where a finding about key k points: its value, or the anchor when inherited or absent. */
  const at = (k: string): [number, number] => {
    const e = own(k);
    if (!e) return [anchor.start, anchor.end];
    return e.valueStart === e.valueEnd ? [e.keyStart, e.keyEnd] : [e.valueStart, e.valueEnd];
  };

  const controlsE = own('controls');
  const controls = controlsE ? listText(controlsE.value) : [];
  /** The secondary fix "Add NHI:NHIx to controls" for a finding of `meta`, when the identity does not list it. */
  const addRisk = (meta: RuleMeta): Fix[] => {
    const risk = meta.owasp?.[0];
    if (!risk) return [];
    const listed = controls.some((c) => new RegExp(`(?:^|[:\\s])${risk}(?::2025)?$`, 'i').test(c.trim()));
    if (listed) return [];
    const edit = addControlEdit(m, controlsE, `NHI:${risk}`, eol);
    return [{ title: `Add NHI:${risk} to 'controls'`, edits: [edit] }];
  };
  const report = (meta: RuleMeta, s: number, e: number, msg: string, fixes: Fix[] = [], extra: Record<string, unknown> = {}) =>
    r.add(meta.id, s, e, `${msg} (${citation(meta)})`, [...fixes, ...addRisk(meta)], { ...data, ...extra });
  const insertFix = (key: string, value: string, title = `Insert '${key}:' (placeholder)`): Fix => {
    const e = own(key);
    return e ? { title, edits: [m.setValueEdit(e, value)], isPreferred: true } : { title, edits: [m.insertEdit(key, value, eol)], isPreferred: true };
  };

  checkFields(m, 'identity', r, data);

  // Ownership and review.
  const ownership = checkOwnership({ mapping: m, kind: 'identity', subject, anchor, inherited: defaults, today, eol, data }, r);

  // nhi-purpose-missing
  if (effText('purpose') === undefined) {
    report(nhiPurposeMissing, ...at('purpose'), `${subject} has no purpose: nobody can tell whether it is still needed or whether its access fits its job`, [insertFix('purpose', 'TODO')]);
  }

  // nhi-type-unknown
  const typeE = own('type');
  const type = effText('type');
  const typeLc = type?.toLowerCase();
  if (type === undefined) {
    report(nhiTypeUnknown, ...at('type'), `${subject} has no type: the checks that depend on it (rotation, CI/CD, federation) cannot apply. Use one of ${NHI_TYPES.join(', ')}`);
  } else if (!(NHI_TYPES as readonly string[]).includes(typeLc!)) {
    const near = closestWord(type, NHI_TYPES);
    const fixes: Fix[] = near && typeE ? [{ title: `Change to '${near}'`, edits: [m.setValueEdit(typeE, near)], isPreferred: true, safe: true }] : [];
    report(nhiTypeUnknown, ...at('type'), `Unknown NHI type '${type}'${near ? ` (did you mean '${near}'?)` : ''}: expected one of ${NHI_TYPES.join(', ')}`, fixes, near ? { suggestion: near } : {});
  }

  // nhi-controls-missing
  if (controls.length === 0) {
    const value = '[CSF:PR.AA-01, ISO27001:A.5.16]';
    r.add(
      nhiControlsMissing.id,
      ...(controlsE ? at('controls') : [anchor.start, anchor.end] as [number, number]),
      `${subject} lists no controls: a coverage report built from the inventory cannot count it as evidence (${citation(nhiControlsMissing)}). Add the controls it evidences, e.g. ${value}.`,
      [controlsE ? { title: `Set 'controls' to ${value}`, edits: [m.setValueEdit(controlsE, value)], isPreferred: true } : { title: `Insert 'controls: ${value}'`, edits: [m.insertEdit('controls', value, eol)], isPreferred: true }],
      data,
    );
  }

  // nhi-offboarding-missing
  if (effText('offboarding') === undefined) {
    report(nhiOffboardingMissing, ...at('offboarding'), `${subject} has no offboarding: nothing says how its access ends when the workload is retired or the owner leaves`, [insertFix('offboarding', 'TODO')]);
  }

  // nhi-stale
  const lastUsed = effText('last_used');
  if (lastUsed && parseDate(lastUsed) !== undefined) {
    const idle = daysBetween(lastUsed, today)!;
    if (idle > config.nhi.staleAfterDays) {
      report(nhiStale, ...at('last_used'), `${subject} was last used ${idle} days ago (${lastUsed.slice(0, 10)}), more than the ${config.nhi.staleAfterDays} days allowed: disable and offboard it, or record why it is kept`, [], { daysUnused: idle });
    }
  }

  // Credential facts.
  const credential = effText('credential')?.toLowerCase();
  const longLived = credential ? LONG_LIVED_CREDENTIALS.includes(credential) : typeLc ? SECRET_TYPES.includes(typeLc) : false;
  const staticCred = credential ? credential === 'static-secret' || credential === 'api-key' : typeLc ? ['api-key', 'pat', 'token', 'ssh-key'].includes(typeLc) : false;
  const platform = effText('platform') ?? '';

  // nhi-secret-storage
  const storeE = own('secret_store');
  const store = effText('secret_store')?.toLowerCase();
  if (store === 'plaintext') {
    const fixes: Fix[] = storeE ? [{ title: "Replace 'plaintext' with 'vault' (after moving the secret)", edits: [m.setValueEdit(storeE, 'vault')], isPreferred: true }] : [];
    report(nhiSecretStorage, ...at('secret_store'), `${subject} keeps its secret in plaintext: anyone who can read the file, backup or repository has the credential. Move it to a secrets manager`, fixes, { store, severity: 'error' });
  } else if (store === 'env') {
    const fixes: Fix[] = storeE ? [{ title: "Replace 'env' with 'vault' (after moving the secret)", edits: [m.setValueEdit(storeE, 'vault')] }] : [];
    report(nhiSecretStorage, ...at('secret_store'), `${subject} keeps its secret in an environment variable: it leaks through process listings, crash dumps and CI logs. Prefer a secrets manager`, fixes, { store, severity: 'warning' });
  } else if (longLived && (store === undefined || store === 'none')) {
    const fixes: Fix[] = [insertFix('secret_store', 'vault', storeE ? "Set 'secret_store' to 'vault'" : "Insert 'secret_store: vault'")];
    fixes[0].isPreferred = false;
    report(nhiSecretStorage, ...at('secret_store'), `${subject} has a long-lived ${credential ?? typeLc} but ${store === 'none' ? "says 'secret_store: none'" : 'records no secret_store'}: an auditor cannot tell where the secret is kept`, fixes, { store: store ?? null, severity: 'warning' });
  } else if (store !== undefined && !(SECRET_STORES as readonly string[]).includes(store)) {
    // Unknown store values are left to the schema; nothing to say here.
  }

  // nhi-third-party
  if (effBool('third_party') === true) {
    const privilege = effText('privilege')?.toLowerCase();
    const problems: string[] = [];
    if (privilege !== 'scoped' && privilege !== 'read-only') problems.push(privilege ? `its privilege is '${privilege}'` : 'no privilege is recorded');
    if (effText('expires') === undefined) problems.push('it has no expiry');
    if (problems.length) {
      report(nhiThirdParty, ...at('third_party'), `${subject} is a third-party identity and ${problems.join(' and ')}: access you cannot rotate or revoke yourself must be scoped and time-bound`, [], { problems });
    }
  }

  // nhi-ci-static-credential / nhi-static-credential
  const ci = typeLc === 'ci-cd-token' || CI_PLATFORM.test(platform);
  if (ci && staticCred) {
    report(nhiCiStaticCredential, ...at('credential'), `${subject} is a CI/CD identity with ${staticPhrase(credential ?? typeLc)}: a pipeline secret leaks with every compromised job, fork or log. Use OIDC federation (short-lived tokens) instead`);
  } else if ((credential === 'static-secret' || credential === 'api-key') && (FEDERATED_PLATFORM.test(platform) || (!platform && typeLc !== undefined && ['service-account', 'service-principal', 'workload-identity'].includes(typeLc)))) {
    report(nhiStaticCredential, ...at('credential'), `${subject} uses ${staticPhrase(credential)}${platform ? ` on ${platform}, which offers federation or managed identities` : ''}: a credential that is never exchanged can be stolen and replayed. Consider federated or managed-identity credentials`);
  }

  // nhi-overprivileged
  const privE = own('privilege');
  if (effText('privilege')?.toLowerCase() === 'admin') {
    report(nhiOverprivileged, ...at('privilege'), `${subject} has admin privilege: a machine identity with administrator rights is the widest blast radius in the inventory. Scope it to what its purpose needs`, [], { privilege: 'admin' });
  }
  void privE;
  const scopesE = own('scopes');
  if (scopesE && scopesE.value) {
    const items: Node[] = isSeq(scopesE.value) ? (scopesE.value.items as Node[]) : [scopesE.value];
    for (const item of items) {
      const s = scalarText(item);
      if (!s || !item.range || !isBroadScope(s)) continue;
      const start = inp.base + item.range[0];
      const end = trimTo(r.lines.text, inp.base + item.range[1], start);
      report(nhiOverprivileged, start, end, `${subject} is granted '${s}', a wildcard or administrator scope: it allows more than anyone reviewed. List the actions it needs`, [], { scope: s });
    }
  }

  // Rotation (long-lived secrets only).
  if (longLived) {
    const rotE = own('rotation');
    const rotText = effText('rotation');
    const maxDays = config.nhi.maxRotationDays;
    const suggested = `P${maxDays}D`;
    const rotDays = parseCadenceDays(rotText);
    if (rotText === undefined) {
      report(nhiRotationMissing, ...at('rotation'), `${subject} has a long-lived ${credential ?? typeLc} but no rotation cadence: a secret that is never rotated stays valid for whoever copied it`, [insertFix('rotation', suggested, rotE ? `Set 'rotation' to ${suggested}` : `Insert 'rotation: ${suggested}'`)]);
    } else if (rotDays === undefined) {
      const never = /^(?:never|none|no|manual|n\/a|false)$/i.test(rotText);
      report(
        nhiRotationMissing,
        ...at('rotation'),
        never ? `${subject} says its ${credential ?? typeLc} is never rotated ('${rotText}'): the secret stays valid for whoever copied it` : `'${rotText}' is not a rotation cadence: write an ISO 8601 duration (P90D) or a word (monthly, quarterly)`,
        rotE ? [{ title: `Set 'rotation' to ${suggested}`, edits: [m.setValueEdit(rotE, suggested)], isPreferred: true }] : [],
        { value: rotText },
      );
    } else {
      if (rotDays > maxDays) {
        report(nhiRotationTooLong, ...at('rotation'), `${subject} rotates every ${rotDays} days ('${rotText}'), longer than the ${maxDays} days allowed (setting nhi.maxRotationDays)`, rotE ? [{ title: `Set 'rotation' to ${suggested}`, edits: [m.setValueEdit(rotE, suggested)], isPreferred: true }] : [], { rotationDays: rotDays, maxDays });
      }
      const lastE = own('last_rotated');
      const last = lastE ? scalarText(lastE.value) : undefined;
      if (last === undefined) {
        report(nhiRotationOverdue, ...at('last_rotated'), `${subject} records no last_rotated date: nothing shows the ${credential ?? typeLc} was ever rotated`, [insertFix('last_rotated', today, lastE ? `Set 'last_rotated' to today (${today})` : `Insert 'last_rotated: ${today}'`)]);
      } else if (parseDate(last) === undefined) {
        report(nhiRotationOverdue, ...at('last_rotated'), `'${last}' is not a date: write last_rotated as YYYY-MM-DD so rotation can be checked`, [{ title: `Set 'last_rotated' to today (${today})`, edits: [m.setValueEdit(lastE!, today)], isPreferred: true }]);
      } else {
        const due = addDays(last, rotDays)!;
        const late = daysBetween(due, today)!;
        if (late > 0) {
          report(nhiRotationOverdue, ...at('last_rotated'), `${subject} is ${late} ${late === 1 ? 'day' : 'days'} overdue for rotation: last rotated ${last.slice(0, 10)}, cadence '${rotText}', due ${due}`, [{ title: `Set 'last_rotated' to today (${today})`, edits: [m.setValueEdit(lastE!, today)], isPreferred: true }], { daysOverdue: late, due });
        }
      }
    }
  }

  // nhi-expired
  const expires = effText('expires');
  if (expires && parseDate(expires) !== undefined) {
    const ago = daysBetween(expires, today)!;
    if (ago > 0) {
      report(nhiExpired, ...at('expires'), `${subject} expired ${ago} ${ago === 1 ? 'day' : 'days'} ago (${expires.slice(0, 10)}): either it was renewed and the inventory is out of date, or it should be offboarded`, [], { daysExpired: ago });
    }
  }

  // nhi-shared-environments
  const envs = [...new Set(effList('environment').map((x) => x.toLowerCase()))];
  if (effBool('shared_across_environments') === true) {
    report(nhiSharedEnvironments, ...at('shared_across_environments'), `${subject} is shared across environments: a credential reachable from test or development opens production. Issue one identity per environment`);
  } else if (envs.length > 1) {
    report(nhiSharedEnvironments, ...at('environment'), `${subject} is used in ${envs.length} environments (${envs.join(', ')}): a credential reachable from one opens all. Issue one identity per environment`, [], { environments: envs });
  }

  // nhi-reuse
  const consumers = effList('used_by');
  if (consumers.length > 1) {
    report(nhiReuse, ...at('used_by'), `${subject} is used by ${consumers.length} consumers (${consumers.join(', ')}): activity cannot be attributed and one compromise reaches all. Give each consumer its own identity`, [], { consumers });
  }

  // nhi-human-use
  if (effBool('human_use') === true) {
    report(nhiHumanUse, ...at('human_use'), `${subject} is also used by people: actions cannot be attributed to a person and the login bypasses MFA and joiner-leaver processes. Give people their own accounts`);
  }

  return {
    ...(id !== undefined ? { id, idStart: idE!.valueStart, idEnd: idE!.valueEnd } : {}),
    ...(effText('name') ? { name: effText('name') } : {}),
    ...(type ? { type } : {}),
    owners: ownership.owners,
    consumers,
    controls,
  };
}

/** The edit adding `ref` to a `controls` entry (flow list, block list, comma string, empty) or inserting `controls: [ref]`. */
export function addControlEdit(m: YamlMapping, e: MappingEntry | undefined, ref: string, eol: string): TextEdit {
  if (!e) return m.insertEdit('controls', `[${ref}]`, eol);
  const text = m.r.lines.text;
  const v = e.value;
  if (!v || e.valueStart === e.valueEnd) return m.setValueEdit(e, `[${ref}]`);
  if (isSeq(v)) {
    const src = text.slice(e.valueStart, e.valueEnd);
    if (src.startsWith('[')) {
      let p = e.valueStart + src.lastIndexOf(']');
      while (p > e.valueStart && /\s/.test(text[p - 1])) p--;
      return m.r.edit(p, p, text[p - 1] === '[' ? ref : `, ${ref}`);
    }
    const last = v.items[v.items.length - 1] as Node | undefined;
    const lines = m.r.lines;
    const itemLine = lines.positionAt(last?.range ? m.base + last.range[0] : e.valueStart).line;
    const endLine = last?.range ? lines.positionAt(trimTo(text, m.base + last.range[1], m.base + last.range[0])).line : itemLine;
    const dash = /^(\s*-\s*)/.exec(lines.lineText(itemLine));
    const at = lines.lineEnd(endLine);
    return m.r.edit(at, at, `${eol}${dash ? dash[1] : ' '.repeat(m.indent + 2) + '- '}${ref}`);
  }
  const quoted = /["']/.test(text[e.valueEnd - 1]);
  const p = quoted ? e.valueEnd - 1 : e.valueEnd;
  return m.r.edit(p, p, `, ${ref}`);
}

/** Reports nhi-id-duplicate on every identity whose id an earlier identity of the inventory already used. */
export function reportDuplicateIds(identities: readonly { id?: string; idRange?: Range }[], r: Reporter): void {
  const first = new Map<string, number>();
  for (const x of identities) {
    if (x.id === undefined || !x.idRange) continue;
    const prev = first.get(x.id);
    if (prev === undefined) {
      first.set(x.id, x.idRange.start.line);
      continue;
    }
    r.findings.push({
      ruleId: nhiIdDuplicate.id,
      message: `The id '${x.id}' is already used by the identity on line ${prev + 1}: access reviews, tickets and evidence cannot tell the two apart (${citation(nhiIdDuplicate)}). Give each identity its own id.`,
      range: x.idRange,
      fixes: [],
      data: { identity: x.id, firstLine: prev },
    });
  }
}

/** Checks the header's `defaults:`: an unreadable review cadence there would silently apply to every identity. */
export function checkDefaults(defaultsMap: YAMLMap, base: number, r: Reporter): void {
  const m = new YamlMapping(defaultsMap, base, r);
  checkFields(m, 'defaults', r, {});
  const cad = m.get('review_cadence');
  const t = cad ? scalarText(cad.value) : undefined;
  if (cad && t !== undefined && parseCadenceDays(t) === undefined) {
    r.add('review-cadence-invalid', cad.valueStart, cad.valueEnd, `'${t}' in defaults is not a review cadence: write an ISO 8601 duration (P90D, P3M, P1Y) or daily, weekly, monthly, quarterly, semiannual, annual. Every identity inherits it (NHI1:2025 Improper Offboarding, NHI5:2025 Overprivileged NHI; CSF PR.AA-05, ISO 27001 A.5.18).`, [], { value: t });
  }
}

const KNOWN_KEYS = IDENTITY_FIELDS.map((f) => f.key);

/** nhi-field-invalid: near-miss keys, values outside an enum, booleans and dates that are not. */
function checkFields(m: YamlMapping, where: 'identity' | 'defaults', r: Reporter, data: Record<string, unknown>): void {
  const cite = citation(nhiFieldInvalid);
  for (const key of m.keys()) {
    const e = m.get(key)!;
    const field = IDENTITY_FIELD.get(key);
    if (!field) {
      const near = closestKey(key);
      if (near && !m.get(near)) {
        r.add(
          nhiFieldInvalid.id,
          e.keyStart,
          e.keyEnd,
          `Unknown key '${key}' (did you mean '${near}'?): tools and auditors will not read it as '${near}' (${cite}).`,
          [{ title: `Rename to '${near}'`, edits: [r.edit(e.keyStart, e.keyEnd, near)], isPreferred: true, safe: true }],
          { ...data, key, suggestion: near },
        );
      }
      continue;
    }
    if (where === 'defaults' && !field.inheritable) {
      r.add(nhiFieldInvalid.id, e.keyStart, e.keyEnd, `'${key}' is not inherited from defaults: set it on each identity (inherited keys: ${DEFAULTABLE_KEYS.join(', ')}) (${cite}).`, [], { key });
      continue;
    }
    const v = e.value;
    if (!v || e.valueStart === e.valueEnd) continue; // empty: the *-missing rules speak for it
    const text = scalarText(v);
    const bad = (msg: string, fixes: Fix[] = [], extra: Record<string, unknown> = {}) =>
      r.add(nhiFieldInvalid.id, e.valueStart, e.valueEnd, `${msg} (${cite}).`, fixes, { ...data, key, ...extra });
    switch (field.type) {
      case 'enum': {
        if (key === 'type' || key === 'kind') break; // nhi-type-unknown
        if (text === undefined || !isScalar(v)) {
          bad(`'${key}' must be one of ${field.values!.join(', ')}`);
          break;
        }
        if (field.values!.includes(text.toLowerCase())) break;
        const near = closestWord(text, field.values!);
        bad(
          `'${text}' is not a ${key.replace(/_/g, ' ')} value${near ? ` (did you mean '${near}'?)` : ''}: expected one of ${field.values!.join(', ')}; the checks that depend on it cannot apply`,
          near ? [{ title: `Change to '${near}'`, edits: [m.setValueEdit(e, near)], isPreferred: true, safe: true }] : [],
          near ? { suggestion: near } : {},
        );
        break;
      }
      case 'boolean':
        if (!isScalar(v) || typeof v.value !== 'boolean') bad(`'${key}' must be true or false, not '${r.lines.text.slice(e.valueStart, e.valueEnd)}'`);
        break;
      case 'date':
        if (key === 'last_reviewed' || key === 'last_rotated') break; // review-date-missing, nhi-rotation-overdue
        if (text === undefined || parseDate(text) === undefined) bad(`'${key}' must be a date written YYYY-MM-DD, not '${r.lines.text.slice(e.valueStart, e.valueEnd)}'`);
        break;
      case 'strings':
        if (!isSeq(v) && !isScalar(v)) bad(`'${key}' must be a list of values such as [a, b]`);
        break;
    }
  }
}

function closestKey(key: string): string | undefined {
  const k = key.toLowerCase().replace(/[\s-]+/g, '_');
  if (KNOWN_KEYS.includes(k)) return k;
  const aliases: Record<string, string> = { owners: 'owner', description: 'purpose', env: 'environment', environments: 'environment', scope: 'scopes', permissions: 'scopes', consumers: 'used_by', used_by_services: 'used_by', expiry: 'expires', expires_at: 'expires', expiration: 'expires', rotated: 'last_rotated', last_rotation: 'last_rotated', rotation_period: 'rotation', rotation_cadence: 'rotation', review_frequency: 'review_cadence', reviewed: 'last_reviewed', last_review: 'last_reviewed', secret_storage: 'secret_store', store: 'secret_store', vault: 'secret_store', thirdparty: 'third_party', vendor: 'third_party' };
  if (aliases[k]) return aliases[k];
  return closest(k, KNOWN_KEYS, k.length > 6 ? 2 : 1);
}

/** `defaults:` as plain values. */
export function defaultsOf(node: Node | null | undefined): Record<string, unknown> {
  const v = plainValue(node);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function closestWord(s: string, words: readonly string[]): string | undefined {
  const v = s.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (words.includes(v)) return v;
  const alias: Record<string, string> = {
    'service-acct': 'service-account', svc: 'service-account', sa: 'service-account', apikey: 'api-key', key: 'api-key',
    'personal-access-token': 'pat', cert: 'certificate', 'tls-certificate': 'certificate', ssh: 'ssh-key', oauth: 'oauth-app',
    'oauth-client': 'oauth-app', spn: 'service-principal', 'managed-identity': 'workload-identity', 'ci-token': 'ci-cd-token',
    'cicd-token': 'ci-cd-token', 'ci-cd': 'ci-cd-token', agent: 'ai-agent', 'llm-agent': 'ai-agent', robot: 'bot',
  };
  if (alias[v]) return alias[v];
  return closest(v, words, Math.max(2, Math.floor(v.length / 4)));
}

function trimTo(text: string, end: number, min: number): number {
  while (end > min && /[\r\n \t,]/.test(text[end - 1])) end--;
  return end;
}

export { PRIVILEGES, CREDENTIALS };

/** "a static secret", "a static API key": a static credential or identity type in words. */
function staticPhrase(kind: string | undefined): string {
  const words: Record<string, string> = { 'static-secret': 'secret', 'api-key': 'API key', pat: 'personal access token', token: 'token', 'ssh-key': 'SSH key' };
  return `a static ${words[kind ?? ''] ?? kind ?? 'credential'}`;
}
