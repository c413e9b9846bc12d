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
import { splitInventory } from '../lang/inventory';
import { deepValues, fastParseDocument, PARSE_OPTIONS } from '../lang/fast-yaml';
import { detach } from '../chunks';
import type { Range } from '../types';
import { lastAtMost } from '../text';

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
export function nameOccurrences(text: string, kind: 'inventory' | 'process-document', whole = false): { clean: boolean; items: NameOccurrence[] } {
  if (kind === 'process-document') {
    const fm = frontMatterRange(text);
    if (!fm || fm.end <= fm.start) return { clean: true, items: [] };
    return namesOfPart(text.slice(fm.start, fm.end), fm.start, 'map', false);
  }
  // An inventory is read a part at a time, as the analysis cuts it (lang/inventory.ts: a cut carries no YAML state):
  // each identity's lines through the fast reader, which gives up on the odd one.
  const chunks = whole ? [{ kind: 'whole' as const, start: 0, end: text.length }] : splitInventory(text);
  const out: { clean: boolean; items: NameOccurrence[] } = { clean: true, items: [] };
  for (const c of chunks) {
    const part = namesOfPart(text.slice(c.start, c.end), c.start, c.kind === 'item' ? 'items' : 'map', true);
    if (!part.clean) out.clean = false;
    for (const x of part.items) out.items.push(x);
  }
  return out;
}

/** The names of one YAML part at `base`: a mapping (a front matter, an inventory or its header) or identity items. */
function namesOfPart(yamlText: string, base: number, as: 'map' | 'items', inventory: boolean): { clean: boolean; items: NameOccurrence[] } {
  let doc;
  try {
    // (The fast reader builds exactly the library's nodes, ranges included, or gives up.)
    doc = fastParseDocument(yamlText);
    // (Nesting deeper than the library survives is not parsed: such a part is not clean, and names nothing.)
    if (!doc && deepValues(yamlText).length) return { clean: false, items: [] };
    doc ??= parseDocument(yamlText, PARSE_OPTIONS);
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
      else if (k === 'identities' && inventory && isSeq(v)) for (const i of v.items) walk(i, depth + 1, true);
      else walk(v, depth + 1, false);
    }
  };
  const top = doc.contents;
  if (inventory && isSeq(top)) for (const i of top.items) walk(i, 1, true);
  else if (as === 'map') walk(top, 0, false);
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
  return /^[A-Za-z0-9_.+/](?:[A-Za-z0-9_@.+/~ -]*[A-Za-z0-9_@.+/~-])?$/.test(name) && !/ {2}|^[-?]$| #/.test(name) && !/^(?:true|false|yes|no|null|on|off|~)$/i.test(name) && !/^[-+]?[0-9.]+$/.test(name);
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
    // (A valid name is a plain scalar that reads as itself anywhere a name is written: the file with it reads the
    // same but for the name. Any other is checked: the file with the edits must parse cleanly and name it as often.)
    if (!validName(to)) {
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
    }
    for (const o of mine) out.edits.push({ uri: f.uri, start: o.start, end: o.end });
  }
  return out;
}

/** The registry of owners (owners.yaml), when the workspace has one: where an owner is defined. */
export interface OwnerRegistry {
  definition(owner: string): { uri: string; range: Range } | undefined;
}


/** A name found by the line scan: 0-based line and UTF-16 columns of its text. */
export interface ScannedName {
  kind: NameKind;
  value: string;
  line: number;
  start: number;
  end: number;
  definition: boolean;
}

