/**
 * The leaver record of an identity (joiner, mover, leaver: `status`, `created`, `approved_by`, `previous_owners`,
 * `revoked_on`, `revoked_by`): nhi-revocation-undated (a revoked or decommissioned identity without `revoked_on`,
 * or `revoked_on` on an identity whose status says it is active) and nhi-revoked-in-use (a revoked identity named
 * in the `used_by` of an active identity of the inventory). The values themselves are nhi-field-invalid's.
 */
import { parseDate } from '../../dates';
import { RETIRED_STATUSES } from '../../lang/inventory-schema';
import { scalarText } from '../../lang/yaml-mapping';
import { isPlaceholderValue } from '../../lang/words';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { citation, type IdentityContext } from './context';
import type { Fix } from '../../types';

export const nhiRevocationUndated = defineRule({
  id: 'nhi-revocation-undated',
  description: 'An identity with `status: revoked` or `decommissioned` has no `revoked_on` date (or `revoked_on` is set on an active identity): the leaver record is incomplete (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.18', 'ISO27001:A.5.11', 'CSF:PR.AA-05'],
});

export const nhiRevokedInUse = defineRule({
  id: 'nhi-revoked-in-use',
  description: 'A revoked or decommissioned identity (of the same inventory, or of another inventory of the workspace) is named in the `used_by` of an active identity: something still depends on access that was removed, or the removal is not real (OWASP NHI1).',
  defaultSeverity: 'error',
  scope: 'inventory',
  fixable: false,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.18', 'CSF:PR.AA-05'],
});

export const lifecycle: RuleUnit = {
  meta: [nhiRevocationUndated, nhiRevokedInUse],
  identity(c) {
    const revokedE = c.own('revoked_on');
    if (c.retired) {
      const written = revokedE ? scalarText(revokedE.value) : undefined;
      // (A date that is no date is nhi-field-invalid's; a placeholder, `revoked_on: TODO`, is no date on record yet.)
      if (revokedE && written !== undefined && !isPlaceholderValue(written)) return;
      const statusE = c.own('status')!;
      const [s, e] = revokedE ? [revokedE.keyStart, revokedE.valueEnd] : [statusE.keyStart, statusE.valueEnd];
      c.report(
        nhiRevocationUndated,
        s,
        e,
        `${c.subject} is ${c.status} but has no revoked_on: the leaver record does not say when access ended. Record the day it was revoked (YYYY-MM-DD) and who revoked it (revoked_by)`,
        revokedE ? [] : [{ title: "Insert 'revoked_on:' (placeholder)", edits: [c.m.insertEdit('revoked_on', 'TODO', c.eol)], isPreferred: true }],
      );
      return;
    }
    if (revokedE && (c.status === 'active' || c.status === undefined) && parseDate(scalarText(revokedE.value)) !== undefined) {
      c.report(
        nhiRevocationUndated,
        revokedE.keyStart,
        revokedE.valueEnd,
        `${c.subject} has a revoked_on date but its status is ${c.status ?? 'not set (active)'}: either the identity was revoked (set status: revoked) or the date is wrong`,
        c.status === undefined ? [statusFix(c)] : [],
      );
    }
  },
  inventory(c) {
    // (Indexed loops: this runs over every identity on every keystroke.)
    const identities = c.identities;
    let retired: Map<string, number> | undefined;
    for (let k = 0; k < identities.length; k++) {
      const x = identities[k];
      if (x.id !== undefined && x.status && RETIRED_STATUSES.includes(x.status) && x.idRange) (retired ??= new Map()).set(x.id.toLowerCase(), x.idRange.start.line);
    }
    if (!retired) return;
    for (let k = 0; k < identities.length; k++) {
      const x = identities[k];
      if (!x.idRange || (x.status && x.status !== 'active')) continue;
      for (const used of x.consumers ?? []) {
        const line = retired.get(used.toLowerCase());
        if (line === undefined) continue;
        c.r.findings.push({
          ruleId: nhiRevokedInUse.id,
          message: `Identity '${x.id ?? '?'}' is used by '${used}', which is revoked (line ${line + 1}): an active identity still depends on an identity whose access was removed, or the removal did not happen (${citation(nhiRevokedInUse)}). Remove it from used_by, or correct its status.`,
          range: x.idRange,
          fixes: [],
          data: { identity: x.id, revoked: used, revokedLine: line },
        });
      }
    }
  },
};

/** "Set 'status: revoked'": into an empty `status:` when the key is there, else as a new key (never a second `status`). */
function statusFix(c: IdentityContext): Fix {
  const e = c.m.get('status');
  return e
    ? { title: "Set 'status: revoked'", edits: [c.m.setValueEdit(e, 'revoked')], isPreferred: true }
    : { title: "Insert 'status: revoked'", edits: [c.m.insertEdit('status', 'revoked', c.eol)], isPreferred: true };
}
