/** nhi-type-unknown: no `type`, or one that is not an NHI type ("did you mean" for near misses). */
import { NHI_TYPES } from '../../lang/inventory-schema';
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { closestWord } from './context';

export const nhiTypeUnknown = defineRule({
  id: 'nhi-type-unknown',
  description: 'No `type`, or not a known NHI type; "did you mean" for near misses.',
  defaultSeverity: 'warning',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.9', 'ISO27001:A.5.16'],
});

export const typeUnknown: RuleUnit = {
  meta: [nhiTypeUnknown],
  identity(c) {
    const { type, typeLc, typeEntry } = c;
    if (type === undefined) {
      c.report(nhiTypeUnknown, ...c.at('type'), `${c.subject} has no type: the checks that depend on it (rotation, CI/CD, federation) cannot apply. Use one of ${NHI_TYPES.join(', ')}`);
    } else if (!(NHI_TYPES as readonly string[]).includes(typeLc!)) {
      const near = closestWord(type, NHI_TYPES);
      const fixes: Fix[] = near && typeEntry ? [{ title: `Change to '${near}'`, edits: [c.m.setValueEdit(typeEntry, near)], isPreferred: true, safe: true }] : [];
      c.report(nhiTypeUnknown, ...c.at('type'), `Unknown NHI type '${type}'${near ? ` (did you mean '${near}'?)` : ''}: expected one of ${NHI_TYPES.join(', ')}`, fixes, near ? { suggestion: near } : {});
    }
  },
};
