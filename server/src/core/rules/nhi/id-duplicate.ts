/**
 * nhi-id-duplicate within one inventory: every identity whose id an earlier identity already used. Across
 * files, the service reports the same rule from the workspace index (IsmsService.workspaceFindings).
 */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import type { IdentityRecord } from '../context';
import { citation } from './context';

export const nhiIdDuplicate = defineRule({
  id: 'nhi-id-duplicate',
  description: 'Two identities of the inventory share an `id`.',
  defaultSeverity: 'error',
  scope: 'inventory',
  fixable: false,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'],
});

export const idDuplicate: RuleUnit = {
  meta: [nhiIdDuplicate],
  inventory(c) {
    // An inventory whose ids are those of its last analysis, which had no duplicate, has none (a keystroke costs a
    // comparison per identity, not a map of 20,000 ids; after a change within lines, `since`, one per changed identity).
    const identities = c.identities;
    const last = c.uri ? unique.get(c.uri) : undefined;
    if (last) {
      const since = c.since;
      let same = false;
      if (since && since.last === last.identities) {
        same = true;
        for (let i = since.from; same && i < since.to; i++) same = idOf(identities[i]) === last.ids[i];
      } else if (last.ids.length === identities.length) {
        same = true;
        for (let i = 0; same && i < identities.length; i++) same = idOf(identities[i]) === last.ids[i];
      }
      if (same) {
        last.identities = identities;
        return;
      }
    }
    if (c.uri) unique.delete(c.uri);
    const first = new Map<string, number>();
    let dup = false;
    for (const x of c.identities) {
      if (x.id === undefined || !x.idRange) continue;
      const prev = first.get(x.id);
      if (prev === undefined) {
        first.set(x.id, x.idRange.start.line);
        continue;
      }
      dup = true;
      c.r.findings.push({
        ruleId: nhiIdDuplicate.id,
        message: `The id '${x.id}' is already used by the identity on line ${prev + 1}: access reviews, tickets and evidence cannot tell the two apart (${citation(nhiIdDuplicate)}). Give each identity its own id.`,
        range: x.idRange,
        fixes: [],
        data: { identity: x.id, firstLine: prev },
      });
    }
    if (!dup && c.uri) {
      unique.set(c.uri, { identities, ids: identities.map(idOf) });
      if (unique.size > 64) unique.delete(unique.keys().next().value!);
    }
  },
};

/** An identity's id as this rule reads it (undefined: none, or no place). */
const idOf = (x: IdentityRecord): string | undefined => (x.idRange ? x.id : undefined);

/** The identities and ids (idOf) of each inventory's last analysis, when no two were the same. */
const unique = new Map<string, { identities: readonly IdentityRecord[]; ids: (string | undefined)[] }>();
