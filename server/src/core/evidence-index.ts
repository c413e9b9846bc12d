/**
 * The evidence of every file of the workspace, kept current so that a coverage report is computation over kept
 * data, never a rescan (the server's isms/coverage; docs/client.md). Per file: its EvidenceSource[] (or "known,
 * not read yet": stale), a stamp of the text it was read from (a hash for files read from disk) and the other
 * files its reading consulted (link and evidence targets, as the host names them), so that a file appearing,
 * changing or going away marks the files whose evidence may depend on it stale again.
 *
 * The host feeds it (files found, changed, opened, closed, deleted); `set` compares the new evidence with the
 * kept one and reports a change only when they differ, so an edit that leaves the evidence equal changes
 * nothing (no report is recomputed, no notification is sent). Pure data, no I/O.
 */
import type { EvidenceSource } from './coverage/evidence';
import { CoverageModel } from './coverage/incremental';

interface Entry {
  /** undefined: the file is known but its evidence is still to be read (stale). */
  sources?: readonly EvidenceSource[];
  /** What the evidence was read from (the host's choice: a text hash for a file on disk; none for an open document). */
  stamp?: string;
  /** Other files the reading consulted. */
  deps: readonly string[];
}

const NO_DEPS: readonly string[] = [];

export function sameSources(a: readonly EvidenceSource[], b: readonly EvidenceSource[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameSource(a[i], b[i])) return false;
  return true;
}

const sameStrings = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

function sameSource(a: EvidenceSource, b: EvidenceSource): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.uri !== b.uri || a.line !== b.line || a.name !== b.name || a.type !== b.type || a.lastReviewed !== b.lastReviewed) return false;
  if (!sameStrings(a.owners, b.owners) || !sameStrings(a.problems, b.problems) || !sameStrings(a.listed, b.listed)) return false;
  if (a.cited.length !== b.cited.length) return false;
  for (let i = 0; i < a.cited.length; i++) if (a.cited[i].key !== b.cited[i].key || a.cited[i].line !== b.cited[i].line) return false;
  // (Fields added to EvidenceSource later are compared here too, whatever they are.)
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (k in KNOWN) continue;
    if (JSON.stringify((a as unknown as Record<string, unknown>)[k]) !== JSON.stringify((b as unknown as Record<string, unknown>)[k])) return false;
  }
  return true;
}

const KNOWN: Record<string, true> = { kind: true, uri: true, line: true, name: true, type: true, owners: true, lastReviewed: true, problems: true, listed: true, cited: true };

export class EvidenceIndex {
  private readonly files = new Map<string, Entry>();
  private readonly stale = new Set<string>();
  /** Reverse of the entries' deps: a consulted file -> the files that consulted it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Files whose evidence changed since the last takeChanged(). */
  private readonly changed = new Set<string>();
  private flat?: EvidenceSource[];
  private _version = 0;
  /** The coverage model over the kept evidence, updated file by file (coverage/incremental.ts). */
  readonly model = new CoverageModel();

  /** Bumped whenever the evidence of some file changes: a report computed at one version holds until the next. */
  get version(): number {
    return this._version;
  }

  /** The file exists and may offer evidence: it is read when the host next reads the stale files. */
  markStale(uri: string): void {
    if (!this.files.has(uri)) this.files.set(uri, { deps: NO_DEPS });
    this.stale.add(uri);
  }

  /** Every known file stale (the configuration changed: every file is read again, and compared). */
  markAllStale(): void {
    for (const uri of this.files.keys()) this.stale.add(uri);
  }

  /** The files whose reading consulted `dep` (a file that appeared, changed or went away) stale again. */
  markDependentsStale(dep: string): string[] {
    const out = [...(this.dependents.get(dep) ?? [])];
    for (const uri of out) this.stale.add(uri);
    return out;
  }

  /** Known files whose evidence is still to be read, in no particular order. */
  staleFiles(): string[] {
    return [...this.stale];
  }

