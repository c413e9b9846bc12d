/**
 * Navigation across the files of the workspace (docs/client.md, "Navigation"): the references of a control, the
 * workspace's symbols (documents, identities, the controls it references), the paths a file names as links, and the
 * counts the code lens shows on a `controls` entry. Pure: computed from the kept evidence of every file
 * (coverage/evidence.ts EvidenceSource: `listed` and `cited` keys with lines) and, for open documents, from their
 * analyses (exact ranges). No I/O: a path is checked through the FileHost.
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import type { Analysis } from '../analysis/analyze';
import type { FrameworkId } from '../config';
import { coverageKeys, type EvidenceSource } from '../coverage/evidence';
import { catalog } from '../catalog/catalog';
import { FRAMEWORKS } from '../catalog/frameworks';
import { readEvidence } from '../lang/evidence';
import { PARSE_OPTIONS } from '../lang/fast-yaml';
import { refIds, type ControlRef } from '../refs/scan';
import type { FileHost, Range } from '../types';

export interface NavLocation {
  uri: string;
  range: Range;
}

/** The kept evidence of one file (the index's key: the file's URI). */
export interface FileEvidence {
  uri: string;
  sources: readonly EvidenceSource[];
}

/** The coverage keys (`framework:id`) a resolved reference stands for; the first of each ID is its canonical key. */
export function refKeys(ref: ControlRef): string[] {
  if (ref.status !== 'ok') return [];
  const out: string[] = [];
  for (const id of refIds(ref)) for (const k of coverageKeys(ref.framework, id)) if (!out.includes(k)) out.push(k);
  return out;
}

/** The canonical key of the control a reference names (for a range, its first member); undefined when unresolved. */
export function refKey(ref: ControlRef): string | undefined {
  return ref.status === 'ok' ? coverageKeys(ref.framework, refIds(ref)[0])[0] : undefined;
}

const lineRange = (line: number): Range => ({ start: { line, character: 0 }, end: { line, character: 0 } });

/** The ranges of `a`'s references to `key` (exact: from the analysis). */
export function refRanges(a: Analysis, key: string): Range[] {
  const out: Range[] = [];
  for (const r of a.refs) if (refKeys(r).includes(key)) out.push(a.lines.range(r.start, r.end));
  return out;
}

/**
 * Every place the workspace references the control `key`: for each file, the exact ranges of `exact` when given (open
 * documents), else the lines its kept evidence has: an identity's `controls` at its `id` line, a document's front
 * matter `controls` at line 0 (the front matter), a body's first citation at its line. Sorted by file and position.
 */
