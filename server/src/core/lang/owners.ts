/**
 * The owners registry (`owners.yaml`, path configurable as `owners:` in .isms.yaml): the people and teams
 * that can be accountable for an identity or a document. Pure: the text in, the entries with their
 * positions out. The host reads the file and hands the result to the service (IsmsService.setOwners).
 *
 * ```yaml
 * owners:
 *   - id: alice
 *     name: Alice Example
 *     email: alice@example.com
 *     slack: "@alice"        # optional
 *     team: platform         # optional
 *     manager: bob           # optional
 *     active: true           # false once the person has left
 *     left_on: 2026-03-31    # optional: the day they left (inactive from that day on)
 * ```
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { editDistance } from './document';

export const OWNER_KEYS = ['id', 'name', 'email', 'slack', 'team', 'manager', 'active', 'left_on'] as const;

/** What each registry key holds (completion and hover in owners.yaml; kept equal to schemas/owners.schema.json by a test). */
export const OWNER_KEY_DOCS: Readonly<Record<(typeof OWNER_KEYS)[number], string>> = {
  id: 'Stable identifier of the person or team (what `owner:` fields should name). Required, unique.',
  name: 'Full name of the person or the team.',
  email: 'E-mail address; an `owner:` naming it matches this entry.',
  slack: 'Slack handle or channel (optional).',
  team: 'The team the person belongs to (optional).',
  manager: 'The id of the manager who answers for the person (optional).',
  active: 'true while the person or team is accountable; false once they have left (their identities and documents are orphaned).',
  left_on: 'The day the person left (YYYY-MM-DD, optional): inactive from that day on.',
};

export interface OwnerEntry {
  id: string;
  name?: string;
  email?: string;
  slack?: string;
  team?: string;
  manager?: string;
  /** As written; undefined when absent (counts as active). */
  active?: boolean;
  left_on?: string;
  /** 0-based line of the entry's `id` (or of its first key), and the offsets of the entry. */
  line: number;
  start: number;
  end: number;
}

export interface OwnerProblem {
  message: string;
  line: number;
}

export interface OwnerRegistry {
  /** The registry file as the host names it (a URI, or a path relative to the project root). */
  uri: string;
  /** How findings and hovers name it: the path relative to the project root (the same in the CLI and the editor). */
  name: string;
  /** A short stamp of the text: part of every cache key of the rules that read the registry. */
  key: string;
  entries: readonly OwnerEntry[];
  problems: readonly OwnerProblem[];
}

function lineAt(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function stamp(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return `${text.length.toString(36)}.${(h >>> 0).toString(36)}`;
}

function isDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Reads an owners registry. Never throws: what cannot be read is a problem, and the entry is left out. */
export function readOwners(text: string, uri: string, name: string = uri): OwnerRegistry {
  const entries: OwnerEntry[] = [];
  const problems: OwnerProblem[] = [];
  const reg = { uri, name, key: stamp(text), entries, problems };
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
  } catch {
    problems.push({ message: 'the registry is not readable YAML', line: 0 });
    return reg;
  }
  if (doc.errors.length) problems.push({ message: `YAML: ${doc.errors[0].message.split('\n')[0]}`, line: doc.errors[0].linePos?.[0].line ? doc.errors[0].linePos[0].line - 1 : 0 });
  const root = doc.contents;
  const list = isMap(root) ? root.get('owners', true) : undefined;
  if (!isSeq(list)) {
    if (!doc.errors.length) problems.push({ message: "the registry needs a list under 'owners:'", line: 0 });
    return reg;
  }
  const seen = new Map<string, number>();
  for (const item of list.items as Node[]) {
    const [start, , end] = item?.range ?? [0, 0, 0];
    const line = lineAt(text, start);
    if (!isMap(item)) {
      problems.push({ message: 'each owner is a mapping with id, name, email, active', line });
      continue;
    }
    const e: Partial<OwnerEntry> = { line, start, end };
    for (const pair of item.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const v = pair.value as Node | null;
      const kLine = isScalar(pair.key) && pair.key.range ? lineAt(text, pair.key.range[0]) : line;
      if (!k) continue;
      const raw = isScalar(v) ? v.value : undefined;
      switch (k) {
        case 'active':
          if (typeof raw === 'boolean') e.active = raw;
          else problems.push({ message: `'active' must be true or false`, line: kLine });
          break;
        case 'left_on': {
          const s = raw instanceof Date ? raw.toISOString().slice(0, 10) : typeof raw === 'string' ? raw.trim() : undefined;
          if (s && isDay(s)) e.left_on = s;
          else problems.push({ message: `'left_on' must be a date written YYYY-MM-DD`, line: kLine });
          break;
        }
        case 'id': case 'name': case 'email': case 'slack': case 'team': case 'manager':
          if (raw !== null && raw !== undefined && typeof raw !== 'object' && String(raw).trim()) {
            e[k] = String(raw).trim();
            if (k === 'id') e.line = kLine;
          } else problems.push({ message: `'${k}' must be text`, line: kLine });
          break;
        default:
          problems.push({ message: `unknown key '${k}' (known: ${OWNER_KEYS.join(', ')})`, line: kLine });
      }
    }
    if (!e.id) {
      problems.push({ message: "an owner without an 'id'", line });
      continue;
    }
    const lc = e.id.toLowerCase();
    if (seen.has(lc)) problems.push({ message: `the id '${e.id}' is listed twice (first on line ${seen.get(lc)! + 1})`, line: e.line! });
    else seen.set(lc, e.line!);
    entries.push(e as OwnerEntry);
  }
  // A manager names another entry of the registry: one it cannot find is a chain of accountability that ends nowhere.
  for (const e of entries) {
    if (e.manager && !findOwner(reg, e.manager)) problems.push({ message: `the manager '${e.manager}' of '${e.id}' is not in the registry`, line: e.line });
  }
  return reg;
}

