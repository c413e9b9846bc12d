/**
 * Reconciliation of declared identities with the inventories (docs/discovery.md):
 *
 * - an inventory entry documents a declared identity when one of its `source:` values equals the identity's
 *   source ref, or its `id` or `name` equals one of the identity's names; both compared without surrounding
 *   whitespace and case-insensitively (GitHub secret names are case-insensitive; Kubernetes names are lower case).
 * - the entry a fix or `isms discover` adds: pre-filled from the declaration (SuggestedEntry) with `source:`, and
 *   `owner: TODO` / `purpose: TODO` left for the owner, as the other quick fixes write placeholders;
 * - where it goes: the end of the inventory's `identities:` list, in the indentation the list already uses,
 *   nothing else of the file touched (comments and formatting kept).
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { yamlValue } from '../lang/yaml-mapping';
import { LineIndex } from '../text';
import type { Range, TextEdit } from '../types';
import type { DeclaredIdentity, InfraOrigin } from './types';

/** What the workspace index keeps of a declared identity (a few strings). */
export interface DeclaredFact {
  origin: InfraOrigin;
  source: string;
  names: string[];
  label: string;
  /** 0-based line of its focus. */
  line: number;
}

/** What the workspace index keeps of an inventory entry (for matching and nhi-undeployed). */
export interface EntryFact {
  id?: string;
  name?: string;
  sources: string[];
  owners: string[];
  /** 0-based line of the entry (its first key). */
  line: number;
}

export const matchKey = (s: string): string => s.trim().toLowerCase();

/** The origin a source ref names (`k8s:`, `terraform:`, `github:`), if any. */
export function originOf(source: string): InfraOrigin | undefined {
  const m = /^\s*(k8s|terraform|github)\s*:/i.exec(source);
  return m ? (m[1].toLowerCase() as InfraOrigin) : undefined;
}

export function declaredFact(d: DeclaredIdentity): DeclaredFact {
  return { origin: d.origin, source: d.source, names: d.names.slice(), label: d.label, line: d.focus.start.line };
}

/** Does `entry` document `d`? By source ref, else by id/name against the identity's names. */
export function documents(entry: EntryFact, d: { source: string; names: readonly string[] }): 'source' | 'name' | undefined {
  const src = matchKey(d.source);
  if (entry.sources.some((s) => matchKey(s) === src)) return 'source';
  const names = new Set(d.names.map(matchKey).filter((n) => n !== ''));
  if ((entry.id !== undefined && names.has(matchKey(entry.id))) || (entry.name !== undefined && names.has(matchKey(entry.name)))) return 'name';
  return undefined;
}

/** An id for the entry of `d`: its name, slugged (`payments-api`, `npm-token`, `gha-oidc-deploy`). */
export function suggestedId(d: DeclaredIdentity, taken: (id: string) => boolean = () => false): string {
  let base: string;
  const k8s = /^k8s:([^/]*)\/([^/]*)\/(.*)$/.exec(d.source);
  const oidc = /^github:(.*)#oidc$/.exec(d.source);
  if (k8s) base = k8s[1] === 'default' ? k8s[3] : `${k8s[1]}-${k8s[3]}`;
  else if (oidc) base = `gha-oidc-${oidc[1].split('/').pop()!.replace(/\.ya?ml$/i, '')}`;
  else base = d.names[0] ?? d.source.replace(/^[a-z0-9]+:/i, '').split(/[./]/).pop() ?? 'identity';
  const slug = base.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'identity';
  let id = slug;
  for (let n = 2; taken(id) && n < 1000; n++) id = `${slug}-${n}`;
  return id;
}

/** The lines of a new inventory entry for `d` (no indentation, no line breaks): `key: value` pairs. */
export function entryFields(d: DeclaredIdentity, id: string): [string, string][] {
  const e = d.entry;
  const out: [string, string][] = [['id', id]];
  const name = d.names[0];
  if (name && name !== id) out.push(['name', yamlValue(name)]);
  out.push(['type', e.type], ['source', sourceValue(d.source)]);
  if (e.platform) out.push(['platform', yamlValue(e.platform)]);
  out.push(['owner', 'TODO'], ['purpose', e.purpose ? yamlValue(e.purpose) : 'TODO']);
  if (e.privilege) out.push(['privilege', e.privilege]);
  if (e.scopes?.length) out.push(['scopes', `[${e.scopes.map((s) => yamlValue(s)).join(', ')}]`]);
  if (e.credential) out.push(['credential', e.credential]);
  if (e.secret_store) out.push(['secret_store', e.secret_store]);
  return out;
}

