/**
 * Finds control references in text and resolves each against the catalogs.
 *
 * Recognised: prefixed forms (`CSF:PR.AA-01`, `ISO27001:A.5.16`, `ISO 27001 A.5.16`, `ISO27002:5.16`,
 * `SOC2:CC6.1`, `SOC 2 CC6.1`, `NHI:NHI7`, `SP800-53:AC-2(1)`), bare forms whose shape is unambiguous
 * (`PR.AA-01`, `A.5.16`, `CC6.1`, `NHI7:2025`, `AC-2(1)` when SP 800-53 is enabled), common variants
 * (`A 5.16`, `IA-2 (1)`), ranges (`CC6.1-CC6.4`, `A.5.15–5.18`: each ID in between), and IDs of
 * earlier editions (CSF 1.1 `PR.AC-4`, ISO 27001:2013 `A.9.2.1` or a whole chapter `A.9`).
 *
 * Pure: text in, references out. Callers decide which text is prose (not code) and which is a list item.
 */
import type { FrameworkId } from '../config';
import { catalog, type Catalog, type Control, type LegacyControl } from '../catalog/catalog';

export type RefStatus = 'ok' | 'unknown' | 'legacy' | 'malformed' | 'out-of-scope';

export interface ControlRef {
  /** Offsets of the whole reference (prefix included) in the scanned text. */
  start: number;
  end: number;
  /** Offsets of the ID part (what a fix replaces). */
  bodyStart: number;
  bodyEnd: number;
  raw: string;
  framework: FrameworkId;
  /** Canonical ID when it resolves (for a range: the first ID); otherwise the ID as written. */
  id: string;
  prefixed: boolean;
  status: RefStatus;
  /** Every ID a range stands for; absent for a single reference. */
  members?: string[];
  /** For 'malformed': the canonical spelling of the body. */
  canonical?: string;
  /** For 'legacy': what the old ID became. */
  legacy?: LegacyControl;
  /** For 'unknown': a short reason and close IDs that do exist. */
  reason?: string;
  nearest?: string[];
}

export type ScanMode = 'prose' | 'list';

export interface ScanOptions {
  frameworks: readonly FrameworkId[];
  mode: ScanMode;
}

const CSF_FUNCTIONS = new Set(['GV', 'ID', 'PR', 'DE', 'RS', 'RC']);
const SP_FAMILIES = new Set([
  'AC', 'AT', 'AU', 'CA', 'CM', 'CP', 'IA', 'IR', 'MA', 'MP', 'PE', 'PL', 'PM', 'PS', 'PT', 'RA', 'SA', 'SC', 'SI', 'SR',
]);

const PREFIX =
  String.raw`(?<prefix>` +
  String.raw`(?<csf>(?:NIST[\s-]?)?CSF(?:[\s-]?v?2(?:\.0)?)?)` +
  String.raw`|(?<iso>ISO(?:\/IEC)?[\s-]?2700(?<isoN>[12])(?:\s?:\s?20(?:13|22)(?=\s*[:\s]))?)` +
  String.raw`|(?<soc>SOC[\s-]?2|TSC)` +
  String.raw`|(?<nhi>(?:OWASP[\s-]?)?NHI(?=\s*:))` +
  String.raw`|(?<sp>(?:NIST[\s-]?)?(?:SP[\s-]?)?800-53(?:\s?r(?:ev\.?\s?)?5)?)` +
  String.raw`)(?<sep>\s*:\s*|\s+)`;

const BODY =
  String.raw`(?<body>` +
  String.raw`(?<csfId>[A-Z]{2}\.[A-Z]{2}(?:-\d{1,3})?)` +
  String.raw`|(?<nhiId>NHI[\s_-]?\d{1,2}(?::\d{4})?)` +
  String.raw`|(?<socId>(?:CC|PI|[ACP])\d\.\d{1,2})` +
  String.raw`|(?<isoId>A(?:\s?\.\s?|\s)?\d{1,2}(?:\.\d{1,2}){0,2})` +
  String.raw`|(?<spId>[A-Z]{2}-\d{1,2}(?:\s?\(\d{1,2}\))?)` +
  String.raw`|(?<num>\d{1,2}(?:\.\d{1,2}){0,2})` +
  String.raw`|(?<fn>[A-Z]{2})` +
  String.raw`)`;

