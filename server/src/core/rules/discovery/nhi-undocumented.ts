/**
 * nhi-undocumented: an identity that infrastructure code declares (a Kubernetes service account, a Terraform access
 * key, a secret a workflow reads) and that no inventory entry documents (docs/discovery.md: matched on `source:`,
 * `id` or `name`). Reported in the infrastructure file at the declaration, only once every inventory of the
 * workspace is known (InfrastructureContext.complete). Quick fix: add an entry pre-filled from the declaration.
 */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { citation } from '../nhi/context';

export const nhiUndocumented = defineRule({
  id: 'nhi-undocumented',
  description: 'A non-human identity declared in infrastructure code (Kubernetes, Terraform, GitHub Actions) that no inventory entry documents (by `source:`, `id` or `name`): no owner, no rotation, no offboarding (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'infrastructure',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['CSF:ID.AM-01', 'CSF:ID.AM-02', 'ISO27001:A.5.9'],
});

export const undocumented: RuleUnit = {
  meta: [nhiUndocumented],
  infrastructure(c) {
    if (!c.complete) return;
    for (const d of c.result.identities) {
      if (c.documentedBy(d).length) continue;
      const fix = c.addFix(d);
      c.add(
        nhiUndocumented.id,
        d.focus,
        `${d.label} is declared here but no inventory documents it: nobody is on record as its owner, nor for its rotation or offboarding (${citation(nhiUndocumented)}). Add an inventory entry with \`source: ${d.source}\`.`,
        fix ? [fix] : [],
        { source: d.source },
      );
    }
  },
};
