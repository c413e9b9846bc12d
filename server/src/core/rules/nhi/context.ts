/**
 * The context of the per-identity rules: one identity's mapping, what it inherits from the inventory's
 * `defaults:`, the config and today, with the helpers the nhi-* rules share (inherited values, where a
 * finding about a key points, the citation every message ends with, the "Add NHI:x to controls" fix).
 */
import { isAlias, isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Config } from '../../config';
import { catalog } from '../../catalog/catalog';
import { closest } from '../../lang/document';
import { CI_PLATFORM, LONG_LIVED_CREDENTIALS, RETIRED_STATUSES, SECRET_TYPES } from '../../lang/inventory-schema';
import { listText, scalarText, YamlMapping, type MappingEntry } from '../../lang/yaml-mapping';
import { isPlaceholderValue } from '../../lang/words';
import { plainEvidence, readEvidence, type EvidenceEntry } from '../../lang/evidence';
import type { IdentityLink } from '../context';
import type { Reporter } from '../../report';
import type { Fix, TextEdit } from '../../types';
import type { RuleMeta } from '../meta';

/** An IdentityLink (rules/context.ts) before its range: offsets of the reporter's document. */
export interface IdentityLinkAt extends Omit<IdentityLink, 'range'> {
  start: number;
  end: number;
}

export interface IdentityInput {
  /** The identity's mapping (ranges relative to the parsed text, which starts at `base` in `r`'s document). */
  map: YAMLMap;
  base: number;
  /** `defaults:` of the inventory as plain values. */
  defaults: Readonly<Record<string, unknown>>;
  config: Config;
  today: string;
  eol: string;
}

export class IdentityContext {
  readonly m: YamlMapping;
  readonly map: YAMLMap;
  readonly base: number;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly config: Config;
  readonly today: string;
  readonly eol: string;
  /** The `id` entry and its value. */
  readonly idEntry?: MappingEntry;
  readonly id?: string;
  /** "Identity 'svc-x'" or "This identity". */
  readonly subject: string;
  /** Merged into every finding's data: `{ identity: id }`. */
  readonly data: Record<string, unknown>;
  /** Where a finding about a missing key points: the `id` entry, else the first key. */
  readonly anchor: { start: number; end: number };
  readonly controlsEntry?: MappingEntry;
  /** The identity's own `controls`, as written. */
  readonly controls: string[];
  readonly typeEntry?: MappingEntry;
  /** `type`, own or inherited, as written; and lower-cased. */
  readonly type?: string;
  readonly typeLc?: string;
  /** `credential`, lower-cased. */
  readonly credential?: string;
  /** A long-lived secret (by credential, else by type): the rotation and storage rules apply. */
  readonly longLived: boolean;
  /** A static secret, API key, PAT, token or SSH key. */
  readonly staticCred: boolean;
  readonly platform: string;
  /** A CI/CD identity (by type or platform). */
  readonly ci: boolean;
  /** `status`, lower-cased, as written. */
  readonly status?: string;
  /** Revoked or decommissioned: kept as evidence; rotation and staleness no longer apply. */
  readonly retired: boolean;

  constructor(
    inp: IdentityInput,
    readonly r: Reporter,
  ) {
    this.map = inp.map;
    this.base = inp.base;
    this.defaults = inp.defaults;
    this.config = inp.config;
    this.today = inp.today;
    this.eol = inp.eol;
    const m = (this.m = new YamlMapping(inp.map, inp.base, r));
    const idE = m.get('id');
    const id = idE ? scalarText(idE.value) : undefined;
    if (idE) this.idEntry = idE;
    if (id !== undefined) this.id = id;
    const first = inp.map.items[0];
    const firstKey = first && isScalar(first.key) && first.key.range ? m.get(String(first.key.value)) : undefined;
    const anchorE = id !== undefined ? idE! : firstKey;
    this.anchor = anchorE ? { start: anchorE.keyStart, end: Math.max(anchorE.valueEnd, anchorE.keyEnd) } : { start: m.start, end: m.start };
    this.subject = id !== undefined ? `Identity '${id}'` : 'This identity';
    this.data = id !== undefined ? { identity: id } : {};
    this.controlsEntry = m.get('controls');
    this.controls = this.controlsEntry ? listText(this.controlsEntry.value) : [];
    this.typeEntry = m.get('type');
    this.type = this.effText('type');
    this.typeLc = this.type?.toLowerCase();
    this.credential = this.effText('credential')?.toLowerCase();
    const { credential, typeLc } = this;
    this.longLived = credential ? LONG_LIVED_CREDENTIALS.includes(credential) : typeLc ? SECRET_TYPES.includes(typeLc) : false;
    this.staticCred = credential ? credential === 'static-secret' || credential === 'api-key' : typeLc ? ['api-key', 'pat', 'token', 'ssh-key'].includes(typeLc) : false;
    this.platform = this.effText('platform') ?? '';
    this.ci = typeLc === 'ci-cd-token' || CI_PLATFORM.test(this.platform);
    const statusE = m.get('status');
    const status = statusE ? scalarText(statusE.value)?.toLowerCase() : undefined;
    if (status !== undefined) this.status = status;
    this.retired = status !== undefined && RETIRED_STATUSES.includes(status);
  }