// (The body ends the match, so its offsets follow from the match's: no 'd' flag, which makes exec slower.)
const REF_RE = new RegExp(String.raw`(?<![\w./\\:-])(?:${PREFIX})?${BODY}(?![\w]|\.\d|\(\d)`, 'gi');
const RANGE_SEP = /^\s*(?:-|–|—|to)\s*/;

/** Scans `text` (a line, a paragraph, a YAML scalar) for control references; offsets are `base` + offsets in `text`. */
export function scanReferences(text: string, opts: ScanOptions, cat: Catalog = catalog(), base = 0): ControlRef[] {
  const out: ControlRef[] = [];
  REF_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REF_RE.exec(text))) {
    const ref = resolveMatch(m, opts, cat);
    if (!ref) {
      // A failed prefixed match may hide a bare reference in its body ("ISO 2022 CC6.1"): retry after the prefix.
      if (m.groups!.prefix) REF_RE.lastIndex = m.index + m[0].length - m.groups!.body.length;
      continue;
    }
    // Range: "CC6.1-CC6.4", "A.5.15 – 5.18", "AC-2 to AC-4".
    const rest = text.slice(ref.end);
    const sep = RANGE_SEP.exec(rest);
    if (sep && ref.status === 'ok') {
      const tailStart = ref.end + sep[0].length;
      const range = tryRange(ref, text, tailStart, opts, cat);
      if (range) {
        out.push(range);
        REF_RE.lastIndex = range.end;
        continue;
      }
    }
    out.push(ref);
  }
  if (base) {
    // (The references are new objects: shifting them in place saves a copy each.)
    for (const ref of out) {
      ref.start += base;
      ref.end += base;
      ref.bodyStart += base;
      ref.bodyEnd += base;
    }
  }
  return out;
}

/** Resolutions by catalog and by "hint|prefixed|mode|body": the same few IDs recur throughout a document. */
const resolved = new WeakMap<Catalog, Map<string, Resolved | null>>();

function resolveCached(body: string, hint: FrameworkId | undefined, prefixed: boolean, opts: ScanOptions, cat: Catalog): Resolved | undefined {
  let memo = resolved.get(cat);
  if (!memo) resolved.set(cat, (memo = new Map()));
  const key = `${hint ?? ''}|${prefixed ? 1 : 0}|${opts.mode}|${body}`;
  let r = memo.get(key);
  if (r === undefined) {
    if (memo.size > 10_000) memo.clear();
    memo.set(key, (r = resolveBody(body, hint, prefixed, opts, cat) ?? null));
  }
  return r ?? undefined;
}

function resolveMatch(m: RegExpExecArray, opts: ScanOptions, cat: Catalog): ControlRef | undefined {
  const g = m.groups!;
  const body = g.body;
  const prefixed = g.prefix !== undefined;
  let hint: FrameworkId | undefined;
  if (g.csf !== undefined) hint = 'csf';
  else if (g.iso !== undefined) hint = g.isoN === '2' ? 'iso27002' : 'iso27001';
  else if (g.soc !== undefined) hint = 'soc2';
  else if (g.nhi !== undefined) hint = 'nhi';
  else if (g.sp !== undefined) hint = 'sp800-53';
  // Long prefixes may be followed by a space; short ones ("CSF", "TSC") need a colon to count as prefixes.
  if (prefixed && !g.sep.includes(':') && /^(csf|tsc)$/i.test(g.prefix.trim())) {
    if (g.csf === undefined || !/^CSF$/.test(g.prefix.trim())) return undefined;
  }
  const r = resolveCached(body, hint, prefixed, opts, cat);
  if (!r) return undefined;
  const end = m.index + m[0].length;
  const ref: ControlRef = { start: m.index, end, bodyStart: end - body.length, bodyEnd: end, raw: m[0], prefixed, framework: r.framework, id: r.id, status: r.status };
  if (r.canonical !== undefined) ref.canonical = r.canonical;
  if (r.legacy !== undefined) ref.legacy = r.legacy;
  if (r.reason !== undefined) ref.reason = r.reason;
  if (r.nearest !== undefined) ref.nearest = r.nearest;
  if (!opts.frameworks.includes(ref.framework)) {
    // A bare SP 800-53 shape ("AC-2") is too common in prose to claim when the framework is off.
    if (!prefixed && opts.mode === 'prose' && ref.framework === 'sp800-53') return undefined;
    ref.status = 'out-of-scope';
  }
  return ref;
}

