/**
 * Cross-file facts of the workspace: the owners named anywhere (offered by completion) and the
 * identity IDs of every inventory (which must be unique across the workspace). Kept small on
 * purpose: a few strings per file, so a 10,000-file workspace costs a few MB.
 */
import { detach } from './chunks';
import type { Analysis } from './analysis/analyze';
import { identitiesSince, type IdentitySummary } from './analysis/inventory';
import { frontMatterType, OFFBOARDING_WORDS } from './lang/evidence';
import { splitInventory } from './lang/inventory';
import { RETIRED_STATUSES } from './lang/inventory-schema';
import { documents, matchKey, originOf, type DeclaredFact, type EntryFact } from './discovery/reconcile';
import type { InfraOrigin } from './discovery/types';

export interface FileFacts {
  owners: string[];
  /** Identity IDs of an inventory, with the 0-based line of each; `retired` when its status is revoked or decommissioned. */
  ids: { id: string; line: number; retired?: true }[];
  /** A process document: its front matter `type`, and whether it speaks of offboarding or revoking access. */
  doc?: { type?: string; offboarding: boolean };
  /** An inventory: its entries as discovery matches them (docs/discovery.md). */
  entries?: EntryFact[];
  /** An infrastructure file: what it declares, and whether a reader could not read it all (templated, malformed). */
  infra?: { origin: InfraOrigin; identities: DeclaredFact[]; problems: number };
}

/** The inventory entry documenting a declared identity, where it is. */
export interface Documenting {
  uri: string;
  entry: EntryFact;
  by: 'source' | 'name';
}

