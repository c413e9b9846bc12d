/**
 * owner-unknown and owner-inactive: the people an identity or a document names, judged against the owners registry
 * (`owners.yaml`, lang/owners.ts). Both silent when no registry was read. Per field (docs/rules/owner-unknown.md):
 * - an identity's `owner` (own or inherited from `defaults:`) and a document's owner (`owner` and its aliases) and
 *   approver (`approver`, `approved_by`, `approvers`): current responsibility, so unknown AND inactive are findings
 *   (an approver who left: the approval stands, but the next review needs an approver who is here);
 * - an identity's `approved_by` (the joiner record), `revoked_by` (the leaver record) and `previous_owners` (the
 *   mover record): history, so only unknown is a finding: a record naming someone who has since left is still true.
 * A revoked or decommissioned identity, and a retired document, has no current responsibility left: only unknown.
 * The registry reaches the units through the config (`config.ownerRegistry`): the identity chunk cache is keyed on
 * its stamp (analysis/inventory.ts contextCache), the document units run per analysis, and the service re-applies
 * the config when the registry changes (IsmsService.setOwners).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { isPlaceholderValue } from '../../lang/words';
import { findOwner, nearestOwnerIds, ownerLeft, type OwnerRegistry } from '../../lang/owners';
import { scalarText, trimEnd, YamlMapping, type MappingEntry } from '../../lang/yaml-mapping';
import type { Reporter } from '../../report';
import { todayOf } from '../../dates';
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { ownersOf, splitOwners } from './ownership';

export const ownerUnknown = defineRule({
  id: 'owner-unknown',
  description: 'A person (an identity\'s owner, own or inherited, `approved_by`, `revoked_by`, `previous_owners`; a document\'s owner or approver) that is not in the owners registry (`owners.yaml`), matched on id, email, name or Slack handle, case-insensitive; quick fixes: the nearest registry IDs. Off when there is no registry.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.9', 'ISO27001:A.5.16'],
});

export const ownerInactive = defineRule({
  id: 'owner-inactive',
  description: 'The owner (or a document\'s approver) has left (`active: false`, or `left_on` on or before today, in the owners registry): the identity or document is orphaned (OWASP NHI1). Not for the records of history (`approved_by`, `revoked_by`, `previous_owners`), nor revoked identities and retired documents. Off when there is no registry.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  owasp: ['NHI1'],
  controls: ['ISO27001:A.5.11', 'ISO27001:A.5.18', 'CSF:PR.AA-05'],
});

const CITE_UNKNOWN = 'NHI1:2025 Improper Offboarding; CSF PR.AA-01, ISO 27001 A.5.9';
const CITE_INACTIVE = 'NHI1:2025 Improper Offboarding; ISO 27001 A.5.11, A.5.18';

/** One owner as written, with the offsets a finding about it covers and the edit range of a fix (single values only). */
interface OwnerAt {
  value: string;
  start: number;
  end: number;
  /** The owner is the whole scalar at [start, end): a fix may replace it. */
  whole: boolean;
}

/** The people of an entry's value (a scalar, possibly naming several, or a list) with their offsets (document offsets of `m`'s reporter). */
function ownersAt(m: YamlMapping, e: MappingEntry): OwnerAt[] {
  return ownersOfNode(m, e.value as Node | null, e.valueStart, e.valueEnd);
}

function ownersOfNode(m: YamlMapping, v: Node | null, valueStart: number, valueEnd: number, itemKey?: string): OwnerAt[] {
  const text = m.r.lines.text;
  const out: OwnerAt[] = [];
  const add = (node: Node | null | undefined, s: number, end: number) => {
    const t = scalarText(node);
    if (t === undefined || isPlaceholderValue(t)) return;
    const parts = splitOwners(t);
    for (const p of parts) out.push({ value: p, start: s, end, whole: parts.length === 1 });
  };
  const addScalar = (item: Node) => {
    if (!isScalar(item) || !item.range) return;
    const s = m.base + item.range[0];
    add(item, s, trimEnd(text, m.base + item.range[1], s));
  };
  if (isSeq(v)) {
    for (const item of v.items as Node[]) {
      // (`previous_owners: [{owner, until}]`: the item's `owner`; a bare name is read too, nhi-field-invalid reports its shape.)
      if (itemKey && isMap(item)) {
        const o = item.get(itemKey, true) as Node | undefined;
        if (o) addScalar(o);
      } else addScalar(item);
    }
  } else if (!itemKey) add(v, valueStart, valueEnd);
  return out;
}

/** The role a field gives the people it names: how messages call them, and whether their having left is a finding. */
interface Role {
  /** How the message names the person: "owner", "approver (approved_by)", "previous owner" ... */
  noun: string;
  /** Current responsibility: a person who left is a finding (owner-inactive). History: only unknown is. */
  current: boolean;
  /** Why it matters when the person is unknown, with the citation. */
  unknownWhy: string;
  /** What to do when the person is unknown. */
  unknownDo: string;
}