type Resolved = Pick<ControlRef, 'framework' | 'id' | 'status' | 'canonical' | 'legacy' | 'reason' | 'nearest'>;

/**
 * Resolves the ID part of a reference. Returns undefined when the text is not a reference at all
 * (a bare shape in prose that matches nothing and could be an ordinary word).
 */
export function resolveBody(
  body: string,
  hint: FrameworkId | undefined,
  prefixed: boolean,
  opts: ScanOptions,
  cat: Catalog = catalog(),
): Resolved | undefined {
  const strict = prefixed || opts.mode === 'list';
  const upper = body.toUpperCase();
  const caseOk = body === upper;

  const csf = /^([A-Z]{2})\.([A-Z]{2})(?:-(\d{1,3}))?$/.exec(upper);
  if (csf && (!hint || hint === 'csf')) {
    if (!strict && !caseOk && !resolvesCsf(upper, cat)) return undefined;
    return resolveCsf(body, upper, csf, strict, cat);
  }
  if (hint === 'csf' && /^[A-Z]{2}$/.test(upper)) {
    const fn = cat.get('csf', upper);
    if (fn) return caseOk ? ok('csf', fn.id) : malformed('csf', body, fn.id);
    return unknown('csf', body, `'${body}' is not a CSF 2.0 function (GV, ID, PR, DE, RS, RC)`);
  }

  const nhi = /^NHI[\s_-]?(\d{1,2})(?::(\d{4}))?$/.exec(upper);
  if (nhi && (!hint || hint === 'nhi')) {
    const n = Number(nhi[1]);
    const id = `NHI${n}`;
    const c = cat.get('nhi', id);
    if (!c || (nhi[2] && nhi[2] !== '2025')) {
      return unknown('nhi', body, `the OWASP NHI Top 10 (2025) has NHI1 to NHI10`, ['NHI1', 'NHI10']);
    }
    const canonicalForms = [id, `${id}:2025`];
    if (canonicalForms.includes(body)) return ok('nhi', id);
    return malformed('nhi', body, nhi[2] ? `${id}:2025` : id);
  }
  if (hint === 'nhi' && /^\d{1,2}$/.test(body)) {
    const id = `NHI${Number(body)}`;
    return cat.get('nhi', id) ? malformed('nhi', body, id) : unknown('nhi', body, 'the OWASP NHI Top 10 (2025) has NHI1 to NHI10');
  }

  const soc = /^(CC|PI|[ACP])(\d)\.(\d{1,2})$/.exec(upper);
  if (soc && (!hint || hint === 'soc2') && !(soc[1] === 'A' && Number(soc[2]) >= 5 && hint !== 'soc2')) {
    const id = `${soc[1]}${soc[2]}.${Number(soc[3])}`;
    const c = cat.get('soc2', id);
    if (!c) {
      if (!strict && soc[1] !== 'CC') return undefined;
      const series = `${soc[1]}${soc[2]}`;
      const siblings = cat.all('soc2').filter((x) => x.parent === series).map((x) => x.id);
      return unknown(
        'soc2',
        body,
        siblings.length ? `series ${series} has ${siblings[0]} to ${siblings[siblings.length - 1]}` : `there is no SOC 2 series ${series}`,
        siblings.length ? [siblings[0], siblings[siblings.length - 1]] : undefined,
      );
    }
    if (!strict && !caseOk && soc[1] !== 'CC') return undefined;
    return body === id ? ok('soc2', id) : malformed('soc2', body, id);
  }

  const iso = /^A(\s?\.\s?|\s)?(\d{1,2}(?:\.\d{1,2}){0,2})$/.exec(upper);
  if (iso && (!hint || hint === 'iso27001' || hint === 'iso27002')) {
    if (hint === 'iso27002') {
      const c = cat.get('iso27002', iso[2]);
      if (c) return malformed('iso27002', body, c.id);
    }
    return resolveIsoAnnex(body, iso[1], iso[2], strict, cat);
  }

  if (/^\d{1,2}(?:\.\d{1,2}){0,2}$/.test(body)) {
    if (hint === 'iso27001') {
      if (cat.get('iso27001', body)) return ok('iso27001', body);
      if (cat.get('iso27001', `A.${body}`)) return malformed('iso27001', body, `A.${body}`);
      return unknown('iso27001', body, 'not a clause (4-10) of ISO/IEC 27001:2022; Annex A controls are written A.5.1 ... A.8.34');
    }
    if (hint === 'iso27002') {
      if (cat.get('iso27002', body)) return ok('iso27002', body);
      const old = cat.legacy('iso27001', `A.${body}`);
      if (old) return { framework: 'iso27002', id: body, status: 'legacy', legacy: mapIsoLegacyTo27002(old) };
      return unknown('iso27002', body, 'ISO/IEC 27002:2022 controls are numbered 5.1 ... 8.34');
    }
    return undefined;
  }

  const sp = /^([A-Z]{2})-(\d{1,2})(?:\s?\((\d{1,2})\))?$/.exec(upper);
  if (sp && (!hint || hint === 'sp800-53')) {
    if (!SP_FAMILIES.has(sp[1])) return strict && hint ? unknown('sp800-53', body, `there is no SP 800-53 family ${sp[1]}`) : undefined;
    if (!strict && !caseOk) return undefined;
    const id = `${sp[1]}-${Number(sp[2])}${sp[3] ? `(${Number(sp[3])})` : ''}`;
    const c = cat.get('sp800-53', id);
    if (!c) {
      if (!hint && !strict) return undefined;
      return unknown('sp800-53', body, `not in the SP 800-53 Rev. 5 catalog`);
    }
    if (c.withdrawn) return { framework: 'sp800-53', id, status: 'legacy', legacy: spWithdrawn(c) };
    // "IA-2 (1)" is a common and readable spelling: understood, not flagged.
    const normalised = body.replace(/\s+\(/, '(');
    return normalised === id ? ok('sp800-53', id) : malformed('sp800-53', body, id);
  }
  if (hint === 'sp800-53' && /^[A-Z]{2}$/.test(upper)) {
    const fam = cat.get('sp800-53', upper);
    if (fam && caseOk) return ok('sp800-53', fam.id);
  }
  if (hint && strict) return unknown(hint, body, `not an ID of ${cat.framework(hint).name}`);
  return undefined;
}

function ok(framework: FrameworkId, id: string): Resolved {
  return { framework, id, status: 'ok' };
}
function malformed(framework: FrameworkId, body: string, canonical: string): Resolved {
  return { framework, id: canonical, status: 'malformed', canonical };
}
function unknown(framework: FrameworkId, body: string, reason: string, nearest?: string[]): Resolved {
  return { framework, id: body, status: 'unknown', reason, ...(nearest ? { nearest } : {}) };
}

function resolvesCsf(upper: string, cat: Catalog): boolean {
  const m = /^([A-Z]{2}\.[A-Z]{2})(?:-(\d+))?$/.exec(upper)!;
  const n = m[2] ? `-${String(Number(m[2])).padStart(2, '0')}` : '';
  return !!(cat.get('csf', m[1] + n) || cat.legacy('csf', m[1] + (m[2] ? `-${Number(m[2])}` : '')));
}

function resolveCsf(body: string, upper: string, m: RegExpExecArray, strict: boolean, cat: Catalog): Resolved | undefined {
  const [, fn, , num] = m;
  const category = upper.slice(0, 5);
  if (!CSF_FUNCTIONS.has(fn) && !cat.legacy('csf', category)) {
    return strict ? unknown('csf', body, `${fn} is not a CSF function (GV, ID, PR, DE, RS, RC)`) : undefined;
  }
  if (num === undefined) {
    if (cat.get('csf', category)) return body === category ? ok('csf', category) : malformed('csf', body, category);
    const old = cat.legacy('csf', category);
    if (old) return { framework: 'csf', id: category, status: 'legacy', legacy: old };
    const cats = cat.all('csf').filter((c) => c.kind === 'category' && c.parent === fn).map((c) => c.id);
    return unknown('csf', body, `CSF 2.0 has no category ${category}${cats.length ? ` (${fn}: ${cats.join(', ')})` : ''}`);
  }
  const n = Number(num);
  const id20 = `${category}-${String(n).padStart(2, '0')}`;
  const id11 = `${category}-${n}`;
  const current = cat.get('csf', id20);
  const old = cat.legacy('csf', id11);
  if (num.length === 2 && current) return body === id20 ? ok('csf', id20) : malformed('csf', body, id20);
  if (old && old.kind === 'subcategory' && (num.length === 1 || !current)) {
    // A CSF 1.1 ID (PR.AC-4), or a withdrawn element in 2.0 spelling (PR.AC-04).
    return { framework: 'csf', id: id11, status: 'legacy', legacy: old };
  }
  if (current) return malformed('csf', body, id20);
  const subs = cat.all('csf').filter((c) => c.parent === category).map((c) => c.id);
  if (subs.length) {
    return unknown('csf', body, `category ${category} has ${subs[0]} to ${subs[subs.length - 1]}`, [subs[0], subs[subs.length - 1]]);
  }
  if (cat.legacy('csf', category)) {
    return unknown('csf', body, `${category} is a CSF 1.1 category withdrawn in 2.0, and ${id11} was not one of its subcategories`);
  }
  return unknown('csf', body, `CSF 2.0 has no category ${category}`);
}

function resolveIsoAnnex(body: string, sep: string | undefined, nums: string, strict: boolean, cat: Catalog): Resolved | undefined {
  const id = `A.${nums}`;
  const spaced = sep !== undefined && sep.trim() === '';
  const canonicalSpelling = body === id || (spaced && /^A \d/.test(body));
  const current = cat.get('iso27001', id);
  if (current) {
    if (!strict && !canonicalSpelling && !/^A\d/.test(body.toUpperCase())) return undefined;
    return canonicalSpelling ? ok('iso27001', id) : malformed('iso27001', body, id);
  }
  if (!strict && sep === undefined && !nums.includes('.')) return undefined; // "A1" is not a reference
  const old = cat.legacy('iso27001', id);
  if (old) return { framework: 'iso27001', id, status: 'legacy', legacy: old };
  if (!strict && sep === undefined) return undefined;
  const theme = cat.get('iso27001', `A.${nums.split('.')[0]}`);
  if (theme) {
    const kids = cat.all('iso27001').filter((c) => c.parent === theme.id).map((c) => c.id);
    return unknown('iso27001', body, `Annex A theme ${theme.id} (${theme.title}) has ${kids[0]} to ${kids[kids.length - 1]}`, [kids[0], kids[kids.length - 1]]);
  }
  return unknown('iso27001', body, 'ISO/IEC 27001:2022 Annex A has controls A.5.1 to A.8.34');
}

function mapIsoLegacyTo27002(old: LegacyControl): LegacyControl {
  return { ...old, id: old.id.slice(2), successors: old.successors.map((s) => s.replace(/^A\./, '')) };
}

function spWithdrawn(c: Control): LegacyControl {
  const successors = [...(c.withdrawn ?? '').matchAll(/\b([A-Z]{2}-\d{1,2}(?:\(\d{1,2}\))?)/g)].map((x) => x[1]);
  return {
    framework: 'sp800-53',
    id: c.id,
    kind: c.kind,
    title: c.title,
    status: 'withdrawn',
    reason: c.withdrawn,
    successors: [...new Set(successors)].filter((s) => s !== c.id),
  };
}

/** Tries to read "<ref> - <tail>" as a range of IDs under one parent. */
function tryRange(first: ControlRef, text: string, tailStart: number, opts: ScanOptions, cat: Catalog): ControlRef | undefined {
  const fc = cat.get(first.framework, first.id);
  if (!fc || !fc.parent || !/(?:\d+)\)?$/.test(first.id)) return undefined;
  const tail = /^(?:[A-Z]{1,2}\.?\s?|[A-Z]{2}\.[A-Z]{2}-|[A-Z]{2}-)?\d{1,2}(?:\.\d{1,2})*(?:\(\d{1,2}\))?(?![\w]|\.\d)/i.exec(text.slice(tailStart));
  if (!tail) return undefined;
  // Complete a short tail ("6.4" after "CC6.1", "18" after "A.5.15") from the first ID.
  let second = tail[0];
  const firstLead = first.id.replace(/[\d.()]+$/, '');
  if (/^\d/.test(second)) {
    const parts = first.id.slice(firstLead.length).split('.');
    const tparts = second.split('.');
    second = firstLead + [...parts.slice(0, parts.length - tparts.length), ...tparts].join('.');
  }
  const r2 = resolveBody(second, first.framework, true, { ...opts, mode: 'list' }, cat);
  if (!r2 || r2.framework !== first.framework || (r2.status !== 'ok' && r2.status !== 'unknown')) return undefined;
  // Catalog order is not numeric order for SP 800-53 (AC-1, AC-10, AC-11, ..., AC-2): sort naturally.
  const siblings = cat.all(first.framework).filter((c) => c.parent === fc.parent).sort((a, b) => naturalCompare(a.id, b.id));
  const i = siblings.findIndex((c) => c.id === first.id);
  const j = r2.status === 'ok' ? siblings.findIndex((c) => c.id === r2.id) : -1;
  const end = tailStart + tail[0].length;
  const base = { ...first, end, raw: text.slice(first.start, end), bodyEnd: end };
  if (r2.status !== 'ok' || j < 0) {
    return {
      ...base,
      status: 'unknown',
      id: second,
      reason: `the range ends at ${second}, which does not exist under ${fc.parent}`,
    };
  }
  if (j <= i) return undefined;
  // Withdrawn SP 800-53 controls inside a range are not members: nobody implements them.
  return { ...base, members: siblings.slice(i, j + 1).filter((c) => !c.withdrawn || c.id === first.id || c.id === r2.id).map((c) => c.id) };
}

/** Compares IDs with their numbers as numbers: AC-2 < AC-10, A.5.9 < A.5.10, AC-2(2) < AC-2(10). */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let k = 0; k < Math.min(ta.length, tb.length); k++) {
    const x = ta[k];
    const y = tb[k];
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** Every canonical ID a reference stands for (one, or each member of a range). */
export function refIds(ref: ControlRef): string[] {
  return ref.members ?? [ref.id];
}

/** `ref` with its offsets moved by `by` (a copy). */
export function shiftRef(ref: ControlRef, by: number): ControlRef {
  return { ...ref, start: ref.start + by, end: ref.end + by, bodyStart: ref.bodyStart + by, bodyEnd: ref.bodyEnd + by };
}
