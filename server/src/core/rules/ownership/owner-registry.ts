/**
 * owner-unknown and owner-inactive: the owner of an identity (own or inherited from `defaults:`) or of a
 * document, judged against the owners registry (`owners.yaml`, lang/owners.ts). Both silent when no registry
 * was read. The registry reaches the units through the config (`config.ownerRegistry`): the identity chunk
 * cache is keyed on its stamp (analysis/inventory.ts contextCache), the document units run per analysis, and
 * the service re-applies the config when the registry changes (IsmsService.setOwners).
 */
import { isScalar, isSeq, type Node } from 'yaml';
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
  description: 'An owner (of an identity, own or inherited, or of a document) that is not in the owners registry (`owners.yaml`), matched on id, email, name or Slack handle, case-insensitive; quick fixes: the nearest registry IDs. Off when there is no registry.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  owasp: ['NHI1'],
  controls: ['CSF:PR.AA-01', 'ISO27001:A.5.9', 'ISO27001:A.5.16'],
});

export const ownerInactive = defineRule({
  id: 'owner-inactive',
  description: 'The owner has left (`active: false`, or `left_on` on or before today, in the owners registry): the identity or document is orphaned (OWASP NHI1). Off when there is no registry.',
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

/** The owners of an `owner` entry with their offsets (document offsets of `m`'s reporter). */
function ownersAt(m: YamlMapping, e: MappingEntry): OwnerAt[] {
  const v = e.value as Node | null;
  const text = m.r.lines.text;
  const out: OwnerAt[] = [];
  const add = (node: Node | null | undefined, s: number, end: number) => {
    const t = scalarText(node);
    if (t === undefined || isPlaceholderValue(t)) return;
    const parts = splitOwners(t);
    for (const p of parts) out.push({ value: p, start: s, end, whole: parts.length === 1 });
  };
  if (isSeq(v)) {
    for (const item of v.items as Node[]) {
      if (!isScalar(item) || !item.range) continue;
      const s = m.base + item.range[0];
      add(item, s, trimEnd(text, m.base + item.range[1], s));
    }
  } else add(v, e.valueStart, e.valueEnd);
  return out;
}

interface Target {
  reg: OwnerRegistry;
  today: string;
  subject: string;
  kind: 'identity' | 'document';
  data: Record<string, unknown>;
  r: Reporter;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function judge(t: Target, owners: readonly OwnerAt[], inheritedNote: string): void {
  const seen = new Set<string>();
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
        `The owner '${o.value}'${inheritedNote} of ${lowerFirst(t.subject)} is not in the owners registry (${t.reg.name})${near.length ? ` (did you mean ${near.map((x) => `'${x}'`).join(', ')}?)` : ''}: an owner nobody can look up is as good as none (${CITE_UNKNOWN}). Name a registry id, e-mail or name, or add the owner to the registry.`,
        fixes,
        { ...t.data, owner: o.value, suggestions: near },
      );
      continue;
    }
    const why = ownerLeft(entry, t.today);
    if (why) {
      t.r.add(
        ownerInactive.id,
        o.start,
        o.end,
        `The owner '${o.value}'${inheritedNote} of ${lowerFirst(t.subject)} has left (${why} in ${t.reg.name}): the ${t.kind} is orphaned, nobody answers for ${t.kind === 'identity' ? 'reviewing and offboarding it' : 'keeping it current'} (${CITE_INACTIVE}). Hand it over to an active owner${t.kind === 'identity' ? " and record the move in 'previous_owners'" : ''}.`,
        [],
        { ...t.data, owner: o.value, ownerId: entry.id, ...(entry.left_on ? { leftOn: entry.left_on } : {}) },
      );
    }
  }
}

export const ownerRegistry: RuleUnit = {
  meta: [ownerUnknown, ownerInactive],
  identity(c) {
    const reg = c.config.ownerRegistry;
    if (!reg) return;
    const own = c.m.get('owner') ?? c.m.get('owners');
    const t: Target = { reg, today: c.today, subject: c.subject, kind: 'identity', data: c.data, r: c.r };
    if (own) judge(t, ownersAt(c.m, own), '');
    else judge(t, ownersOf(undefined, c.defaults).map((value) => ({ value, start: c.anchor.start, end: c.anchor.end, whole: false })), ' (inherited from defaults)');
  },
  document(c) {
    const reg = c.config.ownerRegistry;
    const { front } = c;
    if (!reg || !front || front.broken || !front.map) return;
    const m = new YamlMapping(front.map, front.start, c.r);
    const e = m.get('owner') ?? m.get('owners');
    if (!e) return;
    judge({ reg, today: todayOf(c.config), subject: c.type ? `This ${c.type}` : 'This document', kind: 'document', data: {}, r: c.r }, ownersAt(m, e), '');
  },
};
