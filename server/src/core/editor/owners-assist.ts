/**
 * The editor on the owners registry (`owners.yaml`, or the path `owners:` of .isms.yaml names; docs/owners.md):
 * diagnostics (what readOwners cannot use, on its line), completion of an entry's keys, of `manager` (the other
 * entries' ids) and of `active`, and hover with each key's meaning. Line-based: the file is small and often
 * half-written while it is completed. Pure.
 */
import { OWNER_KEY_DOCS, OWNER_KEYS, readOwners } from '../lang/owners';
import type { LineIndex } from '../text';
import type { Position, Range } from '../types';
import type { AssistItem } from './assist';

/** A problem of the registry text, on its whole line. */
export interface OwnersDiagnostic {
  range: Range;
  severity: 'warning';
  message: string;
}

/** The registry's problems as the CLI prints them (`isms: owners.yaml:3: owners registry: …`), each on its line. */
export function ownersDiagnostics(lines: LineIndex, uri: string): OwnersDiagnostic[] {
  const text = lines.text;
  return readOwners(text, uri).problems.map((p) => {
    const line = Math.min(Math.max(0, p.line), lines.lineCount - 1);
    const t = lines.lineText(line);
    const start = t.length - t.trimStart().length;
    return { range: { start: { line, character: start }, end: { line, character: t.length } }, severity: 'warning', message: `Owners registry: ${p.message}` };
  });
}

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)?(\s*:\s*)?(.*)$/;

/** Completion at `pos` of registry text: keys of an entry, `manager` ids, `active` booleans. */
export function completeOwners(lines: LineIndex, pos: Position, uri: string): AssistItem[] {
  const text = lines.lineText(pos.line);
  const before = text.slice(0, pos.character);
  const m = KEY_LINE.exec(before)!;
  const range = (from: number): Range => ({ start: { line: pos.line, character: from }, end: pos });
  // A value: after `key: `.
  if (m[4] !== undefined && m[3]) {
    const from = pos.character - m[5].length;
    if (m[3] === 'manager') {
      const ids = readOwners(lines.text, uri).entries.map((e) => e.id);
      return [...new Set(ids)].map((id) => ({ label: id, kind: 'value' as const, detail: 'an entry of the registry', range: range(from), newText: id }));
    }
    if (m[3] === 'active') return ['true', 'false'].map((v) => ({ label: v, kind: 'value' as const, documentation: OWNER_KEY_DOCS.active, range: range(from), newText: v }));
    return [];
  }
  // A key: at the start of an item (`- `) or of a line of an entry (indented), never at the top level.
  if (!m[1] && !m[2]) return [];
  const from = m[1].length + (m[2]?.length ?? 0);
  // The keys the entry already has (this line's item and the lines below it up to the next item) are not offered again.
  const used = new Set<string>();
  const itemStart = (() => {
    for (let l = pos.line; l >= 0; l--) if (/^\s*-\s/.test(lines.lineText(l))) return l;
    return pos.line;
  })();
  for (let l = itemStart; l < lines.lineCount; l++) {
    const t = lines.lineText(l);
    if (l > itemStart && (/^\s*-\s/.test(t) || /^\S/.test(t))) break;
    if (l === pos.line) continue;
    const k = /^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:/.exec(t)?.[1];
    if (k) used.add(k);
  }
  return OWNER_KEYS.filter((k) => !used.has(k)).map((k, i) => ({
    label: k,
    kind: 'key' as const,
    documentation: OWNER_KEY_DOCS[k],
    sortText: String(i).padStart(2, '0'),
    range: range(from),
    newText: `${k}: `,
  }));
}

/** Hover on a registry key: what it holds. */
export function hoverOwners(lines: LineIndex, pos: Position): { contents: string; range: Range } | undefined {
  const text = lines.lineText(pos.line);
  const m = /^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)\s*:/.exec(text);
  if (!m) return undefined;
  const start = m[1].length;
  const key = m[2];
  if (pos.character < start || pos.character > start + key.length || !(OWNER_KEYS as readonly string[]).includes(key)) return undefined;
  return { contents: `**${key}** (owners registry)\n\n${OWNER_KEY_DOCS[key as (typeof OWNER_KEYS)[number]]}`, range: { start: { line: pos.line, character: start }, end: { line: pos.line, character: start + key.length } } };
}
