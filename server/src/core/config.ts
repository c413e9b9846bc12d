import type { SeveritySetting } from './types';
import { closest } from './lang/document';
import type { OwnerRegistry } from './lang/owners';

/** The canonical front matter keys (rules/document.ts FRONT_MATTER_KEYS; kept equal by test/schemas.test.ts). */
export const FRONT_MATTER_KEY_NAMES: readonly string[] = [
  'title', 'type', 'owner', 'owner_contact', 'owner_slack', 'approver', 'review_cadence', 'last_reviewed', 'reviews', 'next_review',
  'effective_date', 'status', 'version', 'scope', 'controls', 'id', 'classification', 'description', 'tags',
  'evidence', 'isms-disable',
];

export const FRAMEWORK_IDS = ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi', 'sp800-53'] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

/**
 * Everything a check depends on besides the text. The VS Code settings (`isms.*`) and the
 * repository file `.isms.yaml` both map onto this one shape, so the editor and the CLI agree.
 */
export interface Config {
  /** Frameworks whose references are checked and offered. */
  frameworks: FrameworkId[];
  /** Per-rule severity overrides; 'off' disables a rule. */
  rules: Record<string, SeveritySetting>;
  /** Globs (workspace-relative) of YAML files that are NHI inventories, besides `*.nhi.yaml`. */
  inventoryGlobs: string[];
  /** Globs of Markdown files that are ISMS process documents whatever their front matter. */
  documentGlobs: string[];
  /** Globs the CLI and the workspace index skip. */
  ignoreGlobs: string[];
  /** The day dates are judged against (YYYY-MM-DD); undefined = the real clock. */
  today?: string;
  /** The owners registry (`owners:` in .isms.yaml): its path relative to the project root; default `owners.yaml`. */
  owners?: string;
  /**
   * The owners registry as read (lang/owners.ts readOwners): set by the host through IsmsService.setOwners, never
   * from .isms.yaml. The owner-unknown and owner-inactive rules read it; without it they are silent.
   */
  ownerRegistry?: OwnerRegistry;
  /** Discovery of the identities infrastructure code declares (docs/discovery.md). */
  discovery: DiscoveryConfig;
  /** The SOC 2 Type II period (`audit_period` in .isms.yaml): the default of `isms soc2`, and what review-period-gap checks. */
  auditPeriod?: AuditPeriod;
  nhi: {
    staleAfterDays: number;
    maxRotationDays: number;
  };
  documents: {
    /** Required sections per document type; merged over the defaults. */
    requiredSections: Record<string, string[]>;
    /** Extra front matter key aliases: alias -> canonical key. */
    keyAliases: Record<string, string>;
  };
  /** The Statement of Applicability: ISO/IEC 27001:2022 Annex A controls excluded, each with its justification. */
  soa: {
    excluded: Record<string, string>;
  };
  /** The CSF 2.0 target Organizational Profile: per function, category or subcategory ID, what is aimed for. */
  profile: {
    target: Record<string, ProfileTarget>;
  };
}

/** `discovery:` of .isms.yaml (docs/discovery.md). */
export interface DiscoveryConfig {
  /** Off: no infrastructure file is read, no discovery rule reports. */
  enabled: boolean;
  /** Workspace-relative globs of the infrastructure files read (replace the defaults when given). */
  include: string[];
  /** Globs left out of `include`. */
  exclude: string[];
  /** The inventory the "Add to inventory" fix and `isms discover --write` use by default (relative to the project root). */
  inventory?: string;
}

/** The infrastructure files read by default: Terraform, GitHub Actions workflows, Kubernetes manifests in the usual folders. */
/** The owners registry read when `.isms.yaml` names none (`owners:`; docs/owners.md), relative to the project root. */
export const DEFAULT_OWNERS_FILE = 'owners.yaml';

