/** nhi-controls-missing: an identity that lists no `controls` (a coverage report cannot count it). */
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { citation } from './context';

export const nhiControlsMissing = defineRule({
  id: 'nhi-controls-missing',
  description: 'An identity lists no `controls`.',
  defaultSeverity: 'info',
  scope: 'inventory',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['ISO27001:6.1.3', 'CSF:PR.AA-01'],
});

const SUGGESTED = '[CSF:PR.AA-01, ISO27001:A.5.16]';

export const controlsMissing: RuleUnit = {
  meta: [nhiControlsMissing],
  identity(c) {
    if (c.controls.length) return;
    const e = c.controlsEntry;
    c.r.add(
      nhiControlsMissing.id,
      ...(e ? c.at('controls') : ([c.anchor.start, c.anchor.end] as [number, number])),
      `${c.subject} lists no controls: a coverage report built from the inventory cannot count it as evidence (${citation(nhiControlsMissing)}). Add the controls it evidences, e.g. ${SUGGESTED}.`,
      [e ? { title: `Set 'controls' to ${SUGGESTED}`, edits: [c.m.setValueEdit(e, SUGGESTED)], isPreferred: true } : { title: `Insert 'controls: ${SUGGESTED}'`, edits: [c.m.insertEdit('controls', SUGGESTED, c.eol)], isPreferred: true }],
      c.data,
    );
  },
};
