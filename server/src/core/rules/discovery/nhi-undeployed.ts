/**
 * nhi-undeployed: an inventory entry whose `source:` names a resource that the workspace's infrastructure code no
 * longer declares, in an origin the workspace is discovered for (some file of it read, none it could not read
 * whole): the identity was removed from the code, or renamed, and may still exist on the platform, an
 * offboarding candidate (NHI1). Only once the whole workspace is indexed (SourcesContext.complete).
 */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { citation } from '../nhi/context';
import { RETIRED_STATUSES } from '../../lang/inventory-schema';

export const nhiUndeployed = defineRule({
  id: 'nhi-undeployed',
  description: "An inventory entry whose `source:` names a resource the workspace's infrastructure code no longer declares: an offboarding candidate (OWASP NHI1). Only for origins the workspace has infrastructure files of, all of them read.",
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: false,
  owasp: ['NHI1'],
  controls: ['CSF:ID.AM-01', 'CSF:ID.AM-02', 'ISO27001:A.5.9'],
});

const ORIGIN_NAME = { k8s: 'Kubernetes manifests', terraform: 'Terraform files', github: 'GitHub Actions workflows' } as const;

export const undeployed: RuleUnit = {
  meta: [nhiUndeployed],
  sources(c) {
    if (!c.complete) return;
    for (const i of c.identities) {
      // (A revoked or decommissioned entry whose source is gone is the offboarding done, kept as evidence.)
      if (i.status !== undefined && RETIRED_STATUSES.includes(i.status)) continue;
      for (const s of i.sources ?? []) {
        const st = c.status(s.value);
        if (!st || st.declared) continue;
        const subject = i.id !== undefined ? `Identity '${i.id}'` : 'This identity';
        c.add(
          nhiUndeployed.id,
          s.range,
          `${subject} names \`${s.value}\` as its source, but none of the workspace's ${st.files} ${ORIGIN_NAME[st.origin]} declares it any more: if it was removed, the identity may still exist on the platform with its credentials, an offboarding candidate (${citation(nhiUndeployed)}). Revoke it and record the offboarding, or correct the source.`,
          [],
          { source: s.value, ...(i.id !== undefined ? { identity: i.id } : {}) },
        );
      }
    }
  },
};
