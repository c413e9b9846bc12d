/**
 * Owners and identity IDs as names across files (docs/client.md, "Navigation across files"): where a file names them
 * (definition, references, rename). Read from the YAML (an inventory, a document's front matter) through the parser,
 * never a regex: only a scalar that is an owner value (`owner`, `owners`, `approver`, `approved_by`, `revoked_by`,
 * `previous_owners[].owner` ...) or an identity ID (`id` of an entry of `identities`, values of `used_by`) counts.
 * A rename edits only the value's own text (inside its quotes), so comments and formatting stay; a file whose YAML has
 * errors, or whose text with the edits would not parse cleanly, is never edited. Pure, no I/O.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import { frontMatterRange } from '../lang/document';
import { PARSE_OPTIONS } from '../lang/fast-yaml';
import type { Range } from '../types';

export type NameKind = 'owner' | 'identity';

export interface NameOccurrence {
  kind: NameKind;
  value: string;
  /** Offsets of the value's text in the file (inside its quotes). */
  start: number;
  end: number;
  /** An identity's `id` (its definition). */
  definition: boolean;
}

/** Keys whose values name an owner (a person or a team). */
export const OWNER_KEYS = new Set([
  'owner', 'owners', 'owner_team', 'owner_email', 'maintainer', 'maintainers', 'approver', 'approvers', 'approved_by', 'revoked_by',
]);

/** Keys whose values name identities. */
const IDENTITY_REF_KEYS = new Set(['used_by']);

const MAX_DEPTH = 64;

/**
 * The owner and identity names of a file: `inventory` reads the whole text, a document its front matter. `clean` is
 * false when the YAML has errors (its names are still listed, for references; a rename leaves the file alone).
 */
export function nameOccurrences(text: string, kind: 'inventory' | 'process-document'): { clean: boolean; items: NameOccurrence[] } {
  let base = 0;
  let yamlText = text;
  if (kind === 'process-document') {
    const fm = frontMatterRange(text);
    if (!fm || fm.end <= fm.start) return { clean: true, items: [] };
    base = fm.start;
    yamlText = text.slice(fm.start, fm.end);
  }
  let doc;
  try {
    doc = parseDocument(yamlText, PARSE_OPTIONS);
  } catch {
    return { clean: false, items: [] };
  }
  const items: NameOccurrence[] = [];
  const add = (n: unknown, kind: NameKind, definition: boolean) => {
    const at = scalarText(yamlText, n);
    if (at) items.push({ kind, value: at.value, start: base + at.start, end: base + at.end, definition });
  };
  const addAll = (n: unknown, kind: NameKind) => {
    if (isSeq(n)) for (const i of n.items) add(i, kind, false);
    else add(n, kind, false);
  };
  const walk = (n: unknown, depth: number, identityItem: boolean): void => {
    if (depth > MAX_DEPTH || isAlias(n)) return;
    if (isSeq(n)) {
      for (const i of n.items) walk(i, depth + 1, false);
      return;
    }
    if (!isMap(n)) return;
    for (const p of n.items) {
      if (!isScalar(p.key)) continue;
      const k = String(p.key.value).toLowerCase();
      const v = p.value;
      if (OWNER_KEYS.has(k)) addAll(v, 'owner');
      else if (k === 'id' && identityItem) add(v, 'identity', true);
      else if (IDENTITY_REF_KEYS.has(k)) addAll(v, 'identity');
      else if (k === 'identities' && kind === 'inventory' && isSeq(v)) for (const i of v.items) walk(i, depth + 1, true);
      else walk(v, depth + 1, false);
    }
  };
  const top = doc.contents;
  if (kind === 'inventory' && isSeq(top)) for (const i of top.items) walk(i, 1, true);
  else walk(top, 0, false);
  items.sort((a, b) => a.start - b.start);
  return { clean: doc.errors.length === 0, items };
}

/** A string scalar's value and where its text is (inside quotes); undefined when the text is not the value verbatim. */
function scalarText(src: string, n: unknown): { value: string; start: number; end: number } | undefined {
  if (!isScalar(n) || typeof n.value !== 'string' || !n.range) return undefined;
  const value = n.value;
  if (!value.trim()) return undefined;
  let [start, end] = [n.range[0], n.range[1]];
  if (n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE) [start, end] = [start + 1, end - 1];
  else if (n.type !== Scalar.PLAIN) return undefined; // (block scalars: not a name)
  // (Escapes, folded lines: the text is not the value, and an edit there could change more than the name.)
  return src.slice(start, end) === value ? { value, start, end } : undefined;
}

/** The name at `offset` of a file, if the cursor is on one. */
export function nameAt(text: string, kind: 'inventory' | 'process-document', offset: number): NameOccurrence | undefined {
  return nameOccurrences(text, kind).items.find((o) => o.start <= offset && offset <= o.end);
}

/** Whether `name` can be written as a plain YAML scalar everywhere a name is written (block or flow). */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9_@.+/~-](?:[A-Za-z0-9_@.+/~ -]*[A-Za-z0-9_@.+/~-])?$/.test(name) && !/ {2}|^[-?]$| #/.test(name) && !/^(?:true|false|yes|no|null|on|off|~)$/i.test(name) && !/^[-+]?[0-9.]+$/.test(name);
}

export interface RenameResult {
  /** Edits per file: the offsets of each occurrence's text, replaced by the new name. */
  edits: { uri: string; start: number; end: number }[];
  /** Files naming it that are not edited: their YAML has errors, or would have. */
  skipped: string[];
}

/**
 * The edits renaming `value` (an owner or an identity ID) to `to` over `files`; each file's edits only when its YAML
 * parses cleanly before and after them.
 */
export function renameEdits(files: Iterable<{ uri: string; text: string; kind: 'inventory' | 'process-document' }>, kind: NameKind, value: string, to: string): RenameResult {
  const out: RenameResult = { edits: [], skipped: [] };
  for (const f of files) {
    if (!f.text.includes(value)) continue;
    const occ = nameOccurrences(f.text, f.kind);
    const mine = occ.items.filter((o) => o.kind === kind && o.value === value);
    if (!mine.length) continue;
    if (!occ.clean) {
      out.skipped.push(f.uri);
      continue;
    }
    let after = '';
    let at = 0;
    for (const o of mine) {
      after += f.text.slice(at, o.start) + to;
      at = o.end;
    }
    after += f.text.slice(at);
    const again = nameOccurrences(after, f.kind);
    if (!again.clean || again.items.filter((o) => o.kind === kind && o.value === to).length < mine.length) {
      out.skipped.push(f.uri);
      continue;
    }
    for (const o of mine) out.edits.push({ uri: f.uri, start: o.start, end: o.end });
  }
  return out;
}

/** The registry of owners (owners.yaml), when the workspace has one: where an owner is defined. */
export interface OwnerRegistry {
  definition(owner: string): { uri: string; range: Range } | undefined;
}

