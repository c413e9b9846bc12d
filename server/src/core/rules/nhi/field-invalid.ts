/**
 * nhi-field-invalid: near-miss keys ("did you mean"), enumerated values outside their list, booleans and
 * dates that are not, a rotation that is no duration (for identities whose secret is not long-lived: the
 * rotation rules speak for those), a near miss of a common environment name, on an identity and on the
 * inventory's `defaults:` (where a key that is not inherited is reported too).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseCadenceDays, parseDate } from '../../dates';
import { closest } from '../../lang/document';
import { DEFAULTABLE_KEYS, IDENTITY_FIELD, IDENTITY_FIELDS } from '../../lang/inventory-schema';
import { scalarText, type YamlMapping } from '../../lang/yaml-mapping';
import type { Reporter } from '../../report';
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { citation, closestWord, trimTo } from './context';
import { COMMON_ENVIRONMENTS, nearestCadence } from '../../lang/words';
import { readHistory } from '../../lang/history';

export const nhiFieldInvalid = defineRule({
  id: 'nhi-field-invalid',
  description: 'A near-miss key (`ownr`, with "did you mean"), a `privilege`, `credential` or `secret_store` value outside its list, a boolean or date that is not one, or a non-inherited key under `defaults:`.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.9', 'CSF:PR.AA-01'],
});

export const fieldInvalid: RuleUnit = {
  meta: [nhiFieldInvalid],
  identity(c) {
    // A long-lived secret's unreadable rotation is nhi-rotation-missing's.
    checkFields(c.m, 'identity', c.r, c.data, c.longLived, c.today);
  },
  defaults(c) {
    // (The defaults' context has no today: a future date there is left out of every identity's history, not reported.)
    checkFields(c.m, 'defaults', c.r, {}, false, '9999-12-31');
  },
};

const KNOWN_KEYS = IDENTITY_FIELDS.map((f) => f.key);

function checkFields(m: YamlMapping, where: 'identity' | 'defaults', r: Reporter, data: Record<string, unknown>, longLived: boolean, today: string): void {
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
      case 'history':
        // Each entry a date or {date, by, outcome}; not after today (lang/history.ts).
        for (const p of readHistory(v, key, today).problems) {
          const s = m.base + p.start;
          r.add(nhiFieldInvalid.id, s, Math.max(s + 1, trimTo(r.lines.text, m.base + p.end, s)), `'${key}': ${p.message} (${cite}).`, [], { ...data, key });
        }
        break;
      case 'strings':
        if (!isSeq(v) && !isScalar(v)) bad(`'${key}' must be a list of values such as [a, b]`);
        break;
      case 'owner-history': {
        // previous_owners: [{owner, until}], `until` a date not after today.
        if (!isSeq(v)) {
          bad(`'${key}' must be a list of mappings {owner, until} (until: YYYY-MM-DD)`);
          break;
        }
        for (const item of v.items as Node[]) {
          if (!item?.range) continue;
          const s = m.base + item.range[0];
          const end = Math.max(s + 1, trimTo(r.lines.text, m.base + item.range[1], s));
          const at = (msg: string) => r.add(nhiFieldInvalid.id, s, end, `'${key}': ${msg} (${cite}).`, [], { ...data, key });
          if (!isMap(item)) {
            at('each entry is a mapping {owner, until}, e.g. { owner: alice, until: 2026-03-31 }');
            continue;
          }
          const owner = scalarText(item.get('owner', true) as Node | undefined);
          const until = scalarText(item.get('until', true) as Node | undefined);
          if (!owner) at('an entry without its owner');
          if (until === undefined || parseDate(until) === undefined) at(`'until' must be a date written YYYY-MM-DD${until ? `, not '${until}'` : ''}`);
          else if (until.slice(0, 10) > today) at(`'until' ${until.slice(0, 10)} is after today: a hand-over on record cannot lie in the future (the current owner is 'owner')`);
        }
        break;
      }
      case 'cadence': {
        // review_cadence is review-cadence-invalid's; a long-lived secret's rotation is nhi-rotation-missing's.
        if (key !== 'rotation' || longLived || text === undefined || parseCadenceDays(text) !== undefined) break;
        if (/^(?:never|none|no|manual|n\/a|false|not applicable)$/i.test(text)) break; // nothing to rotate
        const near = nearestCadence(text);
        bad(
          `'${text}' is not a rotation cadence${near ? ` (did you mean '${near}'?)` : ''}: write an ISO 8601 duration (P90D, P3M, P1Y) or a word (monthly, quarterly)`,
          near ? [{ title: `Change to '${near}'`, edits: [m.setValueEdit(e, near)], isPreferred: true, safe: true }] : [],
          near ? { suggestion: near } : {},
        );
        break;
      }
      case 'string-or-strings': {
        if (key !== 'environment') break;
        // Environment names are the organisation's own; a near miss of a common one (prodx) is a typo.
        const items = isSeq(v) ? v.items : [v];
        for (const item of items) {
          const t = scalarText(item as Node);
          if (!t || !isScalar(item) || !item.range) continue;
          const lower = t.toLowerCase();
          if (COMMON_ENVIRONMENTS.includes(lower) || lower.length < 4 || lower.includes('-') || /\d/.test(lower)) continue;
          const near = closest(lower, COMMON_ENVIRONMENTS, 1);
          if (!near) continue;
          const s = m.base + item.range[0];
          const end = trimTo(r.lines.text, m.base + item.range[1], s);
          r.add(
            nhiFieldInvalid.id,
            s,
            end,
            `'${t}' is not an environment name this tool knows (did you mean '${near}'?): a typo splits one environment in two and hides the identities shared across them (${cite}).`,
            [{ title: `Change to '${near}'`, edits: [r.edit(s, end, near)], isPreferred: true, safe: true }],
            { ...data, key, suggestion: near },
          );
        }
        break;
      }
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
