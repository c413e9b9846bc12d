/**
 * `evidence:` values (of an identity, an inventory's `defaults:`, a process document's front matter) read into
 * entries, and what a written target is: a path (relative to the file, with an optional `#anchor`), a URL, or
 * prose. Pure: resolving a path asks the FileHost (`resolveTarget`).
 *
 * An entry is a string, or a mapping `{ path | url, date, description }`; the value is one entry or a list.
 * A string is a path or a URL only when it looks like one, so free prose ("quarterly access review export in
 * Drata", "SEC-1234") is never checked (docs/rules/evidence-unresolved.md):
 * - a URL: `scheme://...`, or `mailto:` `urn:` `tel:` `doi:`, or any `http:`/`https:` start; a host name with a
 *   known top-level domain and no scheme (`drata.com/reports/1`) is a URL written without its scheme;
 * - a path: starts with `./`, `../`, `/` or `#`; or has no white space and contains `/` or ends with a known
 *   file extension (`.md`, `.pdf`, `.csv` ...);
 * - anything else is prose. Under a mapping's `path:` key any text is a path, under `url:` any text a URL.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseDate } from '../dates';
import { LineIndex } from '../text';
import type { FileHost } from '../types';
import { bodyStartLine, frontMatterRange } from './document';
import { documentAnchors } from './markdown-body';

export type TargetKind = 'path' | 'url' | 'prose';

export interface EvidenceEntry {
  kind: TargetKind;
  /** The target as written (path with its anchor, URL), or the prose. */
  value: string;
  /** A path's file part (percent-decoded) and anchor. */
  path?: string;
  anchor?: string;
  /** Why a URL is malformed (undefined when its shape is fine). */
  urlProblem?: string;
  /** The mapping's `date` as written, and the day it stands for (undefined when it is no date). */
  date?: string;
  day?: number;
  /** Offsets of the target and of the date, relative to the parsed text (undefined for inherited plain values). */
  start?: number;
  end?: number;
  dateStart?: number;
  dateEnd?: number;
}

const FILE_EXT = /\.(?:md|markdown|mdx|pdf|csv|tsv|json|ya?ml|txt|log|png|jpe?g|gif|svg|webp|xlsx?|docx?|pptx?|odt|ods|rtf|html?|xml|zip|gz|tgz|tar|sql|sh|ps1|py|ts|js|tf|hcl|toml|ini|conf|cfg|eml|msg)$/i;
const SCHEME_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
const OPAQUE_URL = /^(?:mailto|urn|tel|doi):\S/i;
const TLD = '(?:com|org|net|io|dev|app|co|cloud|ai|gov|edu|info|biz|us|uk|de|eu|fr|nl|ch|se|me|sh|so|tech)';
const BARE_HOST = new RegExp(`^(?:www\\.)?[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.${TLD}(?:[/:?#]|$)`, 'i');

/** What a written target is (see the file comment); `as` forces a mapping's `path:` or `url:`. */
export function classifyTarget(value: string, as?: 'path' | 'url'): Pick<EvidenceEntry, 'kind' | 'path' | 'anchor' | 'urlProblem'> {
  // (Every identity reads its evidence and offboarding, often the same few paths and URLs: each is classified once. The
  // callers copy the result's fields, so the one object is never changed.)
  const key = `${as ?? ''}:${value}`;
  let out = classified.get(key);
  if (out === undefined) {
    if (classified.size >= 4096) classified.clear();
    classified.set(key, (out = classify(value, as)));
  }
  return out;
}

const classified = new Map<string, Pick<EvidenceEntry, 'kind' | 'path' | 'anchor' | 'urlProblem'>>();

