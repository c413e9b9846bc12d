/**
 * The rotation family, one check over a long-lived secret's `rotation` and `last_rotated`:
 * nhi-rotation-missing (no readable cadence), nhi-rotation-too-long (longer than nhi.maxRotationDays),
 * nhi-rotation-overdue (last_rotated + cadence has passed, or no last_rotated). The last rotation is the later of
 * `last_rotated` and the latest entry of the identity's `rotations` history (lang/history.ts).
 */
import { addDays, daysBetween, parseCadenceDays, parseDate } from '../../dates';
import { scalarText } from '../../lang/yaml-mapping';
import { appendHistoryEdit, laterDate, readHistory } from '../../lang/history';
import { nearestCadence } from '../../lang/words';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

const NHI7 = { scope: 'inventory', fixable: true, owasp: ['NHI7'], controls: ['CSF:PR.AA-01', 'ISO27001:A.5.17'] } as const;

export const nhiRotationMissing = defineRule({
  id: 'nhi-rotation-missing',
  description: 'A long-lived secret without a readable `rotation` cadence (OWASP NHI7).',
  defaultSeverity: 'warning',
  ...NHI7,
  owasp: [...NHI7.owasp],
  controls: [...NHI7.controls],
});

export const nhiRotationOverdue = defineRule({
  id: 'nhi-rotation-overdue',
  description: '`last_rotated` + `rotation` has passed, or no `last_rotated` (OWASP NHI7).',
  defaultSeverity: 'warning',
  ...NHI7,
  owasp: [...NHI7.owasp],
  controls: [...NHI7.controls],
});

export const nhiRotationTooLong = defineRule({
  id: 'nhi-rotation-too-long',
  description: 'Rotation cadence above `nhi.maxRotationDays` (default 90) (OWASP NHI7).',
  defaultSeverity: 'warning',
  ...NHI7,
  owasp: [...NHI7.owasp],
  controls: [...NHI7.controls],
});

export const rotation: RuleUnit = {
  meta: [nhiRotationMissing, nhiRotationOverdue, nhiRotationTooLong],
  identity(c) {
    if (c.retired) return; // (revoked or decommissioned: kept as evidence, nothing left to rotate or to go stale)
    if (!c.longLived) return;
    const { subject, credential, typeLc, today } = c;
    const rotE = c.own('rotation');
    const rotText = c.effText('rotation');
    const maxDays = c.config.nhi.maxRotationDays;
    const suggested = `P${maxDays}D`;
    const rotDays = parseCadenceDays(rotText);
    if (rotText === undefined) {
      c.report(nhiRotationMissing, ...c.at('rotation'), `${subject} has a long-lived ${credential ?? typeLc} but no rotation cadence: a secret that is never rotated stays valid for whoever copied it`, [c.insertFix('rotation', suggested, rotE ? `Set 'rotation' to ${suggested}` : `Insert 'rotation: ${suggested}'`)]);
      return;
    }
    if (rotDays === undefined) {
      const never = /^(?:never|none|no|manual|n\/a|false)$/i.test(rotText);
      const near = never ? undefined : nearestCadence(rotText);
      const other = rotE && near && near !== suggested ? near : undefined;
      const fixes = rotE ? [{ title: `Set 'rotation' to ${suggested}`, edits: [c.m.setValueEdit(rotE, suggested)], isPreferred: !other }] : [];
      if (rotE && other) fixes.unshift({ title: `Change to '${other}'`, edits: [c.m.setValueEdit(rotE, other)], isPreferred: true });
      c.report(
        nhiRotationMissing,
        ...c.at('rotation'),
        never
          ? `${subject} says its ${credential ?? typeLc} is never rotated ('${rotText}'): the secret stays valid for whoever copied it`
          : `'${rotText}' is not a rotation cadence${near ? ` (did you mean '${near}'?)` : ''}: write an ISO 8601 duration (P90D) or a word (monthly, quarterly)`,
        fixes,
        { value: rotText },
      );
      return;
    }
    if (rotDays > maxDays) {
      c.report(nhiRotationTooLong, ...c.at('rotation'), `${subject} rotates every ${rotDays} days ('${rotText}'), longer than the ${maxDays} days allowed (setting nhi.maxRotationDays)`, rotE ? [{ title: `Set 'rotation' to ${suggested}`, edits: [c.m.setValueEdit(rotE, suggested)], isPreferred: true }] : [], { rotationDays: rotDays, maxDays });
    }
    const lastE = c.own('last_rotated');
    const lastText = lastE ? scalarText(lastE.value) : undefined;
    // The last rotation: the later of last_rotated and the latest `rotations` entry (docs/rules/nhi-rotation-overdue.md).
    const histE = c.own('rotations');
    const hist = histE ? readHistory(histE.value, 'rotations', today) : undefined;
    const lastValid = lastText !== undefined && parseDate(lastText) !== undefined ? lastText.slice(0, 10) : undefined;
    const last = laterDate(lastValid, hist?.latest?.date);
    const byLast = lastValid !== undefined && lastValid === last;
    const setToday = `Set 'last_rotated' to today (${today})`;
    const recordToday = `Record a rotation today (${today}) in 'rotations'`;
    const historyEdit = histE ? appendHistoryEdit(c.m, histE, today, c.eol) : undefined;
    if (lastText !== undefined && lastValid === undefined) {
      c.report(nhiRotationOverdue, ...c.at('last_rotated'), `'${lastText}' is not a date: write last_rotated as YYYY-MM-DD so rotation can be checked`, [{ title: setToday, edits: [c.m.setValueEdit(lastE!, today)], isPreferred: true }]);
      if (last === undefined) return;
    }
    if (last === undefined) {
      const fix = lastE || !historyEdit ? c.insertFix('last_rotated', today, lastE ? setToday : `Insert 'last_rotated: ${today}'`) : { title: recordToday, edits: [historyEdit], isPreferred: true };
      c.report(nhiRotationOverdue, ...(histE && !lastE ? ([histE.keyStart, histE.keyEnd] as [number, number]) : c.at('last_rotated')), `${subject} records no last_rotated date${histE ? ' and no dated entry in rotations' : ''}: nothing shows the ${credential ?? typeLc} was ever rotated`, [fix]);
      return;
    }
    const due = addDays(last, rotDays)!;
    const late = daysBetween(due, today)!;
    if (late > 0) {
      const [s, e]: [number, number] = byLast ? c.at('last_rotated') : [c.base + hist!.latest!.start, c.base + hist!.latest!.end];
      const fix = byLast ? { title: setToday, edits: [c.m.setValueEdit(lastE!, today)], isPreferred: true } : historyEdit ? { title: recordToday, edits: [historyEdit], isPreferred: true } : c.insertFix('last_rotated', today, lastE ? setToday : `Insert 'last_rotated: ${today}'`);
      c.report(nhiRotationOverdue, s, e, `${subject} is ${late} ${late === 1 ? 'day' : 'days'} overdue for rotation: last rotated ${last}, cadence '${rotText}', due ${due}`, [fix], { daysOverdue: late, due });
    }
  },
};
