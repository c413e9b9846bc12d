/**
 * discovery-skipped: an infrastructure file discovery could not read whole (docs/discovery.md): Helm/Go templates
 * (`templated`: what it declares is known only when rendered; never guessed) or a parse error (`malformed`). At
 * most one per file, at severity info; the file's identities are then not reconciled, and its origin counts as not
 * fully discovered (no nhi-undeployed for that origin).
 */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const discoverySkipped = defineRule({
  id: 'discovery-skipped',
  description: 'An infrastructure file that discovery could not read whole: Helm/Go templates or Terraform interpolation that decide the identity (never guessed), or a parse error. At most one per file.',
  defaultSeverity: 'info',
  scope: 'infrastructure',
  fixable: false,
  controls: ['CSF:ID.AM-01', 'CSF:ID.AM-02', 'ISO27001:A.5.9'],
});

export const skipped: RuleUnit = {
  meta: [discoverySkipped],
  infrastructure(c) {
    const p = c.result.problems[0];
    if (p) c.add(discoverySkipped.id, p.range, p.message, [], { kind: p.kind });
  },
};