function classify(value: string, as?: 'path' | 'url'): Pick<EvidenceEntry, 'kind' | 'path' | 'anchor' | 'urlProblem'> {
  const v = value.trim();
  if (as === 'url' || SCHEME_URL.test(v) || OPAQUE_URL.test(v) || /^https?:/i.test(v)) return { kind: 'url', ...problemOf(urlProblem(v)) };
  if (as !== 'path' && !/\s/.test(v) && BARE_HOST.test(v)) return { kind: 'url', urlProblem: 'has no scheme (write https://...)' };
  const pathLike = as === 'path' || /^(?:\.{1,2}\/|\/|#)/.test(v) || (!/\s/.test(v) && (/[\\/]/.test(v) || FILE_EXT.test(v.replace(/#.*$/, ''))));
  if (!pathLike || v === '') return { kind: 'prose' };
  const hash = v.indexOf('#');
  const raw = hash < 0 ? v : v.slice(0, hash);
  const out: Pick<EvidenceEntry, 'kind' | 'path' | 'anchor'> = { kind: 'path', path: decode(raw) };
  if (hash >= 0 && hash < v.length - 1) out.anchor = decode(v.slice(hash + 1));
  return out;
}

function problemOf(p: string | undefined): { urlProblem?: string } {
  return p ? { urlProblem: p } : {};
}

/** Why `s` is not a well-formed URL, or undefined. Shape only: nothing is fetched. */
export function urlProblem(s: string): string | undefined {
  if (/\s/.test(s)) return 'contains white space';
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return 'is not a well-formed URL';
  }
  if (/^https?:$/.test(u.protocol)) {
    if (!/^[a-z]+:\/\/[^/]/i.test(s)) return 'needs `//` and a host after the scheme';
    if (!u.hostname || /^\.|\.$|\.\./.test(u.hostname)) return 'has no valid host';
  }
  return undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The entries of an `evidence:` YAML value (offsets relative to the text it was parsed from). */
export function readEvidence(node: Node | null | undefined): EvidenceEntry[] {
  if (!node) return [];
  const items = isSeq(node) ? (node.items as (Node | null)[]) : [node];
  const out: EvidenceEntry[] = [];
  for (const item of items) {
    if (!item) continue;
    if (isScalar(item)) {
      const e = scalarEntry(item);
      if (e) out.push(e);
    } else if (isMap(item)) {
      let target: EvidenceEntry | undefined;
      let date: { text: string; start?: number; end?: number } | undefined;
      for (const p of item.items) {
        if (!isScalar(p.key) || !isScalar(p.value)) continue;
        const key = String(p.key.value).toLowerCase();
        const val = p.value;
        if ((key === 'path' || key === 'url' || key === 'link') && !target) target = scalarEntry(val, key === 'link' ? undefined : key);
        else if (key === 'date' && val.value !== null) {
          const text = val.value instanceof Date ? val.value.toISOString().slice(0, 10) : String(val.value).trim();
          date = { text, ...(val.range ? { start: val.range[0], end: val.range[0] + sourceLength(val) } : {}) };
        }
      }
      const e: EvidenceEntry = target ?? { kind: 'prose', value: '' };
      if (date) withDate(e, date.text, date.start, date.end);
      if (target || date) out.push(e);
    }
  }
  return out;
}

/** The entries of an inherited (plain) `evidence` value, without offsets. */
export function plainEvidence(v: unknown): EvidenceEntry[] {
  const items = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  const out: EvidenceEntry[] = [];
  for (const item of items) {
    if (typeof item === 'string' || typeof item === 'number') {
      const s = String(item).trim();
      if (s) out.push({ value: s, ...classifyTarget(s) });
    } else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const o = item as Record<string, unknown>;
      const key = ['path', 'url', 'link'].find((k) => typeof o[k] === 'string' && (o[k] as string).trim());
      const e: EvidenceEntry = key ? { value: (o[key] as string).trim(), ...classifyTarget(o[key] as string, key === 'link' ? undefined : (key as 'path' | 'url')) } : { kind: 'prose', value: '' };
      const d = o.date;
      if (typeof d === 'string' && d.trim()) withDate(e, d.trim());
      if (key || e.date !== undefined) out.push(e);
    }
  }
  return out;
}

function withDate(e: EvidenceEntry, text: string, start?: number, end?: number): void {
  e.date = text;
  const day = parseDate(text);
  if (day !== undefined) e.day = day;
  if (start !== undefined && end !== undefined) {
    e.dateStart = start;
    e.dateEnd = end;
  }
}

function scalarEntry(node: Node, as?: 'path' | 'url'): EvidenceEntry | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined || typeof node.value === 'object') return undefined;
  const value = String(node.value).trim();
  if (!value) return undefined;
  const e: EvidenceEntry = { value, ...classifyTarget(value, as) };
  if (node.range) {
    // The target's own text: a plain or quoted scalar's range (quotes included; trailing blanks excluded).
    e.start = node.range[0];
    e.end = node.range[0] + sourceLength(node);
  }
  return e;
}

/** The length of a scalar's source text (its value range without the trailing blanks and comment). */
function sourceLength(node: Node): number {
  const r = node.range!;
  return Math.max(0, r[1] - r[0]);
}

/** What the host says of a path target: undefined when it cannot tell. */
export type Resolution = 'ok' | 'missing' | 'no-anchor' | 'dir';

/**
 * Whether `path` (relative to `uri`) exists, and `anchor` is a heading or HTML anchor of it when it is Markdown
 * (the anchors link-broken reads). Undefined when the host cannot tell.
 */