const KEY_AT = /(^[ \t]*(?:-[ \t]+)*|[{,][ \t]*)([A-Za-z_][\w-]*)[ \t]*:(?=[ \t]|$)/g;

/**
 * The owner and identity names of a file by a line scan, without parsing (the server's index of every file: a few
 * strings per file, kept from the walk and file events). It reads the forms these files are written in: `key: value`
 * (plain or quoted, with a comment), `key: [a, "b"]`, `{ key: value }` and block lists under the key; a value it
 * cannot read on one line (escapes) is left out. A file with a flow collection over lines (`controls: [a,\n b]`,
 * `previous_owners: [{owner: x,\n until: ...}]`) is read through the parser instead (`nameOccurrences`), when it
 * parses cleanly. It is the index of where to look: a rename reads each file it names through the parser
 * (`renameEdits`). Tested equal to `nameOccurrences` on the fixtures.
 * The values are their own copies (`detach`): the index keeps them, and a slice would keep the whole text alive.
 */
export function scanNames(text: string, kind: 'inventory' | 'process-document'): ScannedName[] {
  const out: ScannedName[] = [];
  const lines = text.split('\n');
  let first = 0;
  let last = lines.length - 1;
  if (kind === 'process-document') {
    if (!/^---[ \t]*\r?$/.test(lines[0] ?? '')) return out;
    first = 1;
    last = lines.findIndex((l, i) => i > 0 && /^(?:---|\.\.\.)[ \t]*\r?$/.test(l)) - 1;
    if (last < first) return out;
  }
  for (let n = first; n <= last; n++) {
    if (!flowOpenAtEnd(lines[n])) continue;
    const parsed = parsedNames(text, kind);
    if (parsed) return parsed;
    break;
  }
  let inIdentities = false;
  let list: { kind: NameKind; indent: number } | undefined;
  for (let n = first; n <= last; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (/^[ \t]*(?:#.*)?$/.test(line)) continue;
    const indent = /^[ \t]*/.exec(line)![0].length;
    if (list) {
      const m = /^([ \t]*)-[ \t]+(.*)$/.exec(line);
      if (m && m[1].length >= list.indent) {
        const v = readScalar(line, m[1].length + line.slice(m[1].length).indexOf(m[2]), false);
        if (v) out.push({ kind: list.kind, value: detach(v.value), line: n, start: v.start, end: v.end, definition: false });
        continue;
      }
      list = undefined;
    }
    if (indent === 0 && /^[A-Za-z_]/.test(line)) inIdentities = kind === 'inventory' && /^identities[ \t]*:/.test(line);
    for (const m of line.matchAll(KEY_AT)) {
      const key = m[2].toLowerCase();
      const owner = OWNER_KEYS.has(key);
      const ref = IDENTITY_REF_KEYS.has(key);
      const flowMap = /[{,]/.test(m[1]);
      // (An identity's `id`: a key of an item of `identities`, in block form or as the first key of `[{ id: ... }]`.)
      const itemStart = flowMap && m[1].trimStart().startsWith('{') && /(?:^|[[,-])[ \t]*$/.test(line.slice(0, m.index!).replace(/^[ \t]*identities[ \t]*:/, ''));
      const id = key === 'id' && kind === 'inventory' && inIdentities && (flowMap ? itemStart : indent > 0);
      if (!owner && !ref && !id) continue;
      const nameKind: NameKind = owner ? 'owner' : 'identity';
      let at = m.index! + m[0].length;
      while (line[at] === ' ' || line[at] === '\t') at++;
      if (at >= line.length || line[at] === '#') {
        if (!flowMap && !id) list = { kind: nameKind, indent: keyIndent(line, m) };
        continue;
      }
      if (line[at] === '[' && !id) {
        let i = at + 1;
        for (;;) {
          while (line[i] === ' ' || line[i] === '\t') i++;
          if (i >= line.length) break;
          if (line[i] === ']') break;
          const v = readScalar(line, i, true);
          if (!v) break;
          out.push({ kind: nameKind, value: detach(v.value), line: n, start: v.start, end: v.end, definition: false });
          i = v.next;
          while (line[i] === ' ' || line[i] === '\t') i++;
          if (line[i] === ',') i++;
          else break;
        }
        continue;
      }
      const v = readScalar(line, at, flowMap);
      if (v) out.push({ kind: nameKind, value: detach(v.value), line: n, start: v.start, end: v.end, definition: id });
    }
  }
  return out;
}

/**
 * Whether a line ends inside a flow collection (`[` or `{` not closed on it), quotes and comments left out. A `[` in a
 * plain scalar (`purpose: a [b`) says yes too: the parser then reads the file, which is slower, never wrong.
 */
function flowOpenAtEnd(line: string): boolean {
  if (!line.includes('[') && !line.includes('{')) return false;
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' || c === "'") {
      // (A quote starts a scalar only at a value's start; inside a plain scalar it is a character.)
      if (i > 0 && !/[ \t[{,:]/.test(line[i - 1])) continue;
      let j = i + 1;
      for (; j < line.length; j++) {
        if (c === '"' && line[j] === '\\') j++;
        else if (line[j] === c) {
          if (c === "'" && line[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= line.length) return depth > 0; // (a quoted scalar over lines)
      i = j;
    } else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
    else if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return depth > 0;
}

/** The names the parser reads, with lines and columns, when the file parses cleanly (else undefined: the scan is kept). */
function parsedNames(text: string, kind: 'inventory' | 'process-document'): ScannedName[] | undefined {
  const occ = nameOccurrences(text, kind);
  if (!occ.clean) return undefined;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineOf = (offset: number) => lastAtMost(starts, offset);
  return occ.items.map((o) => {
    const line = lineOf(o.start);
    return { kind: o.kind, value: detach(o.value), line, start: o.start - starts[line], end: o.end - starts[line], definition: o.definition };
  });
}

/** The column a block list under the key `m` may start at (a compact list `key:\n- a` sits at the key's own column). */
function keyIndent(line: string, m: RegExpMatchArray): number {
  return m.index! + m[1].length;
}

/** A plain or quoted scalar at `at` of `line` (in a flow collection when `flow`): its value, columns and where it ends. */
function readScalar(line: string, at: number, flow: boolean): { value: string; start: number; end: number; next: number } | undefined {
  const q = line[at];
  if (q === '"' || q === "'") {
    const close = line.indexOf(q, at + 1);
    if (close < 0) return undefined;
    const value = line.slice(at + 1, close);
    if ((q === '"' && value.includes('\\')) || (q === "'" && line[close + 1] === "'")) return undefined;
    if (!value.trim()) return undefined;
    return { value, start: at + 1, end: close, next: close + 1 };
  }
  if (/[[\]{}&*!|>%@`#,]/.test(q ?? '#') || /^[-?:][ \t]/.test(line.slice(at, at + 2))) return undefined;
  let end = at;
  for (; end < line.length; end++) {
    const c = line[end];
    if ((c === '#' && /[ \t]/.test(line[end - 1])) || (flow && (c === ',' || c === ']' || c === '}')) || (c === ':' && (end + 1 >= line.length || /[ \t,\]}]/.test(line[end + 1])))) break;
  }
  const raw = line.slice(at, end).replace(/[ \t]+$/, '');
  if (!raw || /^(?:true|false|yes|no|null|on|off|~)$/i.test(raw) || /^[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?$/i.test(raw)) return undefined;
  if (line[end] === ':') return undefined; // (a key, not a value)
  return { value: raw, start: at, end: at + raw.length, next: end };
}

/** The scanned names of every file, and the files naming each (the server's index; open documents are read apart). */
export class NameIndex {
  private readonly files = new Map<string, ScannedName[]>();
  private readonly byName = new Map<string, Set<string>>();

  set(uri: string, names: ScannedName[]): void {
    this.delete(uri);
    if (!names.length) return;
    this.files.set(uri, names);
    for (const x of names) {
      const k = `${x.kind}\0${x.value}`;
      let s = this.byName.get(k);
      if (!s) this.byName.set(k, (s = new Set()));
      s.add(uri);
    }
  }

  delete(uri: string): void {
    const old = this.files.get(uri);
    if (!old) return;
    this.files.delete(uri);
    for (const x of old) {
      const k = `${x.kind}\0${x.value}`;
      const s = this.byName.get(k);
      s?.delete(uri);
      if (s?.size === 0) this.byName.delete(k);
    }
  }

  /** The files naming it (sorted). */
  filesOf(kind: NameKind, value: string): string[] {
    return [...(this.byName.get(`${kind}\0${value}`) ?? [])].sort();
  }

  /** Where `uri` names it. */
  at(uri: string, kind: NameKind, value: string): ScannedName[] {
    return (this.files.get(uri) ?? []).filter((x) => x.kind === kind && x.value === value);
  }
}
