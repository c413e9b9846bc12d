/** nhi-purpose-missing: an identity without a `purpose`. */
import { scalarText } from '../../lang/yaml-mapping';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const nhiPurposeMissing = defineRule({
  id: 'nhi-purpose-missing',
  description: 'An identity has no `purpose` (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.9'],
});

export const purposeMissing: RuleUnit = {
  meta: [nhiPurposeMissing],
  identity(c) {
    if (c.effText('purpose') !== undefined) return;
    // (The fix marks the field to fill in; a placeholder is no purpose, so the finding stays until it is written.
    // A value that is a placeholder already gets no fix.)
    const own = c.own('purpose');
    const fixes = own && scalarText(own.value) !== undefined ? [] : [c.insertFix('purpose', 'TODO')];
    c.report(nhiPurposeMissing, ...c.at('purpose'), `${c.subject} has no purpose: nobody can tell whether it is still needed or whether its access fits its job`, fixes);
  },
};
