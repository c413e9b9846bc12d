/**
 * suppression-unused: a suppression that suppresses nothing (as ESLint reports unused disable directives):
 * the finding it was written for is gone, or it never covered one. Only for rules that are enabled.
 */
import type { Fix, Range, TextEdit } from '../../types';
import type { SuppressionDirective } from '../../lang/suppressions';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const suppressionUnused = defineRule({
  id: 'suppression-unused',
  description: 'A suppression covers no finding of the rule it names (the finding was fixed, or the directive is in the wrong place). The fix removes it.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  controls: ['ISO27001:7.5.2'],
});

export const unused: RuleUnit = {
  meta: [suppressionUnused],
  suppressions(c) {
    for (const u of c.uses) {
      const d = u.directive;
      if (u.expired) continue; // (suppression-expired speaks for it)
      if (!d.rules.length) {
        if (u.total === 0) c.add(suppressionUnused.id, d.range, 'This suppression of every rule covers no finding: remove it, or an auditor reads an accepted risk that does not exist.', removeAll(d));
        continue;
      }
      const idle = d.rules.filter((r) => c.known(r.id) && c.enabled(r.id) && !r.id.startsWith('suppression-') && !(u.used.get(r.id) ?? 0));
      for (const r of idle) {
        const all = idle.length === d.rules.length;
        const fixes = all ? removeAll(d) : removeOne(d, d.rules.indexOf(r));
        c.add(
          suppressionUnused.id,
          r.range,
          `No '${r.id}' finding is suppressed here: remove the suppression${d.rules.length > 1 ? ` of '${r.id}'` : ''}, or an auditor reads an accepted risk that does not exist.`,
          fixes,
          { rule: r.id },
        );
      }
    }
  },
};

function removeAll(d: SuppressionDirective): Fix[] {
  const range: Range | undefined = d.whole ?? (d.form === 'file' ? undefined : d.range);
  return range ? [{ title: 'Remove the unused suppression', edits: [{ range, newText: '' }], isPreferred: true }] : [];
}

/** Removes the i-th rule ID of a comment with its separator (`a, b` -> `a`). */
function removeOne(d: SuppressionDirective, i: number): Fix[] {
  if (d.form === 'file') return [];
  const r = d.rules[i];
  let edit: TextEdit;
  if (i > 0) edit = { range: { start: d.rules[i - 1].range.end, end: r.range.end }, newText: '' };
  else edit = { range: { start: r.range.start, end: d.rules[1].range.start }, newText: '' };
  if (edit.range.start.line !== edit.range.end.line) return [];
  return [{ title: `Remove '${r.id}' from the suppression`, edits: [edit], isPreferred: true }];
}
