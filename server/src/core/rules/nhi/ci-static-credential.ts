/** nhi-ci-static-credential: a CI/CD identity authenticating with a static secret, API key or PAT. */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { staticPhrase } from './context';

export const nhiCiStaticCredential = defineRule({
  id: 'nhi-ci-static-credential',
  description: 'A CI/CD identity with a static secret, API key or PAT instead of OIDC (OWASP NHI6).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI6'],
  controls: ['CSF:PR.AA-03', 'CSF:PR.PS-01', 'ISO27001:A.8.5'],
});

export const ciStaticCredential: RuleUnit = {
  meta: [nhiCiStaticCredential],
  identity(c) {
    if (!c.ci || !c.staticCred) return;
    c.report(nhiCiStaticCredential, ...c.at('credential'), `${c.subject} is a CI/CD identity with ${staticPhrase(c.credential ?? c.typeLc)}: a pipeline secret leaks with every compromised job, fork or log. Use OIDC federation (short-lived tokens) instead`);
  },
};