/** A source ref as a YAML scalar: plain when it is one (`k8s:ns/Kind/name`, `github:secrets.X`), else quoted. */
function sourceValue(s: string): string {
  return /^[A-Za-z][\w.:/#@-]*$/.test(s) && !/:$/.test(s) ? s : JSON.stringify(s);
}

/** One entry as a block sequence item: `- ` at `dash` columns, keys at `dash + step`. */
export function entryText(fields: readonly [string, string][], dash: number, step: number, eol: string): string {
  const pad = ' '.repeat(dash);
  const key = ' '.repeat(dash + step);
  return fields.map(([k, v], i) => `${i === 0 ? `${pad}-${' '.repeat(step - 1)}` : key}${k}: ${v}${eol}`).join('');
}

/**
 * Where new entries go in an inventory (appendPoint) and in which style: read once per text of the inventory (it
 * parses the file), used for any number of entries (appendEdit).
 */
export interface AppendPoint {
  range: Range;
  /** Written before the entries (a line break, `identities:`). */
  lead: string;
  dash: number;
  step: number;
  eol: string;
  /** The entries replace `[]`: no line break after the last one. */
  inline?: boolean;
}

/**
 * Where entries are appended to the inventory `text`: after the last item of its `identities:` list (or of a
 * top-level list), in the indentation that list uses. Undefined when the file has no place for them that keeps its
 * style (a non-empty flow list, a parse error, not an inventory's shape).
 */
export function appendPoint(text: string): AppendPoint | undefined {
  let doc;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'silent' });
  } catch {
    return undefined;
  }
  if (doc.errors.length) return undefined;
  const lines = new LineIndex(text);
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const col = (offset: number) => offset - lines.lineStarts[lines.positionAt(offset).line];
  const missingEol = text.length && !/[\r\n]$/.test(text) ? eol : '';
  // At the start of the line after `offset`'s line (or at the end of the text, with a line break first).
  const after = (offset: number, dash: number, step: number): AppendPoint => {
    const line = lines.positionAt(offset).line;
    if (line + 1 < lines.lineCount) {
      const pos = { line: line + 1, character: 0 };
      return { range: { start: pos, end: pos }, lead: '', dash, step, eol };
    }
    const end = lines.positionAt(text.length);
    return { range: { start: end, end }, lead: missingEol, dash, step, eol };
  };
  const root = doc.contents;
  let seq: Node | null | undefined;
  let keyNode: Node | undefined;
  if (isSeq(root)) seq = root;
  else if (isMap(root)) {
    const pair = (root as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'identities');
    if (!pair) {
      const end = lines.positionAt(text.length);
      return { range: { start: end, end }, lead: `${missingEol}identities:${eol}`, dash: 2, step: 2, eol };
    }
    seq = pair.value as Node | null;
    keyNode = pair.key as Node;
  } else return undefined;
  const keyCol = keyNode?.range ? col(keyNode.range[0]) : 0;
  if (isSeq(seq) && seq.items.length && !seq.flow) {
    const first = seq.items[0] as Node;
    const last = seq.items[seq.items.length - 1] as Node;
    if (!first.range || !last.range) return undefined;
    // The dash of the first item: the last '-' before its content on its line.
    const lineStart = lines.lineStarts[lines.positionAt(first.range[0]).line];
    const dash = text.slice(lineStart, first.range[0]).lastIndexOf('-');
    if (dash < 0) return undefined;
    const step = Math.max(2, first.range[0] - lineStart - dash);
    // After the last item's content (its last value; comments after it stay after the new entries).
    let end = last.range[1];
    while (end > 0 && /[\r\n \t]/.test(text[end - 1])) end--;
    return after(Math.max(end - 1, 0), dash, step);
  }
  if (seq === null || seq === undefined || (isScalar(seq) && (seq.value === null || seq.value === ''))) {
    // `identities:` with nothing after it: the entries below the key.
    return after(keyNode?.range?.[0] ?? 0, keyCol + 2, 2);
  }
  if (isSeq(seq) && seq.flow && !seq.items.length && seq.range) {
    // `identities: []`: the empty list (and the blank before it) replaced by the entries.
    const start = lines.positionAt(text.lastIndexOf(':', seq.range[0]) + 1);
    return { range: { start, end: lines.positionAt(seq.range[1]) }, lead: eol, dash: keyCol + 2, step: 2, eol, inline: true };
  }
  return undefined;
}

/** The edit writing `entries` (each a list of fields) at an append point. */
export function appendEdit(p: AppendPoint, entries: readonly (readonly [string, string][])[]): TextEdit {
  let body = p.lead + entries.map((f) => entryText(f, p.dash, p.step, p.eol)).join('');
  if (p.inline && body.endsWith(p.eol)) body = body.slice(0, -p.eol.length);
  return { range: p.range, newText: body };
}

/** The edit appending `entries` to the inventory `text` (appendPoint, then appendEdit); undefined where none keeps its style. */
export function appendEntriesEdit(text: string, entries: readonly (readonly [string, string][])[]): TextEdit | undefined {
  if (!entries.length) return undefined;
  const p = appendPoint(text);
  return p && appendEdit(p, entries);
}

/**
 * The inventory an entry for a declaration in `infraRel` goes to: the configured one when the workspace has it;
 * else the one whose entries name most source refs declared in the same folder; else the nearest up the tree
 * (the longest common folder), then the shortest path, then by name.
 */
export function chooseInventory(
  infraRel: string,
  inventories: readonly { rel: string; sources: readonly string[] }[],
  folderSources: ReadonlySet<string>,
  configured?: string,
): string | undefined {
  if (!inventories.length) return undefined;
  if (configured) {
    const c = inventories.find((i) => i.rel === configured);
    if (c) return c.rel;
  }
  const folder = infraRel.split('/').slice(0, -1);
  const common = (rel: string) => {
    const f = rel.split('/').slice(0, -1);
    let n = 0;
    while (n < f.length && n < folder.length && f[n] === folder[n]) n++;
    return n === f.length ? n : -1; // (-1: not up the tree)
  };
  const scored = inventories.map((i) => ({
    rel: i.rel,
    hits: i.sources.reduce((n, s) => n + (folderSources.has(matchKey(s)) ? 1 : 0), 0),
    up: common(i.rel),
  }));
  scored.sort((a, b) => b.hits - a.hits || b.up - a.up || a.rel.split('/').length - b.rel.split('/').length || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return scored[0].rel;
}