export const DEFAULT_DISCOVERY_INCLUDE: readonly string[] = [
  '**/*.tf',
  '**/.github/workflows/*.{yml,yaml}',
  '**/k8s/**/*.{yml,yaml}',
  '**/kubernetes/**/*.{yml,yaml}',
  '**/manifests/**/*.{yml,yaml}',
  '**/deploy/**/*.{yml,yaml}',
  '**/*.k8s.{yml,yaml}',
];

/** A target of the CSF 2.0 Organizational Profile (the Target columns of NIST's template). */
export interface ProfileTarget {
  /** high, medium, low, or a rank (1, 2, ...). */
  priority?: string;
  /** Achieved, Partially achieved or Not applicable (the subcategory is left out of the target). */
  status?: string;
  /** Target policies, processes and procedures. */
  policies?: string;
  notes?: string;
}

export const TARGET_STATUSES = ['Achieved', 'Partially achieved', 'Not applicable'] as const;
const PRIORITIES = ['high', 'medium', 'low'];

export const DEFAULT_FRAMEWORKS: FrameworkId[] = ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi'];

export function defaultConfig(): Config {
  return {
    frameworks: [...DEFAULT_FRAMEWORKS],
    rules: {},
    inventoryGlobs: [],
    documentGlobs: [],
    ignoreGlobs: ['**/node_modules/**', '**/.git/**'],
    nhi: { staleAfterDays: 90, maxRotationDays: 90 },
    discovery: { enabled: true, include: [...DEFAULT_DISCOVERY_INCLUDE], exclude: [] },
    documents: { requiredSections: {}, keyAliases: {} },
    soa: { excluded: {} },
    profile: { target: {} },
  };
}

/** A period of days, both ends included (YYYY-MM-DD, start <= end). */
export interface AuditPeriod {
  start: string;
  end: string;
}

/**
 * A period written `2026-01-01..2026-12-31` or as a mapping `{ start: 2026-01-01, end: 2026-12-31 }`: the period,
 * or what is wrong with it (each end a calendar day YYYY-MM-DD, start not after end).
 */
export function parsePeriod(value: unknown): AuditPeriod | string {
  let start: unknown;
  let end: unknown;
  if (typeof value === 'string') {
    const m = /^\s*(\S+?)\s*\.\.\s*(\S+?)\s*$/.exec(value);
    if (!m) return `a period is written START..END (e.g. 2026-01-01..2026-12-31), not '${value}'`;
    [start, end] = [m[1], m[2]];
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'start' && k !== 'end') return `unknown key '${k}' in a period (expected start and end)`;
    [start, end] = [o.start, o.end];
  } else return `a period is written START..END or { start, end }, not '${String(value)}'`;
  const text = (v: unknown) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v.trim() : v === undefined ? '' : String(v));
  const [s, e] = [text(start), text(end)];
  if (!isCalendarDate(s)) return `the period's start must be a calendar date YYYY-MM-DD, not '${s}'`;
  if (!isCalendarDate(e)) return `the period's end must be a calendar date YYYY-MM-DD, not '${e}'`;
  if (s > e) return `the period starts (${s}) after it ends (${e})`;
  return { start: s, end: e };
}

export interface ConfigProblem {
  path: string;
  message: string;
  /** What the problem is about: the key at `path` (an unknown key), else its value. */
  on?: 'key' | 'value';
  /** The list item at `path` that is wrong (an unknown framework). */
  item?: number;
  /** 'warning' does not stop a run (a glob that matches nothing); default 'error'. */
  severity?: 'error' | 'warning';
}

/** The top-level keys of `.isms.yaml` mergeConfig accepts (schemas/isms-config.schema.json has exactly these). */
export const CONFIG_KEYS: readonly string[] = [
  'frameworks', 'rules', 'inventoryGlobs', 'documentGlobs', 'ignoreGlobs', 'today', 'audit_period', 'auditPeriod', 'nhi', 'documents', 'soa', 'profile',
  'owners', 'discovery',
];

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'info', 'hint', 'off'];
const SEVERITIES = new Set<string>(SEVERITY_SETTINGS);

