/** nhi-shared-environments: one identity used in several environments. */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiSharedEnvironments = defineRule({
  id: 'nhi-shared-environments',
  description: 'One identity in several environments (OWASP NHI8).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI8'],
  controls: ['CSF:PR.IR-01', 'ISO27001:A.8.31'],
});

export const sharedEnvironments: RuleUnit = {
  meta: [nhiSharedEnvironments],
  identity(c) {
    const envs = [...new Set(c.effList('environment').map((x) => x.toLowerCase()))];
    if (c.effBool('shared_across_environments') === true) {
      c.report(nhiSharedEnvironments, ...c.at('shared_across_environments'), `${c.subject} is shared across environments: a credential reachable from test or development opens production. Issue one identity per environment`);
    } else if (envs.length > 1) {
      c.report(nhiSharedEnvironments, ...c.at('environment'), `${c.subject} is used in ${envs.length} environments (${envs.join(', ')}): a credential reachable from one opens all. Issue one identity per environment`, [], { environments: envs });
    }
  },
};
