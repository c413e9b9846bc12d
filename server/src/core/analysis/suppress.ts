/**
 * The suppression step: the one place where directives (lang/suppressions.ts) are applied to a file's final
 * findings, the cross-file ones included (IsmsService.check, and the CLI once every file is indexed). A
 * covered finding is kept, marked `suppressed` with the directive's reason; the suppression rules
 * (rules/suppression/) then judge the directives. Cheap: without directives the findings come back as given.
 */
import type { SuppressionDirective } from '../lang/suppressions';
import { covers } from '../lang/suppressions';
import { parseDate } from '../dates';
import type { Finding, Severity } from '../types';
import type { SuppressionUse } from '../rules/context';
import { compareFindings, type RawFinding } from '../report';
import { allRules, ruleMeta, unitsReading } from '../rules/registry';
import { isPlaceholderReason } from '../lang/words';

export type SuppressionState = 'active' | 'expired' | 'unused' | 'unjustified';

/** One suppression as an auditor samples it (`isms exceptions`). Lines are 0-based. */
export interface SuppressionRecord {
  line: number;
  form: SuppressionDirective['form'];
  /** The rule IDs named; empty: every rule. */
  rules: string[];
  reason: string;
  expires?: string;
  state: SuppressionState;
  /** How many findings it suppresses now. */
  suppressed: number;
  owner?: string;
}

export interface SuppressOptions {
  today: string;
  /** The configured severity of a rule (undefined: off). */
  severity(ruleId: string, findingDefault?: unknown): Severity | undefined;
}

const FORM_RANK = { 'next-line': 0, block: 1, file: 2 } as const;

/** `findings` (sorted) with the directives applied, the suppression rules' findings added; and one record per directive. */
export function applySuppressions(findings: readonly Finding[], directives: readonly SuppressionDirective[], o: SuppressOptions): { findings: Finding[]; records: SuppressionRecord[] } {
  if (!directives.length) return { findings: findings.slice(), records: [] };
  const todayDay = parseDate(o.today);
  const uses = directives.map((d) => {
    const day = d.expires === undefined ? undefined : parseDate(d.expires);
    return {
      directive: d,
      used: new Map<string, number>(),
      total: 0,
      expired: day !== undefined && todayDay !== undefined && todayDay > day,
      lapsed: 0,
      badExpiry: d.expires !== undefined && day === undefined,
    };
  });
  const out: Finding[] = [];
  // A sweep over the lines: the directives whose lines have begun and not ended (findings come sorted by position).
  const byFrom = uses.slice().sort((a, b) => a.directive.from - b.directive.from);
  let next = 0;
  let active: typeof uses = [];
  let lastLine = -1;
  for (const f of findings) {
    if (f.ruleId.startsWith('suppression-')) {
      out.push(f);
      continue;
    }
    const line = f.range.start.line;
    if (line < lastLine) {
      // (Not sorted after all: start again from the first directive.)
      next = 0;
      active = [];
    }
    lastLine = line;
    while (next < byFrom.length && byFrom[next].directive.from <= line) active.push(byFrom[next++]);
    if (active.some((u) => u.directive.to < line)) active = active.filter((u) => u.directive.to >= line);
    let best: (typeof uses)[number] | undefined;
    for (const u of active) {
      if (!covers(u.directive, f.ruleId, line)) continue;
      if (u.expired) {
        u.lapsed++;
        continue;
      }
      const key = u.directive.rules.length ? f.ruleId : '*';
      u.used.set(key, (u.used.get(key) ?? 0) + 1);
      u.total++;
      if (!best || FORM_RANK[u.directive.form] < FORM_RANK[best.directive.form] || (FORM_RANK[u.directive.form] === FORM_RANK[best.directive.form] && u.directive.line > best.directive.line)) best = u;
    }
    if (!best) {
      out.push(f);
      continue;
    }
    const d = best.directive;
    out.push({ ...f, suppressed: { reason: d.reason, ...(d.expires !== undefined ? { expires: d.expires } : {}), line: d.line } });
  }
  const raw: RawFinding[] = [];
  const ruleIds = allRules().map((r) => r.id);
  const ctx = {
    uses: uses as readonly SuppressionUse[],
    today: o.today,
    known: (id: string) => ruleMeta(id) !== undefined,
    enabled: (id: string) => o.severity(id) !== undefined,
    ruleIds,
    add: (ruleId: string, range: Finding['range'], message: string, fixes: Finding['fixes'] = [], data?: Record<string, unknown>) => {
      raw.push({ ruleId, message, range, fixes, ...(data ? { data } : {}) });
    },
  };
  for (const unit of unitsReading('suppressions')) unit.suppressions!(ctx);
  for (const r of raw) {
    const sev = o.severity(r.ruleId, r.data?.severity);
    if (sev) out.push({ ...r, severity: sev });
  }
  out.sort(compareFindings);
  const records = uses.map((u): SuppressionRecord => {
    const d = u.directive;
    // (What suppression-unjustified judges, whatever its configured severity.)
    const unjustified = u.badExpiry || isPlaceholderReason(d.reason);
    const state: SuppressionState = u.expired ? 'expired' : unjustified ? 'unjustified' : u.total === 0 ? 'unused' : 'active';
    return {
      line: d.line,
      form: d.form,
      rules: d.rules.map((r) => r.id),
      reason: d.reason,
      ...(d.expires !== undefined ? { expires: d.expires } : {}),
      state,
      suppressed: u.total,
      ...(d.owner !== undefined ? { owner: d.owner } : {}),
    };
  });
  return { findings: out, records };
}