/** `unknown <what> 'x'` with the nearest known name when one is close (lang/document closest). */
export function unknownName(what: string, name: string, known: Iterable<string>): string {
  const near = closest(name, known);
  return `unknown ${what} '${name}'${near ? ` (did you mean '${near}'?)` : ''}`;
}

export interface MergeOptions {
  /** The rule IDs `rules:` may name (rules/registry allRules); unchecked when not given. */
  ruleIds?: readonly string[];
}

/**
 * Merges a loosely typed settings object (from VS Code or `.isms.yaml`) over a base config.
 * Unknown or ill-typed values are reported, never thrown, and leave the base value in place.
 */
export function mergeConfig(base: Config, raw: unknown, problems: ConfigProblem[] = [], options: MergeOptions = {}): Config {
  const out: Config = structuredClone(base);
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ path: '', message: 'configuration must be a mapping' });
    return out;
  }
  const r = raw as Record<string, unknown>;
  const strings = (key: string, v: unknown): string[] | undefined => {
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    problems.push({ path: key, message: `${key} must be a list of strings` });
    return undefined;
  };
  for (const [key, value] of Object.entries(r)) {
    switch (key) {
      case 'frameworks': {
        const list = strings(key, value);
        if (!list) break;
        const ok: FrameworkId[] = [];
        list.forEach((f, item) => {
          const id = f.toLowerCase() as FrameworkId;
          if ((FRAMEWORK_IDS as readonly string[]).includes(id)) ok.push(id);
          else {
            const near = closest(f, FRAMEWORK_IDS);
            problems.push({ path: key, item, message: `unknown framework '${f}'${near ? ` (did you mean '${near}'?)` : ''} (known: ${FRAMEWORK_IDS.join(', ')})` });
          }
        });
        out.frameworks = ok;
        break;
      }
      case 'rules':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [rule, sev] of Object.entries(value as Record<string, unknown>)) {
            if (options.ruleIds && !options.ruleIds.includes(rule)) problems.push({ path: `rules.${rule}`, on: 'key', message: unknownName('rule', rule, options.ruleIds) });
            else if (typeof sev === 'string' && SEVERITIES.has(sev)) out.rules[rule] = sev as SeveritySetting;
            else problems.push({ path: `rules.${rule}`, message: `severity must be one of ${[...SEVERITIES].join(', ')}, not '${String(sev)}'` });
          }
        } else problems.push({ path: key, message: 'rules must be a mapping of rule id to severity' });
        break;
      case 'inventoryGlobs':
      case 'documentGlobs':
      case 'ignoreGlobs': {
        const list = strings(key, value);
        if (list) out[key] = list;
        break;
      }
      case 'today':
        if (value instanceof Date && !Number.isNaN(value.getTime())) out.today = value.toISOString().slice(0, 10);
        else if (typeof value === 'string' && isCalendarDate(value)) out.today = value;
        else problems.push({ path: key, message: `today must be a calendar date YYYY-MM-DD, not '${String(value)}'` });
        break;
      case 'owners':
        if (typeof value === 'string' && value.trim()) out.owners = value.trim();
        else problems.push({ path: key, message: `owners must be the path of the owners registry (e.g. owners.yaml), not '${String(value)}'` });
        break;
      case 'audit_period':
      case 'auditPeriod': {
        const p = parsePeriod(value);
        if (typeof p === 'string') problems.push({ path: key, message: p });
        else out.auditPeriod = p;
        break;
      }
      case 'nhi':
        if (isMapping(value)) {
          for (const [k, v] of Object.entries(value)) {
            if (k !== 'staleAfterDays' && k !== 'maxRotationDays') problems.push({ path: `nhi.${k}`, on: 'key', message: unknownName('setting', `nhi.${k}`, ['nhi.staleAfterDays', 'nhi.maxRotationDays']) + ' (known: staleAfterDays, maxRotationDays)' });
            else if (typeof v === 'number' && v > 0) out.nhi[k] = v;
            else problems.push({ path: `nhi.${k}`, message: `nhi.${k} must be a positive number of days, not '${String(v)}'` });
          }
        } else problems.push({ path: key, message: 'nhi must be a mapping, e.g. nhi: { staleAfterDays: 90, maxRotationDays: 90 }' });
        break;
      case 'documents':
        if (isMapping(value)) {
          const d = value;
          for (const k of Object.keys(d)) {
            if (k !== 'requiredSections' && k !== 'keyAliases')
              problems.push({ path: `documents.${k}`, on: 'key', message: unknownName('setting', `documents.${k}`, ['documents.requiredSections', 'documents.keyAliases']) + ' (known: requiredSections, keyAliases)' });
            else if (!isMapping(d[k])) problems.push({ path: `documents.${k}`, message: `documents.${k} must be a mapping` });
          }
          if (d.requiredSections && typeof d.requiredSections === 'object') {
            for (const [t, list] of Object.entries(d.requiredSections as Record<string, unknown>)) {
              const l = strings(`documents.requiredSections.${t}`, list);
              if (l) out.documents.requiredSections[t] = l;
            }
          }
          if (d.keyAliases && typeof d.keyAliases === 'object') {
            for (const [a, c] of Object.entries(d.keyAliases as Record<string, unknown>)) {
              if (typeof c === 'string' && FRONT_MATTER_KEY_NAMES.includes(c)) out.documents.keyAliases[a] = c;
              else problems.push({ path: `documents.keyAliases.${a}`, message: `alias target must be a front matter key (${FRONT_MATTER_KEY_NAMES.join(', ')})` });
            }
          }
        } else problems.push({ path: key, message: 'documents must be a mapping with requiredSections and keyAliases' });
        break;
      case 'soa':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const excluded = (value as Record<string, unknown>).excluded;
          if (excluded !== undefined && (typeof excluded !== 'object' || excluded === null || Array.isArray(excluded))) {
            problems.push({ path: 'soa.excluded', message: 'must be a mapping of Annex A control to justification, e.g. { A.7.4: "no physical premises; cloud-only" }' });
            break;
          }
          for (const [id, why] of Object.entries((excluded ?? {}) as Record<string, unknown>)) {
            const m = /^(?:ISO\s?27001:\s?)?(A\.[5-8]\.\d{1,2})$/i.exec(id.trim());
            if (!m) problems.push({ path: `soa.excluded.${id}`, message: `'${id}' is not an ISO/IEC 27001:2022 Annex A control (A.5.1 to A.8.34)` });
            else if (typeof why !== 'string' || why.trim() === '')
              problems.push({ path: `soa.excluded.${id}`, message: 'an exclusion from the Statement of Applicability needs its justification (ISO/IEC 27001:2022 6.1.3 d)' });
            else out.soa.excluded[m[1].toUpperCase()] = why.trim();
          }
        } else problems.push({ path: key, message: 'soa must be a mapping, e.g. soa: { excluded: { A.7.4: "no physical premises" } }' });
        break;
      case 'profile':
        mergeProfile(out, value, problems);
        break;
      case 'discovery':
        mergeDiscovery(out, value, problems);
        break;
      default:
        problems.push({ path: key, on: 'key', message: unknownName('setting', key, CONFIG_KEYS) });
    }
  }
  return out;
}

