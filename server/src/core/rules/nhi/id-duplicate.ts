/**
 * nhi-id-duplicate within one inventory: every identity whose id an earlier identity already used. Across
 * files, the service reports the same rule from the workspace index (IsmsService.workspaceFindings).
 */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
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
    const first = new Map<string, number>();
    for (const x of c.identities) {
      if (x.id === undefined || !x.idRange) continue;
      const prev = first.get(x.id);
      if (prev === undefined) {
        first.set(x.id, x.idRange.start.line);
        continue;
      }
      c.r.findings.push({
        ruleId: nhiIdDuplicate.id,
        message: `The id '${x.id}' is already used by the identity on line ${prev + 1}: access reviews, tickets and evidence cannot tell the two apart (${citation(nhiIdDuplicate)}). Give each identity its own id.`,
        range: x.idRange,
        fixes: [],
        data: { identity: x.id, firstLine: prev },
      });
    }
  },
};
