/** nhi-secret-storage: a secret in plaintext (error) or an environment variable (warning), or no store for a long-lived one. */
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiSecretStorage = defineRule({
  id: 'nhi-secret-storage',
  description: 'Secret in `plaintext` (error) or `env` (warning), or no store for a long-lived secret (OWASP NHI2).',
  defaultSeverity: 'error',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI2'],
  controls: ['CSF:PR.DS-01', 'ISO27001:A.5.17'],
});

export const secretStorage: RuleUnit = {
  meta: [nhiSecretStorage],
  identity(c) {
    const { subject, credential, typeLc } = c;
    const storeE = c.own('secret_store');
    const store = c.effText('secret_store')?.toLowerCase();
    if (store === 'plaintext') {
      const fixes: Fix[] = storeE ? [{ title: "Replace 'plaintext' with 'vault' (after moving the secret)", edits: [c.m.setValueEdit(storeE, 'vault')], isPreferred: true }] : [];
      c.report(nhiSecretStorage, ...c.at('secret_store'), `${subject} keeps its secret in plaintext: anyone who can read the file, backup or repository has the credential. Move it to a secrets manager`, fixes, { store, severity: 'error' });
    } else if (store === 'env') {
      const fixes: Fix[] = storeE ? [{ title: "Replace 'env' with 'vault' (after moving the secret)", edits: [c.m.setValueEdit(storeE, 'vault')] }] : [];
      c.report(nhiSecretStorage, ...c.at('secret_store'), `${subject} keeps its secret in an environment variable: it leaks through process listings, crash dumps and CI logs. Prefer a secrets manager`, fixes, { store, severity: 'warning' });
    } else if (c.longLived && (store === undefined || store === 'none')) {
      const fixes: Fix[] = [c.insertFix('secret_store', 'vault', storeE ? "Set 'secret_store' to 'vault'" : "Insert 'secret_store: vault'")];
      fixes[0].isPreferred = false;
      c.report(nhiSecretStorage, ...c.at('secret_store'), `${subject} has a long-lived ${credential ?? typeLc} but ${store === 'none' ? "says 'secret_store: none'" : 'records no secret_store'}: an auditor cannot tell where the secret is kept`, fixes, { store: store ?? null, severity: 'warning' });
    }
    // Unknown store values are nhi-field-invalid's.
  },
};