export function controlReferences(files: Iterable<FileEvidence>, key: string, exact: ReadonlyMap<string, readonly Range[]> = new Map()): NavLocation[] {
  const out: NavLocation[] = [];
  const seen = new Set<string>();
  for (const [uri, ranges] of exact) for (const range of ranges) out.push({ uri, range });
  for (const f of files) {
    if (exact.has(f.uri)) continue;
    for (const s of f.sources) {
      const lines: number[] = [];
      if (s.listed.includes(key)) lines.push(s.kind === 'identity' ? s.line : 0);
      for (const c of s.cited) if (c.key === key) lines.push(c.line);
      for (const line of lines) {
        const id = `${f.uri}\n${line}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ uri: f.uri, range: lineRange(line) });
      }
    }
  }
  return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character));
}

/**
 * How many documents and identities reference each key (listed or cited), counted once over every file: the returned
 * function answers for one key, leaving out the file `except` (the code lens of that file).
 */
export function referenceCounter(files: Iterable<FileEvidence>): (key: string, except: string) => { documents: number; identities: number } {
  const byKey = new Map<string, { uri: string; kind: EvidenceSource['kind'] }[]>();
  for (const f of files) {
    for (const s of f.sources) {
      const keys = new Set(s.listed);
      for (const c of s.cited) keys.add(c.key);
      for (const k of keys) {
        let l = byKey.get(k);
        if (!l) byKey.set(k, (l = []));
        l.push({ uri: f.uri, kind: s.kind });
      }
    }
  }
  return (key, except) => {
    let documents = 0;
    let identities = 0;
    for (const x of byKey.get(key) ?? []) {
      if (x.uri === except) continue;
      if (x.kind === 'document') documents++;
      else identities++;
    }
    return { documents, identities };
  };
}

/** "3 documents, 2 identities" (or "no other references"). */
export function countsTitle(n: { documents: number; identities: number }): string {
  const part = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  const parts = [n.documents ? part(n.documents, 'document') : '', n.identities ? part(n.identities, 'identity').replace('identitys', 'identities') : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no other references';
}

export type WorkspaceSymbolKind = 'document' | 'identity' | 'control';

export interface WorkspaceSymbolItem {
  name: string;
  kind: WorkspaceSymbolKind;
  /** The document type, the identity's file, the framework. */
  container?: string;
  location: NavLocation;
}

/** Whether every character of `query` appears in `text` in order (case-insensitive): how editors filter symbols. */
export function fuzzyMatch(query: string, text: string): boolean {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return true;
  const t = text.toLowerCase();
  let i = 0;
  for (let j = 0; j < t.length && i < q.length; j++) if (t[j] === q[i]) i++;
  return i === q.length;
}

/**
 * The workspace's symbols matching `query`: documents by title, identities by id, and the controls referenced (by
 * canonical ID and title; a control of ISO/IEC 27002 is shown as its 27001 Annex A twin when 27001 is enabled).
 * At most `limit` (documents first, then identities, then controls).
 */
export function workspaceSymbols(files: Iterable<FileEvidence>, query: string, frameworks: readonly FrameworkId[], limit = 1000): WorkspaceSymbolItem[] {
  const docs: WorkspaceSymbolItem[] = [];
  const ids: WorkspaceSymbolItem[] = [];
  const controls = new Map<string, NavLocation>();
  const enabled = new Set<string>(frameworks);
  const sorted = [...files].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  for (const f of sorted) {
    for (const s of f.sources) {
      const location = { uri: f.uri, range: lineRange(s.line) };
      if (fuzzyMatch(query, s.name)) (s.kind === 'document' ? docs : ids).push({ name: s.name, kind: s.kind, ...(s.type ? { container: s.type } : {}), location });
      for (const k of s.listed) if (!controls.has(k)) controls.set(k, { uri: f.uri, range: lineRange(s.kind === 'identity' ? s.line : 0) });
      for (const c of s.cited) if (!controls.has(c.key)) controls.set(c.key, { uri: f.uri, range: lineRange(c.line) });
    }
  }
  const out = [...docs, ...ids];
  const keys = [...controls.keys()].sort();
  for (const key of keys) {
    const i = key.indexOf(':');
    const fw = key.slice(0, i) as FrameworkId;
    const id = key.slice(i + 1);
    if (!enabled.has(fw)) continue;
    if (fw === 'iso27002' && enabled.has('iso27001') && controls.has(`iso27001:A.${id}`)) continue;
    const title = catalog().get(fw, id)?.title ?? '';
    const name = title ? `${id} ${title}` : id;
    if (!fuzzyMatch(query, name) && !fuzzyMatch(query, key)) continue;
    out.push({ name, kind: 'control', container: FRAMEWORKS[fw]?.name ?? fw, location: controls.get(key)! });
  }
  return out.slice(0, limit);
}

export interface PathLink {
  range: Range;
  /** The path as written (percent-decoded, anchor dropped), relative to the file (or to the root when it starts with `/`). */
  path: string;
}

/** Front matter keys whose values are paths (besides `evidence`, read as evidence entries). */
const PATH_KEYS = new Set(['offboarding', 'runbook', 'procedure', 'policy', 'evidence']);

/**
 * The paths a file names in its path-valued fields: an identity's `evidence` and `offboarding` (its own values), a
 * front matter's `evidence` entries and `offboarding`; only paths to a file that exists (through `host`).
 */
export function pathLinks(a: Analysis, host: FileHost | undefined): PathLink[] {
  const out: PathLink[] = [];
  // (Once per path: an inventory's identities name the same runbooks again and again, and each answer is a stat.)
  const seen = new Map<string, boolean>();
  const exists = (path: string) => {
    let e = seen.get(path);
    if (e === undefined) seen.set(path, (e = !host || host.stat(a.uri, path) === 'file'));
    return e;
  };
  if (a.kind === 'inventory') {
    for (const i of a.identities ?? []) for (const l of i.links ?? []) if (!l.inherited && l.path && exists(l.path)) out.push({ range: l.range, path: l.path });
    return out;
  }
  const fm = a.frontMatter;
  if (a.kind !== 'process-document' || !fm || fm.end <= fm.start) return out;
  let doc;
  try {
    doc = parseDocument(a.lines.text.slice(fm.start, fm.end), PARSE_OPTIONS);
  } catch {
    return out;
  }
  if (!isMap(doc.contents)) return out;
  for (const p of doc.contents.items) {
    if (!isScalar(p.key) || !PATH_KEYS.has(String(p.key.value).toLowerCase())) continue;
    for (const e of readEvidence(p.value as never)) {
      if (e.kind !== 'path' || !e.path || e.start === undefined || e.end === undefined || !exists(e.path)) continue;
      out.push({ range: a.lines.range(fm.start + e.start, fm.start + e.end), path: e.path });
    }
  }
  return out;
}
