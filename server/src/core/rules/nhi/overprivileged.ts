/** nhi-overprivileged: admin privilege, or wildcard / owner scopes. */
import { isSeq, type Node } from 'yaml';
import { scalarText } from '../../lang/yaml-mapping';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { trimTo } from './context';

export const nhiOverprivileged = defineRule({
  id: 'nhi-overprivileged',
  description: '`privilege: admin`, or wildcard / owner scopes: `*`, `payments:*`, `roles/owner`, `AdministratorAccess` (OWASP NHI5).',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI5'],
  controls: ['CSF:PR.AA-05', 'ISO27001:A.8.2'],
});

/** Scopes that amount to administrator rights. */
export function isBroadScope(scope: string): boolean {
  const s = scope.trim();
  const action = s.split(/\s+on\s+|\s+/)[0];
  return (
    action === '*' ||
    /^[^\s:]*:\*$/.test(action) ||
    /^\*:/.test(action) ||
    /(?:^|\/)roles\/(?:owner|editor)$/i.test(action) ||
    /AdministratorAccess|cluster-admin|Global Administrator|PowerUserAccess/i.test(s) ||
    /^(?:owner|admin|administrator|root|superuser|full[-_ ]?access)$/i.test(action) ||
    /[:.](?:admin|\*)$/i.test(action)
  );
}

export const overprivileged: RuleUnit = {
  meta: [nhiOverprivileged],
  identity(c) {
    if (c.effText('privilege')?.toLowerCase() === 'admin') {
      c.report(nhiOverprivileged, ...c.at('privilege'), `${c.subject} has admin privilege: a machine identity with administrator rights is the widest blast radius in the inventory. Scope it to what its purpose needs`, [], { privilege: 'admin' });
    }
    const scopesE = c.own('scopes');
    if (!scopesE || !scopesE.value) return;
    const items: Node[] = isSeq(scopesE.value) ? (scopesE.value.items as Node[]) : [scopesE.value];
    for (const item of items) {
      const s = scalarText(item);
      if (!s || !item.range || !isBroadScope(s)) continue;
      const start = c.base + item.range[0];
      const end = trimTo(c.r.lines.text, c.base + item.range[1], start);
      c.report(nhiOverprivileged, start, end, `${c.subject} is granted '${s}', a wildcard or administrator scope: it allows more than anyone reviewed. List the actions it needs`, [], { scope: s });
    }
  },
};
