/**
 * Cross-file facts of the workspace: the owners named anywhere (offered by completion) and the
 * identity IDs of every inventory (which must be unique across the workspace). Kept small on
 * purpose: a few strings per file, so a 10,000-file workspace costs a few MB.
 */
import { detach } from './chunks';
import type { Analysis } from './analysis/analyze';
import { frontMatterType, OFFBOARDING_WORDS } from './lang/evidence';

export interface FileFacts {
  owners: string[];
  /** Identity IDs of an inventory, with the 0-based line of each. */
  ids: { id: string; line: number }[];
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
    for (const m of text.matchAll(ID_LINE)) ids.push({ id: m[1], line: lineOf(text, m.index!, cursor) });
    return { owners: [...owners], ids };
  }
  const type = frontMatterType(text);
  return { owners: [...owners], ids, doc: { ...(type ? { type } : {}), offboarding: OFFBOARDING_WORDS.test(text) } };
}

/** Facts of an analysed file. */
export function factsOf(a: Analysis): FileFacts {
  if (a.kind === 'inventory') {
    const owners = new Set<string>();
    const ids: FileFacts['ids'] = [];
    for (const i of a.identities ?? []) {
      i.owners.forEach((o) => owners.add(o));
      if (i.id !== undefined && i.idRange) ids.push({ id: i.id, line: i.idRange.start.line });
    }
    return { owners: [...owners], ids };
  }
  if (a.kind === 'process-document') return scanFacts(a.lines.text, false, a.frontMatter ? a.lines.text.slice(a.frontMatter.start, a.frontMatter.end) : '');
  return { owners: [], ids: [] };
}

function sameFacts(a: FileFacts, b: FileFacts): boolean {
  if (a.ids.length !== b.ids.length || a.owners.length !== b.owners.length) return false;
  if (a.doc?.type !== b.doc?.type || a.doc?.offboarding !== b.doc?.offboarding) return false;
  for (let i = 0; i < a.ids.length; i++) if (a.ids[i].id !== b.ids[i].id || a.ids[i].line !== b.ids[i].line) return false;
  for (let i = 0; i < a.owners.length; i++) if (a.owners[i] !== b.owners[i]) return false;
  return true;
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileFacts>();
  private readonly byId = new Map<string, Map<string, number>>();
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

  /** Records the facts of a file; returns true when its identity IDs changed (other files' findings may change). */
  set(uri: string, facts: FileFacts): boolean {
    const old = this.files.get(uri);
    if (old && sameFacts(old, facts)) return false;
    // (Kept until the file changes: own copies, not slices that would keep a version of the whole text alive.)
    facts = { ...facts, owners: facts.owners.map(detach), ids: facts.ids.map((x) => ({ ...x, id: detach(x.id) })) };
    if (old?.ids.length || facts.ids.length) this.bump(uri);
    const changed = !old || old.ids.length !== facts.ids.length || old.ids.some((x, i) => x.id !== facts.ids[i].id);
    if (old) this.unlinkIds(uri, old);
    if (facts.owners.length || facts.ids.length || facts.doc) this.files.set(uri, facts);
    else this.files.delete(uri);
    for (const { id, line } of facts.ids) {
      let m = this.byId.get(id);
      if (!m) this.byId.set(id, (m = new Map()));
      if (!m.has(uri)) m.set(uri, line);
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

  private unlinkIds(uri: string, facts: FileFacts): void {
    for (const { id } of facts.ids) {
      const m = this.byId.get(id);
      if (!m) continue;
      m.delete(uri);
      if (m.size === 0) this.byId.delete(id);
    }
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