  get staleCount(): number {
    return this.stale.size;
  }

  isStale(uri: string): boolean {
    return this.stale.has(uri);
  }

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  /** The stamp of the text the kept evidence of `uri` was read from (to skip reading an unchanged file again). */
  stamp(uri: string): string | undefined {
    const e = this.files.get(uri);
    return e?.sources ? e.stamp : undefined;
  }

  /** The kept evidence of a file (undefined: unknown or stale). */
  get(uri: string): readonly EvidenceSource[] | undefined {
    return this.stale.has(uri) ? undefined : this.files.get(uri)?.sources;
  }

  /**
   * Keeps `sources` as the evidence of `uri`, read from the text `stamp` names, consulting `deps`. Returns true
   * when the evidence differs from the kept one (a new file with evidence counts; a new file without any does not).
   */
  set(uri: string, sources: readonly EvidenceSource[], stamp?: string, deps: readonly string[] = NO_DEPS): boolean {
    const old = this.files.get(uri);
    this.stale.delete(uri);
    this.linkDeps(uri, old?.deps ?? NO_DEPS, deps);
    const same = old?.sources ? sameSources(old.sources, sources) : sources.length === 0;
    this.files.set(uri, { sources: same && old?.sources ? old.sources : sources, stamp, deps });
    if (same) return false;
    this.model.setFile(uri, sources);
    this.bump(uri);
    return true;
  }

  /** The file left the workspace (deleted, renamed, no longer a document or inventory). True when it had evidence. */
  delete(uri: string): boolean {
    const old = this.files.get(uri);
    if (!old) return false;
    this.files.delete(uri);
    this.stale.delete(uri);
    this.linkDeps(uri, old.deps, NO_DEPS);
    if (!old.sources?.length) return false;
    this.model.setFile(uri, undefined);
    this.bump(uri);
    return true;
  }

  /** Every file under the folder `prefix` (a URI without the trailing slash) left the workspace; the files dropped. */
  deleteUnder(prefix: string): string[] {
    const out: string[] = [];
    for (const uri of [...this.files.keys()]) if (uri.startsWith(prefix + '/') && this.delete(uri)) out.push(uri);
    return out;
  }

  /** The known files, in no particular order. */
  uris(): string[] {
    return [...this.files.keys()];
  }

  /** Forgets everything (another workspace folder). */
  clear(): void {
    for (const [uri, e] of this.files) if (e.sources?.length) this.changed.add(uri);
    this.files.clear();
    this.stale.clear();
    this.dependents.clear();
    this.model.clear();
    this.flat = undefined;
    this._version++;
  }

  private bump(uri: string): void {
    this.changed.add(uri);
    this.flat = undefined;
    this._version++;
  }

  private linkDeps(uri: string, before: readonly string[], after: readonly string[]): void {
    if (before === after) return;
    for (const d of before) {
      const s = this.dependents.get(d);
      s?.delete(uri);
      if (s?.size === 0) this.dependents.delete(d);
    }
    for (const d of after) {
      let s = this.dependents.get(d);
      if (!s) this.dependents.set(d, (s = new Set()));
      s.add(uri);
    }
  }

  /** The files whose evidence changed since the last call (for a change notification). */
  takeChanged(): string[] {
    const out = [...this.changed];
    this.changed.clear();
    return out;
  }

  /**
   * The kept evidence of every file (stale files contribute their last evidence, if any), ordered by file and then
   * as each file gave it: the same order whichever order the files were read in. One array per version.
   */
  sources(): readonly EvidenceSource[] {
    if (this.flat) return this.flat;
    const keys = [...this.files.keys()].sort();
    const out: EvidenceSource[] = [];
    for (const k of keys) for (const s of this.files.get(k)!.sources ?? []) out.push(s);
    return (this.flat = out);
  }

  /** Files known (read or stale). */
  get size(): number {
    return this.files.size;
  }
}