  /** The identity's own entry for `k`. */
  own(k: string): MappingEntry | undefined {
    return this.m.get(k);
  }

  /** Own or inherited plain value of `k`, as trimmed text; a placeholder (`TODO`, `<fill me>`) counts as no value. */
  effText(k: string): string | undefined {
    const e = this.own(k);
    const t = e ? scalarText(e.value) : plainText(this.defaults[k]);
    return t === undefined || isPlaceholderValue(t) ? undefined : t;
  }

  /** Own or inherited list (or one value) of `k`, placeholders left out. */
  effList(k: string): string[] {
    const e = this.own(k);
    if (e) return listText(e.value).filter((x) => !isPlaceholderValue(x));
    const v = this.defaults[k];
    if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(String).filter((x) => !isPlaceholderValue(x));
    return v === null || v === undefined || v === '' || isPlaceholderValue(String(v)) ? [] : [String(v)];
  }

  effBool(k: string): boolean | undefined {
    const t = this.effText(k)?.toLowerCase();
    return t === 'true' || t === 'yes' ? true : t === 'false' || t === 'no' ? false : undefined;
  }

  /**
   * The paths this identity names, own or inherited (offsets of `r`'s document): its `evidence` entries that
   * are paths, and its `offboarding` when that is a path (steps written out are prose, not a link).
   */
  links(): IdentityLinkAt[] {
    const out: IdentityLinkAt[] = [];
    const add = (of: IdentityLinkAt['of'], e: EvidenceEntry, own: boolean) => {
      if (e.kind !== 'path' || !e.path) return; // (`#x` alone names no file of an inventory)
      const [start, end] = own && e.start !== undefined ? [this.base + e.start, trimTo(this.r.lines.text, this.base + e.end!, this.base + e.start)] : [this.anchor.start, this.anchor.end];
      out.push({ of, path: e.path, ...(e.anchor !== undefined ? { anchor: e.anchor } : {}), value: e.value, start, end, ...(own ? {} : { inherited: true }) });
    };
    const ev = this.own('evidence');
    for (const e of ev ? readEvidence(ev.value) : plainEvidence(this.defaults['evidence'])) add('evidence', e, !!ev);
    const off = this.effText('offboarding');
    if (off !== undefined) {
      const own = this.own('offboarding');
      const [e] = own ? readEvidence(own.value) : plainEvidence(off);
      if (e) add('offboarding', e, !!own);
    }
    return out;
  }

  /** Where a finding about key k points: its value, or the anchor when inherited or absent. */
  at(k: string): [number, number] {
    const e = this.own(k);
    if (!e) return [this.anchor.start, this.anchor.end];
    return e.valueStart === e.valueEnd ? [e.keyStart, e.keyEnd] : [e.valueStart, e.valueEnd];
  }

  /**
   * Reports a finding of `meta` whose message ends with the rule's citation, with the secondary fix
   * "Add NHI:x to controls" when the identity does not list the rule's OWASP risk.
   */
  report(meta: RuleMeta, s: number, e: number, msg: string, fixes: Fix[] = [], extra: Record<string, unknown> = {}): void {
    // (Keys added one by one, not `{ ...this.data, ...extra }`: a spread at a site that meets many shapes gives each
    // object a hidden class of its own on Node 20's V8, ~200 bytes more for every finding kept.)
    const data: Record<string, unknown> = {};
    for (const k in this.data) data[k] = this.data[k];
    for (const k in extra) data[k] = extra[k];
    this.r.add(meta.id, s, e, `${msg} (${citation(meta)})`, [...fixes, ...this.addRisk(meta)], data);
  }

  /** Fix: fill in `key` (when present but empty) or insert `key: value`. */
  insertFix(key: string, value: string, title = `Insert '${key}:' (placeholder)`): Fix {
    const e = this.own(key);
    return e ? { title, edits: [this.m.setValueEdit(e, value)], isPreferred: true } : { title, edits: [this.m.insertEdit(key, value, this.eol)], isPreferred: true };
  }

  /** The secondary fix "Add NHI:NHIx to controls" for a finding of `meta`, when the identity does not list it. */
  private addRisk(meta: RuleMeta): Fix[] {
    const risk = meta.owasp?.[0];
    if (!risk) return [];
    let re = riskPatterns.get(risk);
    if (!re) riskPatterns.set(risk, (re = new RegExp(`(?:^|[:\\s])${risk}(?::2025)?$`, 'i')));
    const listed = this.controls.some((c) => re.test(c.trim()));
    if (listed) return [];
    const edit = addControlEdit(this.m, this.controlsEntry, `NHI:${risk}`, this.eol);
    return edit ? [{ title: `Add NHI:${risk} to 'controls'`, edits: [edit] }] : [];
  }
}

