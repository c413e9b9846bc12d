/**
 * Cross-file facts of the workspace: the owners named anywhere (offered by completion) and the
 * identity IDs of every inventory (which must be unique across the workspace). Kept small on
 * purpose: a few strings per file, so a 10,000-file workspace costs a few MB.
 */
import type { Analysis } from './analysis/analyze';
import type { IdentitySummary } from './analysis/inventory';
import { frontMatterType, OFFBOARDING_WORDS } from './lang/evidence';
import { splitInventory } from './lang/inventory';
import { RETIRED_STATUSES } from './lang/inventory-schema';

export interface FileFacts {
  owners: string[];
  /** Identity IDs of an inventory, with the 0-based line of each; `retired` when its status is revoked or decommissioned. */
  ids: { id: string; line: number; retired?: true }[];
  /** A process document: its front matter `type`, and whether it speaks of offboarding or revoking access. */
  doc?: { type?: string; offboarding: boolean };
}

const OWNER_LINE = /^[ \t]*(?:-[ \t]+)?(?:owner|approver)[ \t]*:[ \t]*["']?([^"'#\r\n[\]{},]+?)["']?[ \t]*(?:#.*)?$/gm;
const ID_LINE = /^[ \t]*(?:-[ \t]+)?id[ \t]*:[ \t]*["']?([^"'#\r\n[\]{},]+?)["']?[ \t]*(?:#.*)?$/gm;

function lineOf(text: string, offset: number, from: { offset: number; line: number }): number {
  let line = from.line;
  for (let i = text.indexOf('\n', from.offset); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  from.offset = offset;
  from.line = line;
  return line;
}

/** Facts of a file read from disk without analysing it (a line scan). `ownersFrom`: where owners are read (default all). */
export function scanFacts(text: string, inventory: boolean, ownersFrom: string = text): FileFacts {
  const owners = new Set<string>();
  for (const m of ownersFrom.matchAll(OWNER_LINE)) owners.add(m[1]);
  const ids: FileFacts['ids'] = [];
  if (inventory) {
    const cursor = { offset: 0, line: 0 };
    const retired = retiredIdLines(text);
    for (const m of text.matchAll(ID_LINE)) {
      const line = lineOf(text, m.index!, cursor);
      ids.push(retired.has(line) ? { id: m[1], line, retired: true } : { id: m[1], line });
    }
    return { owners: [...owners], ids };
  }
  const type = frontMatterType(text);
  return { owners: [...owners], ids, doc: { ...(type ? { type } : {}), offboarding: OFFBOARDING_WORDS.test(text) } };
}

const RETIRED_STATUS = new RegExp(`^status[ \\t]*:[ \\t]*["']?(?:${RETIRED_STATUSES.join('|')})["']?[ \\t]*(?:#.*)?$`, 'i');

/**
 * The lines of the `id` of the identities whose `status` is revoked or decommissioned, by a line scan of each identity
 * the inventory cut finds (lang/inventory.ts): both keys at the identity's own indentation. An inventory the cut cannot
 * split (flow style, anchors) names none: nothing is taken for retired that the scan cannot see exactly.
 */
function retiredIdLines(text: string): Set<number> {
  const out = new Set<number>();
  if (!/status[ \t]*:/.test(text)) return out;
  for (const c of splitInventory(text)) {
    if (c.kind !== 'item') continue;
    const lines = text.slice(c.start, c.end).split('\n');
    const dash = /^[ \t]*-[ \t]+/.exec(lines[0]);
    if (!dash) continue;
    const col = dash[0].length;
    let idLine: number | undefined;
    let retired = false;
    for (let k = 0; k < lines.length; k++) {
      const l = lines[k].replace(/\r$/, '');
      if (k > 0 && !(l.length > col && /^ *$/.test(l.slice(0, col)) && /[^ \t#-]/.test(l[col]))) continue;
      const key = l.slice(col);
      if (/^id[ \t]*:/.test(key)) idLine ??= c.line + k;
      else if (RETIRED_STATUS.test(key)) retired = true;
    }
    if (retired && idLine !== undefined) out.add(idLine);
  }
  return out;
}

const idEntries = new WeakMap<object, FileFacts['ids'][number]>();

/** The owners of each identity list (in first-named order), kept with the list. */
const ownersMemo = new WeakMap<readonly IdentitySummary[], string[]>();

/**
 * The owners an inventory's identities name, each once, in the order first named. The same as for `prev` (the file's
 * last identities) when each identity names the same owners as the one at its index there: a keystroke then costs a
 * comparison per identity (most share the owners array with the last one), not a set of 20,000 names.
 */
function ownersOf(identities: readonly IdentitySummary[], prev?: readonly IdentitySummary[]): string[] {
  let out = ownersMemo.get(identities);
  if (out) return out;
  const kept = prev && prev.length === identities.length ? ownersMemo.get(prev) : undefined;
  if (kept && identities.every((x, i) => sameStrings(x.owners, prev![i].owners))) out = kept;
  else {
    const owners = new Set<string>();
    for (const i of identities) for (const o of i.owners) owners.add(o);
    out = [...owners];
  }
  ownersMemo.set(identities, out);
  return out;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Facts of an analysed file. */
export function factsOf(a: Analysis, prev?: Analysis): FileFacts {
  if (a.kind === 'inventory') {
    const ids: FileFacts['ids'] = [];
    const identities = a.identities ?? [];
    for (const i of identities) {
      if (i.id === undefined || !i.idRange) continue;
      // (An identity summary is the same object while its chunk is unchanged and unmoved: so is its entry.)
      let e = idEntries.get(i);
      if (!e) idEntries.set(i, (e = i.status && RETIRED_STATUSES.includes(i.status) ? { id: i.id, line: i.idRange.start.line, retired: true } : { id: i.id, line: i.idRange.start.line }));
      ids.push(e);
    }
    return { owners: ownersOf(identities, prev?.identities), ids };
  }
  if (a.kind === 'process-document') return scanFacts(a.lines.text, false, a.frontMatter ? a.lines.text.slice(a.frontMatter.start, a.frontMatter.end) : '');
  return { owners: [], ids: [] };
}

function sameOwnersAndDoc(a: FileFacts, b: FileFacts): boolean {
  if (a.owners.length !== b.owners.length || a.doc?.type !== b.doc?.type || a.doc?.offboarding !== b.doc?.offboarding || !!a.doc !== !!b.doc) return false;
  for (let i = 0; i < a.owners.length; i++) if (a.owners[i] !== b.owners[i]) return false;
  return true;
}

function sameFacts(a: FileFacts, b: FileFacts): boolean {
  if (a.ids.length !== b.ids.length || a.owners.length !== b.owners.length) return false;
  if (a.doc?.type !== b.doc?.type || a.doc?.offboarding !== b.doc?.offboarding) return false;
  for (let i = 0; i < a.ids.length; i++) if (a.ids[i] !== b.ids[i] && (a.ids[i].id !== b.ids[i].id || a.ids[i].line !== b.ids[i].line || a.ids[i].retired !== b.ids[i].retired)) return false;
  for (let i = 0; i < a.owners.length; i++) if (a.owners[i] !== b.owners[i]) return false;
  return true;
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileFacts>();
  private readonly byId = new Map<string, Map<string, number>>();
  /** Every declaration by the id lower-cased (the lifecycle rules compare IDs case-insensitively): line and whether retired. */
  private readonly byLower = new Map<string, Map<string, { line: number; retired: boolean }>>();
  /** How many declarations are retired (none: nhi-revoked-in-use has nothing to look up across files). */
  private retiredCount = 0;
  /** Changes of the IDs and their lines, in all files and per file (see othersVersion). */
  private changes = 0;
  private readonly changesBy = new Map<string, number>();

  /**
   * A counter of the changes to the identity IDs (and their lines) of files other than `uri`: while it
   * stays the same, what `elsewhere` answers for `uri` does too.
   */
  othersVersion(uri: string): number {
    return this.changes - (this.changesBy.get(uri) ?? 0);
  }

  private bump(uri: string): void {
    this.changes++;
    this.changesBy.set(uri, (this.changesBy.get(uri) ?? 0) + 1);
  }

  /** Records the facts of a file; returns true when its identity IDs (or which are retired) changed (other files' findings may change). */
  set(uri: string, facts: FileFacts): boolean {
    const old = this.files.get(uri);
    if (old && sameFacts(old, facts)) return false;
    if (old?.ids.length || facts.ids.length) this.bump(uri);
    const changed = !old || old.ids.length !== facts.ids.length || old.ids.some((x, i) => x.id !== facts.ids[i].id || x.retired !== facts.ids[i].retired);
    if (old && !changed && sameOwnersAndDoc(old, facts)) {
      // The same IDs in the same order, some on other lines (a line break above them): move those, not all.
      this.moveLines(uri, old, facts);
      this.files.set(uri, facts);
      return false;
    }
    if (old) this.unlinkIds(uri, old);
    if (facts.owners.length || facts.ids.length || facts.doc) this.files.set(uri, facts);
    else this.files.delete(uri);
    for (const { id, line, retired } of facts.ids) {
      let m = this.byId.get(id);
      if (!m) this.byId.set(id, (m = new Map()));
      if (!m.has(uri)) m.set(uri, line);
      const lc = id.toLowerCase();
      let l = this.byLower.get(lc);
      if (!l) this.byLower.set(lc, (l = new Map()));
      if (!l.has(uri)) {
        l.set(uri, { line, retired: !!retired });
        if (retired) this.retiredCount++;
      }
    }
    return changed && (facts.ids.length > 0 || (old?.ids.length ?? 0) > 0);
  }

  delete(uri: string): boolean {
    const old = this.files.get(uri);
    if (!old) return false;
    if (old.ids.length) this.bump(uri);
    this.unlinkIds(uri, old);
    this.files.delete(uri);
    return old.ids.length > 0;
  }

  /**
   * Updates the lines of `uri`'s declarations from `old` to `facts` (the same IDs, in the same order). What is kept per
   * ID is its first declaration's line: from the last declaration back, only the one whose old line is the one kept
   * is that first one (a file's declarations are on increasing lines).
   */
  private moveLines(uri: string, old: FileFacts, facts: FileFacts): void {
    for (let i = facts.ids.length - 1; i >= 0; i--) {
      const from = old.ids[i].line;
      const { id, line } = facts.ids[i];
      if (from === line) continue;
      const m = this.byId.get(id);
      if (m?.get(uri) === from) m.set(uri, line);
      const l = this.byLower.get(id.toLowerCase());
      const mine = l?.get(uri);
      if (l && mine?.line === from) l.set(uri, { line, retired: mine.retired });
    }
  }

  private unlinkIds(uri: string, facts: FileFacts): void {
    for (const { id } of facts.ids) {
      const m = this.byId.get(id);
      if (m) {
        m.delete(uri);
        if (m.size === 0) this.byId.delete(id);
      }
      const lc = id.toLowerCase();
      const l = this.byLower.get(lc);
      const mine = l?.get(uri);
      if (!l || !mine) continue;
      if (mine.retired) this.retiredCount--;
      l.delete(uri);
      if (l.size === 0) this.byLower.delete(lc);
    }
  }

  /**
   * Where other files than `uri` declare identity `id` (case-insensitive) as revoked or decommissioned, when every
   * other declaration of it is (an id active somewhere else is nhi-id-duplicate's business, not a revoked one in use).
   */
  retiredElsewhere(id: string, uri: string): { uri: string; line: number }[] {
    if (!this.retiredCount) return [];
    const l = this.byLower.get(id.toLowerCase());
    if (!l) return [];
    const out: { uri: string; line: number }[] = [];
    for (const [u, d] of l) {
      if (u === uri) continue;
      if (!d.retired) return [];
      out.push({ uri: u, line: d.line });
    }
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.line - b.line));
  }

  /** The runbooks and procedures that speak of offboarding or revoking access (URIs, sorted). */
  offboardingDocs(): string[] {
    const out: string[] = [];
    for (const [uri, f] of this.files) if (f.doc?.offboarding && (f.doc.type === 'runbook' || f.doc.type === 'procedure')) out.push(uri);
    return out.sort();
  }

  /** The owners of the workspace, the most used first (by the number of files naming each), then by name. */
  ownersByUse(): string[] {
    const uses = new Map<string, number>();
    for (const f of this.files.values()) for (const o of new Set(f.owners)) uses.set(o, (uses.get(o) ?? 0) + 1);
    return [...uses].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([o]) => o);
  }

  owners(): string[] {
    const seen = new Set<string>();
    for (const f of this.files.values()) f.owners.forEach((o) => seen.add(o));
    return [...seen].sort();
  }

  /** The files naming an owner that `match` accepts: how many inventories and documents. */
  ownedBy(match: (owner: string) => boolean): { inventories: number; documents: number; uris: string[] } {
    const out = { inventories: 0, documents: 0, uris: [] as string[] };
    for (const [uri, f] of this.files) {
      if (!f.owners.some(match)) continue;
      if (f.doc) out.documents++;
      else out.inventories++;
      out.uris.push(uri);
    }
    out.uris.sort();
    return out;
  }

  /** Other files that declare identity `id`, with the line of the declaration. */
  elsewhere(id: string, uri: string): { uri: string; line: number }[] {
    const m = this.byId.get(id);
    if (!m) return [];
    const out: { uri: string; line: number }[] = [];
    for (const [u, line] of m) if (u !== uri) out.push({ uri: u, line });
    return out;
  }

  get size(): number {
    return this.files.size;
  }
}
