/** nhi-static-credential: a static secret or API key where the platform offers federation (not for CI/CD identities: see ci-static-credential). */
import { FEDERATED_PLATFORM } from '../../lang/inventory-schema';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { staticPhrase } from './context';

export const nhiStaticCredential = defineRule({
  id: 'nhi-static-credential',
  description: 'A static secret or API key where the platform offers federation (OWASP NHI4).',
  defaultSeverity: 'info',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI4'],
  controls: ['CSF:PR.AA-03', 'ISO27001:A.8.5'],
});

export const staticCredential: RuleUnit = {
  meta: [nhiStaticCredential],
  identity(c) {
    const { credential, platform, typeLc } = c;
    if (c.ci && c.staticCred) return; // nhi-ci-static-credential
    if (credential !== 'static-secret' && credential !== 'api-key') return;
    if (!(FEDERATED_PLATFORM.test(platform) || (!platform && typeLc !== undefined && ['service-account', 'service-principal', 'workload-identity'].includes(typeLc)))) return;
    c.report(nhiStaticCredential, ...c.at('credential'), `${c.subject} uses ${staticPhrase(credential)}${platform ? ` on ${platform}, which offers federation or managed identities` : ''}: a credential that is never exchanged can be stolen and replayed. Consider federated or managed-identity credentials`);
  },
};