const OWNER: Role = {
  noun: 'owner',
  current: true,
  unknownWhy: `an owner nobody can look up is as good as none (${CITE_UNKNOWN})`,
  unknownDo: 'Name a registry id, e-mail or name, or add the owner to the registry.',
};
const DOC_APPROVER: Role = {
  noun: 'approver',
  current: true,
  unknownWhy: 'an approval nobody can trace to a person is weak evidence that management approved it (ISO 27001 5.2, 7.5.2, A.5.1)',
  unknownDo: 'Name a registry id, e-mail or name, or add the approver to the registry.',
};
const JOINER: Role = {
  noun: 'approver (approved_by)',
  current: false,
  unknownWhy: 'the joiner record names nobody an auditor can ask whether access was authorised (ISO 27001 A.5.18)',
  unknownDo: 'Name a registry id, e-mail or name, or add the person to the registry (someone who has since left stays in it, inactive).',
};
const LEAVER: Role = {
  noun: 'revoker (revoked_by)',
  current: false,
  unknownWhy: 'the leaver record names nobody an auditor can ask how access was removed (ISO 27001 A.5.18)',
  unknownDo: 'Name a registry id, e-mail or name, or add the person to the registry (someone who has since left stays in it, inactive).',
};
const MOVER: Role = {
  noun: 'previous owner',
  current: false,
  unknownWhy: 'the mover record names nobody an auditor can trace the handover to (NHI1:2025 Improper Offboarding; ISO 27001 A.5.16)',
  unknownDo: 'Name a registry id, e-mail or name, or add the person to the registry (someone who has since left stays in it, inactive).',
};

interface Target {
  reg: OwnerRegistry;
  today: string;
  subject: string;
  kind: 'identity' | 'document';
  /** No current responsibility left (a revoked identity, a retired document): a person who left is no finding. */
  retired: boolean;
  data: Record<string, unknown>;
  r: Reporter;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function inactiveMessage(t: Target, role: Role, o: OwnerAt, inheritedNote: string, why: string): string {
  const who = `The ${role.noun} '${o.value}'${inheritedNote} of ${lowerFirst(t.subject)} has left (${why} in ${t.reg.name})`;
  if (role === DOC_APPROVER)
    return `${who}: the approval given stands, but nobody is left to approve the next review (ISO 27001 5.2, 7.5.2, A.5.1). Name an active approver when it is next reviewed.`;
  return `${who}: the ${t.kind} is orphaned, nobody answers for ${t.kind === 'identity' ? 'reviewing and offboarding it' : 'keeping it current'} (${CITE_INACTIVE}). Hand it over to an active owner${t.kind === 'identity' ? " and record the move in 'previous_owners'" : ''}.`;
}

function judge(t: Target, owners: readonly OwnerAt[], role: Role, inheritedNote = ''): void {
  const seen = new Set<string>();
  const field = role === OWNER ? {} : { field: role === DOC_APPROVER ? 'approver' : role === JOINER ? 'approved_by' : role === LEAVER ? 'revoked_by' : 'previous_owners' };
  for (const o of owners) {
    const lc = o.value.toLowerCase();
    if (seen.has(lc)) continue;
    seen.add(lc);
    const entry = findOwner(t.reg, o.value);
    if (!entry) {
      const near = nearestOwnerIds(t.reg, o.value);
      const fixes: Fix[] = o.whole && !inheritedNote ? near.map((id, i) => ({ title: `Change to '${id}' (owners registry)`, edits: [t.r.edit(o.start, o.end, id)], isPreferred: i === 0 })) : [];
      t.r.add(
        ownerUnknown.id,
        o.start,
        o.end,
        `The ${role.noun} '${o.value}'${inheritedNote} of ${lowerFirst(t.subject)} is not in the owners registry (${t.reg.name})${near.length ? ` (did you mean ${near.map((x) => `'${x}'`).join(', ')}?)` : ''}: ${role.unknownWhy}. ${role.unknownDo}`,
        fixes,
        { ...t.data, owner: o.value, ...field, suggestions: near },
      );
      continue;
    }
    if (!role.current || t.retired) continue;
    const why = ownerLeft(entry, t.today);
    if (why) t.r.add(ownerInactive.id, o.start, o.end, inactiveMessage(t, role, o, inheritedNote, why), [], { ...t.data, owner: o.value, ...field, ownerId: entry.id, ...(entry.left_on ? { leftOn: entry.left_on } : {}) });
  }
}

export const ownerRegistry: RuleUnit = {
  meta: [ownerUnknown, ownerInactive],
  identity(c) {
    const reg = c.config.ownerRegistry;
    if (!reg) return;
    const own = c.m.get('owner') ?? c.m.get('owners');
    const t: Target = { reg, today: c.today, subject: c.subject, kind: 'identity', retired: c.retired, data: c.data, r: c.r };
    if (own) judge(t, ownersAt(c.m, own), OWNER);
    else judge(t, ownersOf(undefined, c.defaults).map((value) => ({ value, start: c.anchor.start, end: c.anchor.end, whole: false })), OWNER, ' (inherited from defaults)');
    const approved = c.m.get('approved_by');
    if (approved) judge(t, ownersAt(c.m, approved), JOINER);
    const revoked = c.m.get('revoked_by');
    if (revoked) judge(t, ownersAt(c.m, revoked), LEAVER);
    const previous = c.m.get('previous_owners');
    if (previous) judge(t, ownersOfNode(c.m, previous.value as Node | null, previous.valueStart, previous.valueEnd, 'owner'), MOVER);
  },
  document(c) {
    const reg = c.config.ownerRegistry;
    const { front } = c;
    if (!reg || !front || front.broken || !front.map) return;
    const m = new YamlMapping(front.map, front.start, c.r);
    const status = scalarText((c.byKey.get('status')?.value ?? null) as Node | null)?.toLowerCase();
    const t: Target = { reg, today: todayOf(c.config), subject: c.type ? `This ${c.type}` : 'This document', kind: 'document', retired: status === 'retired', data: {}, r: c.r };
    // (Each key as written: `owners`, `maintainer`, `approved_by` ... are read as the canonical key they spell.)
    for (const [canonical, role] of [['owner', OWNER], ['approver', DOC_APPROVER]] as const) {
      const fm = c.byKey.get(canonical);
      const e = fm && m.get(fm.key);
      if (e) judge(t, ownersAt(m, e), role);
    }
  },
};