/** The pattern of a controls entry naming an OWASP risk (`NHI7`, `NHI:NHI7:2025`), per risk (no `g`: test keeps no state). */
const riskPatterns = new Map<string, RegExp>();

function plainText(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v).trim() || undefined : undefined;
}

/** "NHI7:2025 Long-Lived Secrets; CSF PR.AA-01, ISO 27001 A.5.17": the risk and controls a rule cites. */
/** Citations made (a rule's metadata does not change; the message of each of its findings ends with it). */
const citations = new WeakMap<RuleMeta, string>();

export function citation(meta: RuleMeta): string {
  let out = citations.get(meta);
  if (out === undefined) {
    const cat = catalog();
    const risks = (meta.owasp ?? []).map((id) => `${id}:2025 ${cat.get('nhi', id)?.title ?? ''}`.trim());
    const controls = (meta.controls ?? []).map(humanRef);
    citations.set(meta, (out = [risks.join(', '), controls.join(', ')].filter(Boolean).join('; ')));
  }
  return out;
}

function humanRef(ref: string): string {
  const [fw, id] = ref.split(':');
  const name = fw === 'ISO27001' ? 'ISO 27001' : fw === 'ISO27002' ? 'ISO 27002' : fw === 'SOC2' ? 'SOC 2' : fw;
  return `${name} ${id}`;
}

/**
 * The edit adding `ref` to a `controls` entry (flow list, block list, comma string, empty) or inserting
 * `controls: [ref]`; none for a mapping that is not empty (no list to add to).
 */
export function addControlEdit(m: YamlMapping, e: MappingEntry | undefined, ref: string, eol: string): TextEdit | undefined {
  if (!e) return m.insertEdit('controls', `[${ref}]`, eol);
  const text = m.r.lines.text;
  const v = e.value;
  if (!v || e.valueStart === e.valueEnd || (isMap(v) && v.items.length === 0)) return m.setValueEdit(e, `[${ref}]`);
  if (isMap(v) || isAlias(v)) return undefined; // no list here to add to (an alias's list lives elsewhere)
  if (isSeq(v)) {
    const src = text.slice(e.valueStart, e.valueEnd);
    if (src.startsWith('[')) {
      let p = e.valueStart + src.lastIndexOf(']');
      while (p > e.valueStart && /\s/.test(text[p - 1])) p--;
      return m.r.edit(p, p, text[p - 1] === '[' ? ref : `, ${ref}`);
    }
    const last = v.items[v.items.length - 1] as Node | undefined;
    const lines = m.r.lines;
    const itemLine = lines.positionAt(last?.range ? m.base + last.range[0] : e.valueStart).line;
    const endLine = last?.range ? lines.positionAt(trimTo(text, m.base + last.range[1], m.base + last.range[0])).line : itemLine;
    const dash = /^(\s*-\s*)/.exec(lines.lineText(itemLine));
    const at = lines.lineEnd(endLine);
    return m.r.edit(at, at, `${eol}${dash ? dash[1] : ' '.repeat(m.indent + 2) + '- '}${ref}`);
  }
  const quoted = /["']/.test(text[e.valueEnd - 1]);
  const p = quoted ? e.valueEnd - 1 : e.valueEnd;
  return m.r.edit(p, p, `, ${ref}`);
}

/** `end` moved back over blanks, line breaks and commas, not below `min`. */
export function trimTo(text: string, end: number, min: number): number {
  for (let c = text.charCodeAt(end - 1); end > min && (c === 32 || c === 10 || c === 13 || c === 9 || c === 44); c = text.charCodeAt(end - 1)) end--;
  return end;
}

/** The allowed value nearest to `s` (aliases first: `svc` -> service-account), for "did you mean". */
export function closestWord(s: string, words: readonly string[]): string | undefined {
  const v = s.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (words.includes(v)) return v;
  const alias: Record<string, string> = {
    'service-acct': 'service-account', svc: 'service-account', sa: 'service-account', apikey: 'api-key', key: 'api-key',
    'personal-access-token': 'pat', cert: 'certificate', 'tls-certificate': 'certificate', ssh: 'ssh-key', oauth: 'oauth-app',
    'oauth-client': 'oauth-app', spn: 'service-principal', 'managed-identity': 'workload-identity', 'ci-token': 'ci-cd-token',
    'cicd-token': 'ci-cd-token', 'ci-cd': 'ci-cd-token', agent: 'ai-agent', 'llm-agent': 'ai-agent', robot: 'bot',
  };
  if (alias[v]) return alias[v];
  return closest(v, words, Math.max(2, Math.floor(v.length / 4)));
}

/** "a static secret", "a static API key": a static credential or identity type in words. */
export function staticPhrase(kind: string | undefined): string {
  const words: Record<string, string> = { 'static-secret': 'secret', 'api-key': 'API key', pat: 'personal access token', token: 'token', 'ssh-key': 'SSH key' };
  return `a static ${words[kind ?? ''] ?? kind ?? 'credential'}`;
}
