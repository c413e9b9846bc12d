/** approver-missing: a policy or standard without an approver, or with an empty one. */
import { isEmptyValue } from '../../lang/document';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const approverMissing = defineRule({
  id: 'approver-missing',
  description: 'A policy or standard has no `approver`, or an empty one.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:5.2', 'ISO27001:7.5.2', 'ISO27001:A.5.1'],
});

export const approver: RuleUnit = {
  meta: [approverMissing],
  document(c) {
    const { lines, byKey, type, r } = c;
    const front = c.readable;
    if (!front || (type !== 'policy' && type !== 'standard')) return;
    const eol = lines.eol;
    const a = byKey.get('approver');
    if (!a) {
      const owner = byKey.get('owner');
      const at = owner ? lines.lineStarts[owner.lastLine + 1] : lines.lineStarts[front.closeLine];
      const typeEntry = byKey.get('type')!;
      r.add(
        approverMissing.id,
        typeEntry.keyStart,
        lines.lineEnd(typeEntry.line),
        `This ${type} names no approver: an auditor will ask who approved it for use (ISO 27001 clause 5.2 and 7.5.2). Add 'approver:'.`,
        [{ title: "Insert 'approver:'", edits: [r.edit(at, at, `approver: ${eol}`)], isPreferred: true }],
      );
    } else if (isEmptyValue(a.value)) {
      r.add(approverMissing.id, a.keyStart, lines.lineEnd(a.line), `'${a.key}' is empty: an auditor will ask who approved this ${type} for use.`);
    }
  },
};
