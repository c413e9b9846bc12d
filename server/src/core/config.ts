import type { SeveritySetting } from './types';

/** The canonical front matter keys (rules/document.ts FRONT_MATTER_KEYS; kept equal by test/schemas.test.ts). */
export const FRONT_MATTER_KEY_NAMES: readonly string[] = [
  'title', 'type', 'owner', 'owner_contact', 'owner_slack', 'approver', 'review_cadence', 'last_reviewed', 'next_review',
  'effective_date', 'status', 'version', 'scope', 'controls', 'id', 'classification', 'description', 'tags',
  'isms-disable',
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
}

export const DEFAULT_FRAMEWORKS: FrameworkId[] = ['csf', 'iso27001', 'iso27002', 'soc2', 'nhi'];

export function defaultConfig(): Config {
  return {
    frameworks: [...DEFAULT_FRAMEWORKS],
    rules: {},
    inventoryGlobs: [],
    documentGlobs: [],
    ignoreGlobs: ['**/node_modules/**', '**/.git/**'],
    nhi: { staleAfterDays: 90, maxRotationDays: 90 },
    documents: { requiredSections: {}, keyAliases: {} },
    soa: { excluded: {} },
  };
}

export interface ConfigProblem {
  path: string;
  message: string;
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/**
 * Merges a loosely typed settings object (from VS Code or `.isms.yaml`) over a base config.
 * Unknown or ill-typed values are reported, never thrown, and leave the base value in place.
 */
export function mergeConfig(base: Config, raw: unknown, problems: ConfigProblem[] = []): Config {
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
        for (const f of list) {
          const id = f.toLowerCase() as FrameworkId;
          if ((FRAMEWORK_IDS as readonly string[]).includes(id)) ok.push(id);
          else problems.push({ path: key, message: `unknown framework '${f}' (known: ${FRAMEWORK_IDS.join(', ')})` });
        }
        out.frameworks = ok;
        break;
      }
      case 'rules':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [rule, sev] of Object.entries(value as Record<string, unknown>)) {
            if (typeof sev === 'string' && SEVERITIES.has(sev)) out.rules[rule] = sev as SeveritySetting;
            else problems.push({ path: `rules.${rule}`, message: `severity must be one of ${[...SEVERITIES].join(', ')}` });
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
        if (typeof value === 'string' && isCalendarDate(value)) out.today = value;
        else problems.push({ path: key, message: `today must be a calendar date YYYY-MM-DD, not '${String(value)}'` });
        break;
      case 'nhi':
        if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if ((k === 'staleAfterDays' || k === 'maxRotationDays') && typeof v === 'number' && v > 0) out.nhi[k] = v;
            else problems.push({ path: `nhi.${k}`, message: 'expected staleAfterDays or maxRotationDays, a positive number' });
          }
        }
        break;
      case 'documents':
        if (value && typeof value === 'object') {
          const d = value as Record<string, unknown>;
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
        }
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
      default:
        problems.push({ path: key, message: `unknown setting '${key}'` });
    }
  }
  return out;
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