export function resolveTarget(host: FileHost, uri: string, path: string, anchor?: string): Resolution | undefined {
  const kind = host.stat(uri, path);
  if (kind === undefined) return undefined;
  if (kind === 'missing') return 'missing';
  if (kind === 'dir') return 'dir';
  if (anchor === undefined || anchor === '' || !/\.(md|markdown)$/i.test(path)) return 'ok';
  const other = host.readText(uri, path);
  if (other === undefined) return undefined;
  const lines = new LineIndex(other);
  const anchors = documentAnchors(lines, bodyStartLine(lines, frontMatterRange(other)));
  return anchors.has(anchor) || anchors.has(anchor.toLowerCase()) ? 'ok' : 'no-anchor';
}

/** The `type:` of a Markdown file's front matter (lower case), read from its text; undefined when it has none. */
export function frontMatterType(text: string): string | undefined {
  const fm = frontMatterRange(text);
  if (!fm) return undefined;
  const m = /^(?:type|document_type|doc_type)[ \t]*:[ \t]*["']?([A-Za-z-]+)["']?[ \t]*(?:#.*)?$/m.exec(text.slice(fm.start, fm.end));
  return m ? m[1].toLowerCase() : undefined;
}

/** Words that show a process document is about ending an identity's access. */
export const OFFBOARDING_WORDS = /\b(?:off-?board\w*|revok\w*|revocation\w*|decommission\w*|de-?provision\w*)\b/i;

/**
 * `resolve` and `typeOf` of an inventory-wide context: what the host says of each path, asked once per path
 * and analysis (many identities name the same runbook). Without a host (or a URI), nothing resolves.
 *
 * It remembers every question it was asked and its answer: the next analysis of the file asks them all again
 * (`answersAsBefore`) and, when every answer is the same, may reuse what was concluded from them (analysis/inventory.ts:
 * the `inventoryIdentity` units). The host is asked as often as without the reuse (once per distinct question and
 * analysis), so a file that appears, goes away or changes is seen at the next analysis, with or without file events.
 */
export class LinkResolver {
  // (By path, and by path and anchor for the links with one: most links have no anchor; no key string is made for them.)
  private readonly seen = new Map<string, Resolution | undefined>();
  private readonly anchored = new Map<string, Map<string, Resolution | undefined>>();
  private readonly types = new Map<string, string | undefined>();

  constructor(
    readonly host: FileHost | undefined,
    readonly uri: string,
  ) {}

  /** Whether `path` (and its `#anchor`) resolves; undefined when the host cannot tell (or there is none). */
  readonly resolve = (path: string, anchor?: string): Resolution | undefined => {
    const host = this.host;
    if (!host || !this.uri) return undefined;
    if (!anchor) {
      let res = this.seen.get(path);
      if (res === undefined && !this.seen.has(path)) this.seen.set(path, (res = resolveTarget(host, this.uri, path)));
      return res;
    }
    let byAnchor = this.anchored.get(path);
    if (!byAnchor) this.anchored.set(path, (byAnchor = new Map()));
    let res = byAnchor.get(anchor);
    if (res === undefined && !byAnchor.has(anchor)) byAnchor.set(anchor, (res = resolveTarget(host, this.uri, path, anchor)));
    return res;
  };

  /** The front matter `type` of a Markdown file `path` names (undefined when unreadable or none). */
  readonly typeOf = (path: string): string | undefined => {
    const host = this.host;
    if (!host || !this.uri || !/\.(md|markdown)$/i.test(path)) return undefined;
    if (!this.types.has(path)) {
      const text = host.readText(this.uri, path);
      this.types.set(path, text === undefined ? undefined : frontMatterType(text));
    }
    return this.types.get(path);
  };

  /** How many questions it was asked (distinct paths, paths with anchors, types). */
  get questions(): number {
    let n = this.seen.size + this.types.size;
    for (const m of this.anchored.values()) n += m.size;
    return n;
  }

  /**
   * Asks every question `prev` was asked (remembering the answers, as if asked by this analysis) and says whether each
   * answer is the one `prev` got, with the same host and URI. Stops at the first different answer.
   */
  answersAsBefore(prev: LinkResolver): boolean {
    if (prev.host !== this.host || prev.uri !== this.uri) return false;
    for (const [path, res] of prev.seen) if (this.resolve(path) !== res) return false;
    for (const [path, m] of prev.anchored) for (const [anchor, res] of m) if (this.resolve(path, anchor) !== res) return false;
    for (const [path, type] of prev.types) if (this.typeOf(path) !== type) return false;
    return true;
  }
}