const isMapping = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * `profile: { target: { <CSF function, category or subcategory>: { priority, status, policies, notes } } }`. The
 * shape and values are checked here; whether an ID exists in CSF 2.0 is checked against the catalog by coverage().
 */
function mergeProfile(out: Config, value: unknown, problems: ConfigProblem[]): void {
  const example = 'e.g. profile: { target: { GV.OC-01: { priority: high, status: Achieved }, PR: { priority: medium } } }';
  if (!isMapping(value)) {
    problems.push({ path: 'profile', message: `profile must be a mapping, ${example}` });
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'target') {
      problems.push({ path: `profile.${k}`, on: 'key', message: `unknown setting 'profile.${k}' (known: target)` });
      continue;
    }
    if (!isMapping(v)) {
      problems.push({ path: 'profile.target', message: `must be a mapping of CSF 2.0 function, category or subcategory to its target, ${example}` });
      continue;
    }
    for (const [id, t] of Object.entries(v)) {
      const path = `profile.target.${id}`;
      const m = /^(?:CSF:\s?)?([A-Z]{2}(?:\.[A-Z]{2}(?:-\d{2})?)?)$/i.exec(id.trim());
      if (!m) {
        problems.push({ path, message: `'${id}' is not a CSF 2.0 function, category or subcategory (GV, GV.OC or GV.OC-01)` });
        continue;
      }
      if (!isMapping(t)) {
        problems.push({ path, message: 'a target must be a mapping with priority, status, policies or notes, e.g. { priority: high, status: Achieved }' });
        continue;
      }
      const target: ProfileTarget = {};
      for (const [f, fv] of Object.entries(t)) {
        const text = typeof fv === 'number' ? String(fv) : typeof fv === 'string' ? fv.trim() : undefined;
        switch (f) {
          case 'priority':
            if (text !== undefined && PRIORITIES.includes(text.toLowerCase())) target.priority = text.toLowerCase();
            else if (text !== undefined && /^[1-9]\d{0,2}$/.test(text)) target.priority = text;
            else problems.push({ path: `${path}.priority`, message: `priority must be high, medium, low or a rank (1, 2, ...), not '${String(fv)}'` });
            break;
          case 'status': {
            const s = TARGET_STATUSES.find((x) => x.toLowerCase() === text?.toLowerCase());
            if (s) target.status = s;
            else problems.push({ path: `${path}.status`, message: `status must be ${TARGET_STATUSES.join(', ')}, not '${String(fv)}'` });
            break;
          }
          case 'policies':
          case 'notes':
            if (typeof fv === 'string' && fv.trim()) target[f] = fv.trim();
            else problems.push({ path: `${path}.${f}`, message: `${f} must be text` });
            break;
          default:
            problems.push({ path: `${path}.${f}`, on: 'key', message: `unknown target field '${f}' (known: priority, status, policies, notes)` });
        }
      }
      out.profile.target[m[1].toUpperCase()] = target;
    }
  }
}