/** The forms of an owner value that can name a registry entry: the value, an address in <>, a handle without '@'. */
function forms(value: string): string[] {
  const v = value.trim().toLowerCase();
  const out = [v];
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(v);
  if (angle) out.push(angle[1]);
  if (v.startsWith('@')) out.push(v.slice(1));
  return out;
}

/** The registry entry an owner value names (id, email, name or slack handle, case-insensitive). */
export function findOwner(reg: OwnerRegistry, value: string): OwnerEntry | undefined {
  const fs = forms(value);
  for (const e of reg.entries) {
    for (const f of fs) {
      if (e.id.toLowerCase() === f || e.email?.toLowerCase() === f || e.name?.toLowerCase() === f) return e;
      const slack = e.slack?.toLowerCase();
      if (slack && (slack === f || slack.replace(/^[@#]/, '') === f)) return e;
    }
  }
  return undefined;
}

/** Has the owner left by `today` (YYYY-MM-DD): `active: false`, or `left_on` on or before today? Returns why. */
export function ownerLeft(e: OwnerEntry, today: string): string | undefined {
  if (e.active === false) return e.left_on ? `inactive since ${e.left_on}` : 'marked inactive';
  if (e.left_on && e.left_on <= today) return `left on ${e.left_on}`;
  return undefined;
}

/**
 * The registry IDs nearest to `value` by edit distance (against each entry's id, name and the local part of its
 * e-mail; an address is compared by its local part): the nearest ones only (ties), at most `n`, none when even the
 * nearest is further than a third of the value's length (at least 2 edits allowed: 'bbo' is 'bob').
 */
export function nearestOwnerIds(reg: OwnerRegistry, value: string, n = 3): string[] {
  const v = value.trim().toLowerCase().replace(/^@/, '').slice(0, 200);
  const local = v.includes('@') ? v.slice(0, v.indexOf('@')) : v;
  const max = Math.max(2, Math.floor(local.length / 3));
  let best = Infinity;
  const scored: { id: string; d: number }[] = [];
  for (const e of reg.entries) {
    const cands = [e.id, e.name, e.email?.split('@')[0]].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    let d = Infinity;
    for (const c of cands) if (Math.abs(c.length - local.length) <= max) d = Math.min(d, editDistance(local, c));
    if (d <= max) {
      scored.push({ id: e.id, d });
      best = Math.min(best, d);
    }
  }
  return scored.filter((s) => s.d === best).sort((a, b) => a.id.localeCompare(b.id)).slice(0, n).map((s) => s.id);
}