const ENTRY_KEY_LINE = /^([ \t]*)(-[ \t]+)?([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$/;

/** A plain or quoted scalar as written (comments dropped); undefined for a block indicator or an empty value. */
function lineScalar(raw: string): string | undefined {
  const v = raw.replace(/[ \t]+#.*$/, '').trim();
  if (!v || v === '|' || v === '>' || v.startsWith('#')) return undefined;
  const q = /^(["'])(.*)\1$/.exec(v);
  return q ? q[2] : v;
}

/**
 * The entries of an inventory read from disk by a line scan (as the IDs are): each item of the list whose items
 * start with `- key:` at the smallest such indentation; `id`, `name`, `owner` and `source` (a value, a flow list
 * or a block list) of each. An entry written in flow style is not seen (the editor reads open files exactly).
 */
export function scanEntries(text: string): EntryFact[] {
  const lines = text.split(/\r\n|\r|\n/);
  let itemCol = -1;
  for (const l of lines) {
    const m = /^([ \t]*)-[ \t]+[A-Za-z_][\w-]*[ \t]*:/.exec(l);
    if (m && (itemCol < 0 || m[1].length < itemCol)) itemCol = m[1].length;
  }
  if (itemCol < 0) return [];
  const out: EntryFact[] = [];
  let cur: EntryFact | undefined;
  let keyCol = -1;
  let inSources = false;
  lines.forEach((l, line) => {
    if (/^[ \t]*(#|$)/.test(l)) return;
    const indent = /^[ \t]*/.exec(l)![0].length;
    if (indent < itemCol || (indent === itemCol && !/^[ \t]*-/.test(l))) {
      cur = undefined;
      inSources = false;
      return;
    }
    const m = ENTRY_KEY_LINE.exec(l);
    if (indent === itemCol && m?.[2]) {
      cur = { sources: [], owners: [], line };
      out.push(cur);
      keyCol = m[1].length + m[2].length;
    } else if (!cur) return;
    if (inSources) {
      const item = /^[ \t]*-[ \t]+(.*)$/.exec(l);
      if (item && indent >= keyCol && !(m && m[1].length + (m[2]?.length ?? 0) === keyCol)) {
        const v = lineScalar(item[1]);
        if (v) cur.sources.push(v);
        return;
      }
      inSources = false;
    }
    if (!m || m[1].length + (m[2]?.length ?? 0) !== keyCol) return;
    const [key, raw] = [m[3], m[4]];
    if (key === 'id' || key === 'name') {
      const v = lineScalar(raw);
      if (v !== undefined) cur[key] = v;
    } else if (key === 'owner') {
      const v = lineScalar(raw);
      if (v !== undefined) cur.owners.push(v);
    } else if (key === 'source') {
      const flow = /^\[(.*)\]/.exec(raw.trim());
      if (flow) flow[1].split(',').map((x) => lineScalar(x)).forEach((x) => x && cur!.sources.push(x));
      else {
        const v = lineScalar(raw);
        if (v !== undefined) cur.sources.push(v);
        else inSources = true;
      }
    }
  });
  return out;
}

/** The entries of an analysed inventory's identities. */
type EntrySource = { id?: string; name?: string; owners: string[]; range: { start: { line: number } }; sources?: { value: string }[] };
/** Each identity summary's entry (the same object while the summary is: its chunk unchanged and unmoved). */
const entryOfSummary = new WeakMap<object, EntryFact>();

/** The entries of each identity list (the next analysis of the file reuses them by index: entriesOf's `prev`). */
const entriesMemo = new WeakMap<readonly EntrySource[], EntryFact[]>();

/**
 * The entries of `identities`; `prev`, the file's identities at its last analysis: an identity that is the one at its
 * index there, or the same but on other lines (a line break above it), reuses that entry (or a copy with its line).
 */
export function entriesOf(identities: readonly EntrySource[], prev?: readonly EntrySource[]): EntryFact[] {
  const kept = prev ? entriesMemo.get(prev) : undefined;
  const out = identities.map((i, k) => entryAt(i, kept ? prev![k] : undefined, kept?.[k]));
  entriesMemo.set(identities, out);
  return out;
}

/** The entry of identity `i`; `p`, the identity at its index at the file's last analysis, and `e` its entry (or none). */
function entryAt(i: EntrySource, p: EntrySource | undefined, e: EntryFact | undefined): EntryFact {
  if (p === i && e) return e;
  if (p !== undefined && e && movedOnly(p, i)) return e.line === i.range.start.line ? e : { ...e, line: i.range.start.line };
  let out = entryOfSummary.get(i);
  if (!out) {
    // (Literals, not spreads of optional parts: kept per identity, and a spread at a site that meets many shapes
    // gives each object a hidden class of its own on Node 20's V8, ~200 bytes more an object.)
    const [id, name, sources, owners, line] = [i.id, i.name, (i.sources ?? []).map((x) => x.value), i.owners.slice(), i.range.start.line];
    out = id !== undefined ? (name !== undefined ? { id, name, sources, owners, line } : { id, sources, owners, line }) : name !== undefined ? { name, sources, owners, line } : { sources, owners, line };
    entryOfSummary.set(i, out);
  }
  return out;
}

/** The same identity facts on other lines (shifted summaries share their owners list). */
function movedOnly(p: EntrySource, i: EntrySource): boolean {
  if (p.id !== i.id || p.name !== i.name || p.owners !== i.owners) return false;
  const a = p.sources ?? [];
  const b = i.sources ?? [];
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k].value !== b[k].value) return false;
  return true;
}

const sameList = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
/** Entries equal in what decides findings (`lines` too unless told otherwise); the same objects compare at once. */
function sameEntries(a: readonly EntryFact[] | undefined, b: readonly EntryFact[] | undefined, lines = true): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x.id !== y.id || x.name !== y.name || (lines && x.line !== y.line) || !sameList(x.sources, y.sources) || !sameList(x.owners, y.owners)) return false;
  }
  return true;
}

/** Whether the part of discovery facts that decides findings is the same (lines left out: they move with every edit above). */
function sameDiscovery(a: FileFacts | undefined, b: FileFacts | undefined): boolean {
  if (!sameEntries(a?.entries, b?.entries, false)) return false;
  const key = (f: FileFacts | undefined) => (f?.infra ? JSON.stringify([f.infra.origin, f.infra.problems, f.infra.identities.map((x) => [x.source, x.names, x.label])]) : '');
  return key(a) === key(b);
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
    return { owners: [...owners], ids, entries: scanEntries(text) };
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
/** The id entry of each identity of a list, by index (undefined: no id), for factsOf's next analysis of the file. */
const idsMemo = new WeakMap<readonly IdentitySummary[], (FileFacts['ids'][number] | undefined)[]>();

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
    const identities = a.identities ?? [];
    const before = prev?.identities;
    // After a change within lines, only the identities that may differ are looked at (the others are the same objects).
    const since = before ? identitiesSince(identities) : undefined;
    const fast = since && since.last === before ? factsSince(identities, before, since.from, since.to) : undefined;
    if (fast) return fast;
    // (The entries of the file's last identities, by index: an identity on other lines only, after a line break above it,
    // gets a copy of its entry with the line, not a new entry kept per summary. An indexed loop and lists of their final
    // length: this runs over every identity on every keystroke.)
    const kept = before ? idsMemo.get(before) : undefined;
    const byIndex: (FileFacts['ids'][number] | undefined)[] = new Array(identities.length);
    let count = 0;
    for (let k = 0; k < identities.length; k++) {
      const i = identities[k];
      const e = kept && before![k] === i ? kept[k] : idEntryOf(i, kept?.[k]);
      byIndex[k] = e;
      if (e) count++;
    }
    const ids = compactIds(byIndex, count);
    idsMemo.set(identities, byIndex);
    idsListMemo.set(identities, ids);
    return { owners: ownersOf(identities, prev?.identities), ids, entries: entriesOf(identities, before) };
  }
  if (a.kind === 'process-document') {
    // (Asked twice of one analysis in a check: by the service as it keeps it, by the CLI for the main thread.)
    let f = docFacts.get(a);
    if (!f) docFacts.set(a, (f = scanFacts(a.lines.text, false, a.frontMatter ? a.lines.text.slice(a.frontMatter.start, a.frontMatter.end) : '')));
    return f;
  }
  return { owners: [], ids: [] };
}

/** The id entry of identity `i` (undefined: no id); `old`, the entry at its index at the file's last analysis. */
function idEntryOf(i: IdentitySummary, old: FileFacts['ids'][number] | undefined): FileFacts['ids'][number] | undefined {
  if (i.id === undefined || !i.idRange) return undefined;
  const line = i.idRange.start.line;
  const retired = !!i.status && RETIRED_STATUSES.includes(i.status);
  if (old && old.id === i.id && !!old.retired === retired) return old.line === line ? old : { ...old, line };
  // (An identity summary is the same object while its chunk is unchanged and unmoved: so is its entry.)
  let e = idEntries.get(i);
  if (!e) idEntries.set(i, (e = retired ? { id: i.id, line, retired: true } : { id: i.id, line }));
  return e;
}

function compactIds(byIndex: readonly (FileFacts['ids'][number] | undefined)[], count: number): FileFacts['ids'] {
  const ids: FileFacts['ids'] = new Array(count);
  for (let k = 0, at = 0; at < count; k++) if (byIndex[k]) ids[at++] = byIndex[k]!;
  reusedIds.add(ids);
  return ids;
}

/** The ids list made from each identity list (factsSince returns it again when no id entry changed). */
const idsListMemo = new WeakMap<readonly IdentitySummary[], FileFacts['ids']>();

/**
 * The facts of `identities`, made from `before` (the file's last identities) when only [from, to) may differ: the last
 * lists again (the same arrays: WorkspaceIndex.set compares them at once) unless an id entry, an entry or an owner list
 * there changed; undefined when the last facts are not kept.
 */
function factsSince(identities: readonly IdentitySummary[], before: readonly IdentitySummary[], from: number, to: number): FileFacts | undefined {
  const kept = idsMemo.get(before);
  const keptIds = idsListMemo.get(before);
  const keptEntries = entriesMemo.get(before);
  const keptOwners = ownersMemo.get(before);
  if (!kept || !keptIds || !keptEntries || !keptOwners || kept.length !== identities.length || keptEntries.length !== identities.length) return undefined;
  let byIndex = kept;
  let count = keptIds.length;
  let entries = keptEntries;
  let owners: string[] | undefined = keptOwners;
  for (let k = from; k < to; k++) {
    const i = identities[k];
    const p = before[k];
    if (i === p) continue;
    const e = idEntryOf(i, kept[k]);
    if (e !== kept[k]) {
      if (byIndex === kept) byIndex = kept.slice();
      byIndex[k] = e;
      count += (e ? 1 : 0) - (kept[k] ? 1 : 0);
    }
    const x = entryAt(i, p, keptEntries[k]);
    if (x !== keptEntries[k] && !sameEntries([x], [keptEntries[k]])) {
      if (entries === keptEntries) entries = keptEntries.slice();
      entries[k] = x;
    }
    if (owners && !sameStrings(i.owners, p.owners)) owners = undefined;
  }
  const ids = byIndex === kept ? keptIds : compactIds(byIndex, count);
  idsMemo.set(identities, byIndex);
  idsListMemo.set(identities, ids);
  entriesMemo.set(identities, entries);
  if (owners) ownersMemo.set(identities, owners);
  return { owners: owners ?? ownersOf(identities), ids, entries };
}

/** A process document's facts, by analysis (read-only: WorkspaceIndex.set keeps its own copy). */
const docFacts = new WeakMap<Analysis, FileFacts>();

function sameOwnersAndDoc(a: FileFacts, b: FileFacts): boolean {
  if (a.owners.length !== b.owners.length || a.doc?.type !== b.doc?.type || a.doc?.offboarding !== b.doc?.offboarding || !!a.doc !== !!b.doc) return false;
  for (let i = 0; i < a.owners.length; i++) if (a.owners[i] !== b.owners[i]) return false;
  return true;
}

function sameFacts(a: FileFacts, b: FileFacts): boolean {
  if (a.ids.length !== b.ids.length || a.owners.length !== b.owners.length) return false;
  if (a.doc?.type !== b.doc?.type || a.doc?.offboarding !== b.doc?.offboarding) return false;
  if (!sameEntries(a.entries, b.entries) || JSON.stringify(a.infra ?? null) !== JSON.stringify(b.infra ?? null)) return false;
  if (a.owners !== b.owners) for (let i = 0; i < a.owners.length; i++) if (a.owners[i] !== b.owners[i]) return false;
  // (The index keeps its own copy of the ids: the list it was last given for them, when factsOf made it, is equal to it.)
  if (givenIds.get(a.ids) === b.ids) return true;
  for (let i = 0; i < a.ids.length; i++) if (a.ids[i] !== b.ids[i] && (a.ids[i].id !== b.ids[i].id || a.ids[i].line !== b.ids[i].line || a.ids[i].retired !== b.ids[i].retired)) return false;
  return true;
}

/** The ids lists factsOf made (never changed: WorkspaceIndex.set may remember one as equal to its own copy, givenIds). */
const reusedIds = new WeakSet<FileFacts['ids']>();
/** A file's ids as the index keeps them -> the list factsOf made that they were last set from (equal to them). */
const givenIds = new WeakMap<FileFacts['ids'], FileFacts['ids']>();

/** One declaration of an identity ID: the file, the ID as written, its 0-based line, whether it is retired. */
interface Declaration {
  uri: string;
  id: string;
  line: number;
  retired?: true;
}

/** A lower-cased ID's declarations in the order recorded: one object, or a list when there are several (rare). */
type Declarations = Declaration | Declaration[];
const each = (d: Declarations | undefined): readonly Declaration[] => (d === undefined ? [] : Array.isArray(d) ? d : [d]);

export class WorkspaceIndex {
  private readonly files = new Map<string, FileFacts>();
  /**
   * Every declaration by its ID lower-cased (the lifecycle rules compare IDs case-insensitively; `elsewhere` compares
   * them exactly), in the order the files were recorded (a file recorded again goes last), each file's in line order.
   * The same objects are the `ids` of the file's facts. One entry per ID, no Map per ID: 20,000 IDs cost ~2 MiB, not ~13.
   */
  private readonly byLower = new Map<string, Declarations>();
  /** How many declarations are retired (none: nhi-revoked-in-use has nothing to look up across files). */
  private retiredCount = 0;
  /** Declarations in byLower, all files. */
  private idCount = 0;
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
    if (old && sameFacts(old, facts)) {
      if (reusedIds.has(facts.ids)) givenIds.set(old.ids, facts.ids);
      // (The entries list given, equal to the kept one: kept instead, so the next keystroke's, the same list again after a
      // typed character (factsOf), compares at once.)
      if (facts.entries && old.entries !== facts.entries) this.files.set(uri, { ...old, entries: facts.entries });
      return false;
    }
    if (old?.ids.length || facts.ids.length) this.bump(uri);
    const changed = !old || old.ids.length !== facts.ids.length || old.ids.some((x, i) => x.id !== facts.ids[i].id || x.retired !== facts.ids[i].retired);
    const discovery = this.noteDiscovery(uri, old, facts);
    if (old && !changed && sameOwnersAndDoc(old, facts)) {
      // The same IDs in the same order, some on other lines (a line break above them): move those, not all.
      this.moveLines(old, facts);
      if (reusedIds.has(facts.ids)) givenIds.set(old.ids, facts.ids);
      this.files.set(uri, { ...facts, owners: old.owners, ids: old.ids });
      return discovery;
    }
    if (old) this.unlinkIds(uri, old);
    // (Kept until the file changes: own copies, not slices that would keep a version of the whole text alive.)
    const ids = facts.ids.map((x): Declaration => (x.retired ? { uri, id: detach(x.id), line: x.line, retired: true } : { uri, id: detach(x.id), line: x.line }));
    if (reusedIds.has(facts.ids)) givenIds.set(ids, facts.ids);
    facts = { ...facts, owners: facts.owners.map(detach), ids };
    if (facts.owners.length || facts.ids.length || facts.doc || facts.entries?.length || facts.infra) this.files.set(uri, facts);
    else this.files.delete(uri);
    for (const d of ids) {
      const lc = d.id.toLowerCase();
      const l = this.byLower.get(lc);
      this.byLower.set(lc, l === undefined ? d : Array.isArray(l) ? (l.push(d), l) : [l, d]);
      this.idCount++;
      if (d.retired) this.retiredCount++;
    }
    return discovery || (changed && (facts.ids.length > 0 || (old?.ids.length ?? 0) > 0));
  }

  delete(uri: string): boolean {
    const old = this.files.get(uri);
    if (!old) return false;
    if (old.ids.length) this.bump(uri);
    const discovery = this.noteDiscovery(uri, old, { owners: [], ids: [] });
    this.unlinkIds(uri, old);
    this.files.delete(uri);
    return old.ids.length > 0 || discovery;
  }

  // ---- Discovery (docs/discovery.md): declared identities of infrastructure files vs inventory entries. ----

  /** Changes of any inventory's entries (lines included: the lookup is rebuilt) and of what decides findings. */
  private entriesStamp = 0;
  private declaredStamp = 0;
  private discoveryChanges = 0;
  private lookup?: { stamp: number; bySource: Map<string, Documenting[]>; byName: Map<string, Documenting[]> };
  /** Per origin: the files read, those a reader could not read whole, and every source ref declared (with its count). */
  private origins = new Map<InfraOrigin, { files: number; partial: number; sources: Map<string, number> }>();

  /** Changes of any inventory's entries or any file's declarations, lines included (memo key of derived tables). */
  get discoveryStamp(): string {
    return `${this.entriesStamp}:${this.declaredStamp}`;
  }

  /** A counter of the changes of discovery facts that decide findings (entries, declarations): memo key. */
  get discoveryVersion(): number {
    return this.discoveryChanges;
  }

  /** Updates the discovery tallies for a file's change; true when findings of other files may change. */
  private noteDiscovery(uri: string, old: FileFacts | undefined, facts: FileFacts): boolean {
    if (old?.entries || facts.entries) this.entriesStamp++;
    if (old?.infra || facts.infra) {
      this.declaredStamp++;
      for (const [f, sign] of [[old?.infra, -1], [facts.infra, 1]] as const) {
        if (!f) continue;
        let o = this.origins.get(f.origin);
        if (!o) this.origins.set(f.origin, (o = { files: 0, partial: 0, sources: new Map() }));
        o.files += sign;
        if (f.problems) o.partial += sign;
        for (const d of f.identities) {
          const k = matchKey(d.source);
          const n = (o.sources.get(k) ?? 0) + sign;
          if (n > 0) o.sources.set(k, n);
          else o.sources.delete(k);
        }
      }
    }
    const changed = !sameDiscovery(old, facts);
    if (changed) this.discoveryChanges++;
    return changed;
  }

  private entryLookup() {
    if (this.lookup?.stamp === this.entriesStamp) return this.lookup;
    const bySource = new Map<string, Documenting[]>();
    const byName = new Map<string, Documenting[]>();
    const push = (m: Map<string, Documenting[]>, k: string, d: Documenting) => {
      const list = m.get(k);
      if (list) list.push(d);
      else m.set(k, [d]);
    };
    for (const uri of [...this.files.keys()].sort()) {
      for (const entry of this.files.get(uri)!.entries ?? []) {
        for (const s of entry.sources) push(bySource, matchKey(s), { uri, entry, by: 'source' });
        for (const n of new Set([entry.id, entry.name].filter((x): x is string => x !== undefined).map(matchKey))) if (n) push(byName, n, { uri, entry, by: 'name' });
      }
    }
    return (this.lookup = { stamp: this.entriesStamp, bySource, byName });
  }

  /** The inventory entries documenting a declared identity (by source ref first, then by name), in URI order. */
  documenting(d: { source: string; names: readonly string[] }): Documenting[] {
    const l = this.entryLookup();
    const bySource = l.bySource.get(matchKey(d.source));
    if (bySource?.length) return bySource;
    const out: Documenting[] = [];
    for (const n of d.names) for (const x of l.byName.get(matchKey(n)) ?? []) if (!out.includes(x) && documents(x.entry, d)) out.push(x);
    return out;
  }

  /**
   * Whether a source ref names something the workspace's infrastructure code declares: undefined when its origin
   * is not discovered (no file of it read, or one a reader could not read whole: a template, a parse error).
   */
  declares(source: string): { declared: boolean; origin: InfraOrigin; files: number } | undefined {
    const origin = originOf(source);
    const o = origin ? this.origins.get(origin) : undefined;
    if (!origin || !o || o.files <= 0 || o.partial > 0) return undefined;
    return { declared: o.sources.has(matchKey(source)), origin, files: o.files };
  }

  /** The inventories of the workspace with their entries (URI order). */
  inventories(): { uri: string; entries: EntryFact[] }[] {
    return [...this.files].filter(([, f]) => f.entries !== undefined).map(([uri, f]) => ({ uri, entries: f.entries! })).sort((a, b) => (a.uri < b.uri ? -1 : 1));
  }

  /** The infrastructure files of the workspace with what they declare (URI order). */
  infraFiles(sorted = true): { uri: string; infra: NonNullable<FileFacts['infra']> }[] {
    const out: { uri: string; infra: NonNullable<FileFacts['infra']> }[] = [];
    for (const [uri, f] of this.files) if (f.infra) out.push({ uri, infra: f.infra });
    return sorted ? out.sort((a, b) => (a.uri < b.uri ? -1 : 1)) : out;
  }

  /** Is `id` an identity ID of some inventory? */
  hasId(id: string): boolean {
    return each(this.byLower.get(id.toLowerCase())).some((d) => d.id === id);
  }

  /** Moves `old`'s declarations (the recorded objects) to the lines of `facts` (the same IDs, in the same order). */
  private moveLines(old: FileFacts, facts: FileFacts): void {
    for (let i = 0; i < facts.ids.length; i++) old.ids[i].line = facts.ids[i].line;
  }

  private unlinkIds(uri: string, facts: FileFacts): void {
    for (const { id } of facts.ids) {
      const lc = id.toLowerCase();
      const l = this.byLower.get(lc);
      if (l === undefined) continue;
      const keep: Declaration[] = [];
      for (const d of each(l)) {
        if (d.uri !== uri) keep.push(d);
        else {
          this.idCount--;
          if (d.retired) this.retiredCount--;
        }
      }
      if (!keep.length) this.byLower.delete(lc);
      else this.byLower.set(lc, keep.length === 1 ? keep[0] : keep);
    }
  }

  /** Whether any file declares a revoked or decommissioned identity (else retiredElsewhere is empty for every ID). */
  get hasRetired(): boolean {
    return this.retiredCount > 0;
  }

  /** Whether files other than `uri` declare any identity ID (else `elsewhere` is empty for every ID). */
  idsElsewhere(uri: string): boolean {
    return this.idCount > (this.files.get(uri)?.ids.length ?? 0);
  }

  /**
   * Where other files than `uri` declare identity `id` (case-insensitive) as revoked or decommissioned, when every
   * other declaration of it is (an id active somewhere else is nhi-id-duplicate's business, not a revoked one in use).
   */
  retiredElsewhere(id: string, uri: string): { uri: string; line: number }[] {
    if (!this.retiredCount) return [];
    const out: { uri: string; line: number }[] = [];
    const seen = new Set<string>();
    // (What counts per file is its first declaration of the ID, in any case.)
    for (const d of each(this.byLower.get(id.toLowerCase()))) {
      if (d.uri === uri || seen.has(d.uri)) continue;
      seen.add(d.uri);
      if (!d.retired) return [];
      out.push({ uri: d.uri, line: d.line });
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
    const out: { uri: string; line: number }[] = [];
    // (Each other file once, at its first declaration of the ID as written, in the order the files were recorded.)
    for (const d of each(this.byLower.get(id.toLowerCase()))) if (d.id === id && d.uri !== uri && !out.some((o) => o.uri === d.uri)) out.push({ uri: d.uri, line: d.line });
    return out;
  }

  get size(): number {
    return this.files.size;
  }
}