/** True for a real calendar day written YYYY-MM-DD (2026-02-29 and 2026-13-45 are not): `today` here and `--today`. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d); // (Date.UTC would read years 0-99 as 1900-1999)
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const DISCOVERY_KEYS = ['enabled', 'include', 'exclude', 'inventory'];

/** `discovery: { enabled, include, exclude, inventory }`. */
function mergeDiscovery(out: Config, value: unknown, problems: ConfigProblem[]): void {
  if (!isMapping(value)) {
    problems.push({ path: 'discovery', message: 'discovery must be a mapping, e.g. discovery: { include: ["infra/**/*.tf"], inventory: identities/prod.nhi.yaml }' });
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const path = `discovery.${k}`;
    switch (k) {
      case 'enabled':
        if (typeof v === 'boolean') out.discovery.enabled = v;
        else problems.push({ path, message: `discovery.enabled must be true or false, not '${String(v)}'` });
        break;
      case 'include':
      case 'exclude':
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out.discovery[k] = v as string[];
        else problems.push({ path, message: `${path} must be a list of strings` });
        break;
      case 'inventory':
        if (typeof v === 'string' && v.trim()) out.discovery.inventory = v.trim().replace(/^\.\//, '');
        else problems.push({ path, message: `discovery.inventory must be the path of an inventory (e.g. identities/prod.nhi.yaml), not '${String(v)}'` });
        break;
      default:
        problems.push({ path, on: 'key', message: unknownName('setting', path, DISCOVERY_KEYS.map((x) => `discovery.${x}`)) + ` (known: ${DISCOVERY_KEYS.join(', ')})` });
    }
  }
}
