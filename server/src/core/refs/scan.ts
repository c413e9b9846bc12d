/**
 * Finds control references in text and resolves each against the catalogs.
 *
 * Recognised: prefixed forms (`CSF:PR.AA-01`, `ISO27001:A.5.16`, `ISO 27001 A.5.16`, `ISO27002:5.16`,
 * `SOC2:CC6.1`, `SOC 2 CC6.1`, `NHI:NHI7`, `SP800-53:AC-2(1)`), a generic or localized word between the name and
 * the ID (`ISO 27001 Annex A 5.15`, `ISO/IEC 27002:2022 Maßnahme 8.1`, `ISO 27001 clause 6.1.2`), bare forms
 * (`PR.AA-01`, `A.5.16`, `CC6.1`, `NHI7:2025`, `AC-2(1)` when SP 800-53 is enabled), common variants
 * (`A 5.16`, `IA-2 (1)`), ranges (`CC6.1-CC6.4`, `A.5.15–5.18`: each ID in between, on one line), and IDs of
 * earlier editions (CSF 1.1 `PR.AC-4`, ISO 27001:2013 `A.9.2.1` or a whole chapter `A.9`).
 *
 * Precision (docs/control-references.md, "Bare IDs in prose"): other catalogs use the same shapes (BSI
 * `A5`, CIS `Control 5.1`, PCI DSS `Requirement 8.2.1`), and prose is full of numbers ("a 20 minute window").
 * In prose, a token is a reference when the text ties it to its framework: a prefix (the framework's name
 * right before it), or the framework named on its line, in its table column's header or on the lead-in
 * line of its YAML-style list (a tie). Without one, a bare token counts when it resolves exactly in an
 * enabled framework, or when its shape is distinctive of one framework (`PR.AC-4` with a real CSF
 * function, `CC6.1`, `A.5.16` with the dot, `NHI7`); anything else is no reference at all. A framework name
 * followed by a plain word ("ISO 27001 or SOC 2") is a mention and yields nothing. In a `controls:` list
 * (mode 'list') every item is expected to be a reference.
 *
 * Pure: text in, references out. Callers decide which text is prose (not code) and which is a list item.
 * Linear: every pattern that reads user text is bounded per position (tested with 100 KB+ adversarial text).
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
  /**
   * Frameworks the context of the text names (prose only): the heading above it, the lead-in line of the
   * Markdown list it is an item of. A bare token of such a framework is tied as if the name were on its line.
   */
  ties?: readonly FrameworkId[];
}

const CSF_FUNCTIONS = new Set(['GV', 'ID', 'PR', 'DE', 'RS', 'RC']);
const SP_FAMILIES = new Set([
  'AC', 'AT', 'AU', 'CA', 'CM', 'CP', 'IA', 'IR', 'MA', 'MP', 'PE', 'PL', 'PM', 'PS', 'PT', 'RA', 'SA', 'SC', 'SI', 'SR',
]);

/** Horizontal white space: a reference, its prefix and a range never span a line break. */
const H = String.raw`[ \t\u00a0]`;

const NAME =
  String.raw`(?<name>` +
  String.raw`(?<csf>(?:NIST[\s-]?)?CSF(?:[\s-]?v?(?:2(?:\.0)?|1\.1))?)` +
  String.raw`|(?<iso>ISO(?:\/IEC)?[\s-]?2700[12](?:${H}?:${H}?20(?:13|22)(?=${H}*:|${H}))?)` +
  String.raw`|(?<soc>SOC[\s-]?2|TSC)` +
  String.raw`|(?<nhi>(?:OWASP[\s-]?)?NHI(?=${H}*:))` +
  String.raw`|(?<sp>(?:NIST[\s-]?)?(?:SP[\s-]?)?800-53(?:${H}?r(?:ev\.?${H}?)?5)?)` +
  String.raw`)`;

/**
 * Words between a framework's name and the ID ("ISO 27001 Annex A 5.15", "ISO/IEC 27002:2022 Maßnahme 8.1",
 * "ISO 27001 clause 6.1.2"): Annex A, a control (ISO 27001 calls only Annex A items controls), a clause.
 */
const WORD =
  String.raw`(?<word>Annex|Anhang` +
  String.raw`|controls?|Ma(?:ß|ss)nahmen?|criteri(?:on|a)|Kriterium|subcategory|category|function|risk` +
  String.raw`|clauses?|Klausel|sections?|Abschnitt|Kapitel)`;
const CLAUSE_WORD = /^(?:clauses?|klausel|sections?|abschnitt|kapitel)$/i;

const PREFIX =
  String.raw`${NAME}(?<sep>${H}*:${H}*|${H}+)(?:${WORD}${H}+)?` +
  // "Annex A 5.15" / "Anhang A 5.15" without the standard's name.
  String.raw`|(?<annex>Annex|Anhang)${H}+(?=A)`;

const BODY =
  String.raw`(?<body>` +
  String.raw`[A-Z]{2}\.[A-Z]{2}(?:-\d{1,3})?` +
  String.raw`|NHI[ \t_-]?\d{1,2}(?::\d{4})?` +
  String.raw`|(?:CC|PI|[ACP])\d\.\d{1,2}` +
  String.raw`|(?<isoId>A(?:${H}?\.${H}?|${H})?\d{1,2}(?:\.\d{1,2}){0,2})` +
  String.raw`|[A-Z]{2}-\d{1,2}(?:${H}?\(\d{1,2}\))?` +
  String.raw`|(?<num>\d{1,2}(?:\.\d{1,2}){0,2})` +
  String.raw`|(?<fn>[A-Z]{2})` +
  String.raw`)`;

/**
 * A pattern written with named groups, compiled with numbered ones: V8 builds a `groups` object for every
 * match of a pattern with named groups, which made each match of REF_RE about twice as slow.
 */
function numbered<K extends string>(source: string, flags: string, names: readonly K[]): { re: RegExp; g: Record<K, number> } {
  const g = {} as Record<K, number>;
  let n = 0;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      out += ch + source[++i];
    } else if (ch === '[') {
      // A class, through its closing bracket (which may follow "^" or come first).
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j;
    } else if (ch === '(' && source[i + 1] !== '?') {
      n++;
      out += ch;
    } else if (ch === '(' && source[i + 2] === '<' && /\w/.test(source[i + 3])) {
      const close = source.indexOf('>', i);
      g[source.slice(i + 3, close) as K] = ++n;
      out += '(';
      i = close;
    } else out += ch;
  }
  for (const k of names) if (!g[k]) throw new Error(`no group ${k}`);
  return { re: new RegExp(out, flags), g };
}

// (The body ends the match, so its offsets follow from the match's: no 'd' flag, which makes exec slower.)
const { re: REF_RE, g: G } = numbered(
  String.raw`(?<![\w./\\:-])(?:${PREFIX})?${BODY}(?![\w]|\.\d|\(\d)`,
  'gi',
  ['name', 'csf', 'iso', 'soc', 'nhi', 'sp', 'sep', 'word', 'annex', 'body', 'isoId', 'num', 'fn'] as const,
);
/**
 * "CC6.1-CC6.4", "A.5.15 – 5.18", "PR.AA-01 to 03", "AC-2 through AC-4", German "A.5.15 bis A.5.18": on one line (a
 * list marker on the next line is no dash).
 */
const RANGE_SEP = /^[ \t\u00a0]*(?:-|–|—|(?:to|through|thru|bis)(?=[ \t\u00a0]))[ \t\u00a0]*/;
/** Document numbering that shares the Annex A shape: "Appendix A.2", "Section A.12", "Table A.10", "Abbildung A.3". */
const NUMBERING_WORD = /(?:appendix|annexure|section|chapter|table|figure|fig\.|exhibit|schedule|attachment|abschnitt|kapitel|tabelle|abbildung|anlage|beilage)[ \t\u00a0]*$/i;

/** Scans `text` (a line, a paragraph, a YAML scalar) for control references; offsets are `base` + offsets in `text`. */
export function scanReferences(text: string, opts: ScanOptions, cat: Catalog = catalog(), base = 0): ControlRef[] {
  const out: ControlRef[] = [];
  let ties: Ties | undefined;
  const tied = (at: number, fw: FrameworkId) => !!opts.ties?.includes(fw) || (ties ??= new Ties(text)).names(at, fw);
  REF_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REF_RE.exec(text))) {
    const ref = resolveMatch(m, text, opts, cat, tied);
    if (!ref) {
      // A failed prefixed match may hide a bare reference in its body ("ISO 2022 CC6.1"): retry after the prefix.
      if (m[G.name] !== undefined || m[G.annex] !== undefined) REF_RE.lastIndex = m.index + m[0].length - m[G.body].length;
      continue;
    }
    // Range: "CC6.1-CC6.4", "A.5.15 – 5.18", "AC-2 to AC-4".
    if (ref.status === 'ok') {
      const sep = RANGE_SEP.exec(text.slice(ref.end));
      if (sep) {
        const range = tryRange(ref, text, ref.end + sep[0].length, sep[0], cat);
        if (range) {
          out.push(range);
          REF_RE.lastIndex = range.end;
          continue;
        }
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

/**
 * How the text ties an ID to its framework: 'list' (an item of a `controls:` list), 'explicit' (a prefix
 * and a colon right before the ID: `ISO27001:5.16`), 'named' (the framework's name, then a space or ": "),
 * 'annex' ("Annex A 5.15" without the standard's name), 'bare' (nothing: prose).
 */
type Tie = 'list' | 'explicit' | 'named' | 'annex' | 'bare';

interface Ctx {
  hint?: FrameworkId;
  tie: Tie;
  /** The word between the name and the ID: Annex A, control (or Maßnahme, criterion ...), clause (or Kapitel ...). */
  word: '' | 'annex' | 'control' | 'clause';
  /** The edition the prefix names when it is not the current one: ISO 27001:2013, ISO 27002:2013, CSF 1.1. */
  edition: '' | '2013' | '1.1';
}

type Resolved = Pick<ControlRef, 'framework' | 'id' | 'status' | 'canonical' | 'legacy' | 'reason' | 'nearest'> & {
  /**
   * For a bare token in prose whose shape is not distinctive of one framework: 1 when it counts alone only if
   * it resolves (ok) in an enabled framework ("A1.2", "A 5.15"), 0 when it counts only with a tie ("A 5",
   * "A1.4", "A 5.38"). Absent: the shape is distinctive (`PR.AC-4`, `CC9.9`, `A.5.38`, `NHI8`) or tied.
   */
  strength?: 0 | 1;
};

/**
 * Resolutions by catalog, by context (hint, tie, word, edition: one map each, found without building a key string per
 * match) and by body: the same few IDs recur throughout a document. At most 10,000 bodies per catalog.
 */
const resolved = new WeakMap<Catalog, { contexts: Map<string, Map<string, Map<string, Resolved | null>>>; size: number }>();

function resolveCached(body: string, c: Ctx, cat: Catalog): Resolved | undefined {
  let memo = resolved.get(cat);
  if (!memo) resolved.set(cat, (memo = { contexts: new Map(), size: 0 }));
  // (Each field has a few values: the nested maps take them one at a time.)
  let byTie = memo.contexts.get(c.hint ?? '');
  if (!byTie) memo.contexts.set(c.hint ?? '', (byTie = new Map()));
  const key = c.tie === 'bare' ? 'bare' : c.tie + '|' + c.word + '|' + c.edition;
  let map = byTie.get(key);
  if (!map) byTie.set(key, (map = new Map()));
  let r = map.get(body);
  if (r === undefined) {
    if (memo.size >= 10_000) {
      memo.contexts.clear();
      memo.size = 0;
      return resolveCached(body, c, cat);
    }
    map.set(body, (r = resolveId(body, c, cat) ?? null));
    memo.size++;
  }
  return r ?? undefined;
}

function resolveMatch(
  m: RegExpExecArray,
  text: string,
  opts: ScanOptions,
  cat: Catalog,
  tied: (at: number, fw: FrameworkId) => boolean,
): ControlRef | undefined {
  const name = m[G.name];
  const prefixed = name !== undefined || m[G.annex] !== undefined;
  // A bare number or pair of letters is never a reference (most matches: "5.1", "an").
  if (!prefixed && (m[G.num] !== undefined || m[G.fn] !== undefined)) return undefined;
  const body = m[G.body];
  const c: Ctx = { tie: 'bare', word: '', edition: '' };
  if (name !== undefined) {
    const sep = m[G.sep];
    if (m[G.csf] !== undefined) {
      // Long prefixes may be followed by a space; short ones ("CSF", "TSC") need a colon to count as prefixes.
      if (!sep.includes(':') && name !== 'CSF' && /^csf$/i.test(name)) return undefined;
      c.hint = 'csf';
      if (/1\.1$/.test(name)) c.edition = '1.1';
    } else if (m[G.iso] !== undefined) {
      c.hint = /2700(\d)/.exec(name)![1] === '2' ? 'iso27002' : 'iso27001';
      if (/2013$/.test(name)) c.edition = '2013';
    } else if (m[G.soc] !== undefined) {
      if (!sep.includes(':') && /^tsc$/i.test(name)) return undefined;
      c.hint = 'soc2';
    } else if (m[G.nhi] !== undefined) c.hint = 'nhi';
    else c.hint = 'sp800-53';
    const word = m[G.word];
    if (word !== undefined) c.word = /^an/i.test(word) ? 'annex' : CLAUSE_WORD.test(word) ? 'clause' : 'control';
    c.tie = opts.mode === 'list' ? 'list' : word === undefined && /^[ \t\u00a0]*:$/.test(sep) ? 'explicit' : 'named';
  } else if (prefixed) {
    c.hint = 'iso27001';
    c.tie = opts.mode === 'list' ? 'list' : 'annex';
  } else if (opts.mode === 'list') c.tie = 'list';
  const r = resolveCached(body, c, cat);
  if (!r) return undefined;
  const end = m.index + m[0].length;
  const enabled = opts.frameworks.includes(r.framework);
  if (c.tie === 'bare') {
    // A bare token whose shape other catalogs share counts only when it resolves in an enabled framework
    // (strength 1) or when the text names its framework nearby; "Appendix A.2" is document numbering.
    if (r.strength !== undefined && !(r.strength === 1 && enabled) && !tied(m.index, r.framework)) return undefined;
    if (m[G.isoId] !== undefined && NUMBERING_WORD.test(text.slice(Math.max(0, m.index - 16), m.index))) return undefined;
  }
  const ref: ControlRef = { start: m.index, end, bodyStart: end - body.length, bodyEnd: end, raw: m[0], prefixed, framework: r.framework, id: r.id, status: r.status };
  if (r.canonical !== undefined) ref.canonical = r.canonical;
  if (r.legacy !== undefined) ref.legacy = r.legacy;
  if (r.reason !== undefined) ref.reason = r.reason;
  if (r.nearest !== undefined) ref.nearest = r.nearest;
  if (!enabled) {
    // A bare SP 800-53 shape ("AC-2") is too common in prose to claim when the framework is off.
    if (!prefixed && opts.mode === 'prose' && ref.framework === 'sp800-53') return undefined;
    ref.status = 'out-of-scope';
  }
  return ref;
}

/**
 * Resolves the ID part of a reference. Returns undefined when the text is not a reference at all
 * (a bare shape in prose that matches nothing and could be an ordinary word). `prefixed`: a prefix with a
 * colon right before the ID (`ISO27001:5.16`).
 */
export function resolveBody(
  body: string,
  hint: FrameworkId | undefined,
  prefixed: boolean,
  opts: ScanOptions,
  cat: Catalog = catalog(),
): Resolved | undefined {
  const tie: Tie = opts.mode === 'list' ? 'list' : prefixed ? 'explicit' : 'bare';
  return resolveId(body, { hint, tie, word: '', edition: '' }, cat);
}

const CSF_ID = /^([A-Z]{2})\.([A-Z]{2})(?:-(\d{1,3}))?$/;
const NHI_ID = /^NHI[ \t_-]?(\d{1,2})(?::(\d{4}))?$/;
const SOC_ID = /^(CC|PI|[ACP])(\d)\.(\d{1,2})$/;
const ISO_ID = /^A([ \t\u00a0]?\.[ \t\u00a0]?|[ \t\u00a0])?(\d{1,2}(?:\.\d{1,2}){0,2})$/;
const NUM_ID = /^\d{1,2}(?:\.\d{1,2}){0,2}$/;
const SP_ID = /^([A-Z]{2})-(\d{1,2})(?:[ \t\u00a0]?\((\d{1,2})\))?$/;
const TWO_LETTERS = /^[A-Z]{2}$/;

function resolveId(body: string, c: Ctx, cat: Catalog): Resolved | undefined {
  const { hint } = c;
  const strict = c.tie !== 'bare';
  const prose = c.tie !== 'list';
  const upper = body.toUpperCase();
  const caseOk = body === upper;

  const csf = CSF_ID.exec(upper);
  if (csf && (!hint || hint === 'csf')) {
    // Lower case counts only for an ID that resolves ("pr.aa-01"), never for a category alone ("rs.co").
    if (!strict && !caseOk && (csf[3] === undefined || !resolvesCsf(upper, cat))) return undefined;
    return resolveCsf(body, upper, csf, c, cat);
  }
  if (hint === 'csf' && TWO_LETTERS.test(upper)) {
    // "NIST CSF or ...", "CSF is": a mention of the framework, not a function.
    if (prose && !caseOk) return undefined;
    const fn = cat.get('csf', upper);
    if (fn) return caseOk ? ok('csf', fn.id) : malformed('csf', body, fn.id);
    if (prose && c.tie !== 'explicit') return undefined;
    return unknown('csf', body, `'${body}' is not a CSF 2.0 function (GV, ID, PR, DE, RS, RC)`);
  }

  const nhi = NHI_ID.exec(upper);
  if (nhi && (!hint || hint === 'nhi')) {
    const n = Number(nhi[1]);
    const id = `NHI${n}`;
    const risk = cat.get('nhi', id);
    if (!risk) return unknown('nhi', body, `the OWASP NHI Top 10 (2025) has NHI1 to NHI10`, ['NHI1', 'NHI10']);
    if (nhi[2] && nhi[2] !== '2025') {
      return unknown('nhi', body, `there is no ${nhi[2]} edition of the OWASP NHI Top 10; ${id}:2025 is ${risk.title}`, [`${id}:2025`]);
    }
    const canonicalForms = [id, `${id}:2025`];
    if (canonicalForms.includes(body)) return ok('nhi', id);
    return malformed('nhi', body, nhi[2] ? `${id}:2025` : id);
  }
  if (hint === 'nhi' && /^\d{1,2}$/.test(body)) {
    const id = `NHI${Number(body)}`;
    return cat.get('nhi', id) ? malformed('nhi', body, id) : unknown('nhi', body, 'the OWASP NHI Top 10 (2025) has NHI1 to NHI10');
  }

  const soc = SOC_ID.exec(upper);
  if (soc && (!hint || hint === 'soc2') && !(soc[1] === 'A' && Number(soc[2]) >= 5 && hint !== 'soc2')) {
    const id = `${soc[1]}${soc[2]}.${Number(soc[3])}`;
    // CC is SOC 2's own; A1.2, C1.1, P1.1, PI1.1 are shapes other numbering shares.
    const distinctive = strict || soc[1] === 'CC';
    if (!distinctive && !caseOk) return undefined;
    const criterion = cat.get('soc2', id);
    if (!criterion) {
      const series = `${soc[1]}${soc[2]}`;
      const siblings = cat.all('soc2').filter((x) => x.parent === series).map((x) => x.id);
      const r = unknown(
        'soc2',
        body,
        siblings.length ? `series ${series} has ${siblings[0]} to ${siblings[siblings.length - 1]}` : `there is no SOC 2 series ${series}`,
        siblings.length ? [siblings[0], siblings[siblings.length - 1]] : undefined,
      );
      return distinctive ? r : weak(r, 0);
    }
    const r = body === id ? ok('soc2', id) : malformed('soc2', body, id);
    return distinctive ? r : weak(r, r.status === 'ok' ? 1 : 0);
  }

  const iso = ISO_ID.exec(upper);
  if (iso && (!hint || hint === 'iso27001' || hint === 'iso27002')) {
    // A lower-case "a" in prose is the article ("a 20 minute window") or list lettering ("a.").
    if (!strict && body[0] !== 'A') return undefined;
    if (hint === 'iso27002') {
      // "ISO27002:A.5.16" is a near miss of ISO27002:5.16; in prose, "ISO/IEC 27002:2022 A 8.1" is common usage.
      const c27002 = cat.get('iso27002', iso[2]);
      if (c27002) return c.tie === 'named' ? ok('iso27002', c27002.id) : malformed('iso27002', body, c27002.id);
    }
    return resolveIsoAnnex(body, iso[1], iso[2], c, cat);
  }

  if (NUM_ID.test(body)) return resolveNumber(body, c, cat);

  const sp = SP_ID.exec(upper);
  if (sp && (!hint || hint === 'sp800-53')) {
    if (!SP_FAMILIES.has(sp[1])) return strict && hint ? unknown('sp800-53', body, `there is no SP 800-53 family ${sp[1]}`) : undefined;
    if (!strict && !caseOk) return undefined;
    const id = `${sp[1]}-${Number(sp[2])}${sp[3] ? `(${Number(sp[3])})` : ''}`;
    const control = cat.get('sp800-53', id);
    if (!control) {
      if (!hint && !strict) return undefined;
      return unknown('sp800-53', body, `not in the SP 800-53 Rev. 5 catalog`);
    }
    if (control.withdrawn) return { framework: 'sp800-53', id, status: 'legacy', legacy: spWithdrawn(control) };
    // "IA-2 (1)" is a common and readable spelling: understood, not flagged.
    const normalised = body.replace(/[ \t\u00a0]+\(/, '(');
    return normalised === id ? ok('sp800-53', id) : malformed('sp800-53', body, id);
  }
  if (hint === 'sp800-53' && TWO_LETTERS.test(upper)) {
    const fam = cat.get('sp800-53', upper);
    if (fam && caseOk) return ok('sp800-53', fam.id);
  }
  if (hint && strict) {
    // In prose, a framework's name followed by a word ("ISO 27001 or SOC 2", "SOC 2 Type II") or by another
    // framework's ID ("ISO 27001: PR.AA-01") is a mention; only an explicit prefix ("ISO27001:XY") claims it.
    if (prose && (c.tie !== 'explicit' || !caseOk)) return undefined;
    return unknown(hint, body, `not an ID of ${cat.framework(hint).name}`);
  }
  return undefined;
}

/** A number after an ISO name: a clause ("ISO 27001 6.1.2"), an Annex A control ("ISO 27001 control 8.1"), an ISO 27002 control. */
function resolveNumber(body: string, c: Ctx, cat: Catalog): Resolved | undefined {
  const { hint } = c;
  if ((hint !== 'iso27001' && hint !== 'iso27002') || c.word === 'annex') return undefined;
  const r = hint === 'iso27001' ? resolveIsoNumber(body, c, cat) : resolveIso27002(body, c, cat);
  // After a name and a space, a whole number that is no ID is a count or a year ("ISO 27001 12 months").
  if (c.tie === 'named' && r.status !== 'ok' && !body.includes('.')) return undefined;
  return r;
}

function resolveIsoNumber(body: string, c: Ctx, cat: Catalog): Resolved {
  const annexId = `A.${body}`;
  const old = cat.legacy('iso27001', annexId);
  if (c.word === 'control') {
    // ISO/IEC 27001 calls only the Annex A items controls (its clauses are requirements): "control 8.1" is A.8.1.
    if (c.edition === '2013' && old) return { framework: 'iso27001', id: annexId, status: 'legacy', legacy: old };
    const current = cat.get('iso27001', annexId);
    if (current) return c.edition === '2013' ? wrongIsoEdition(body, current, '27001') : ok('iso27001', annexId);
    if (old) return { framework: 'iso27001', id: annexId, status: 'legacy', legacy: old };
    return unknown('iso27001', body, 'ISO/IEC 27001:2022 Annex A has controls A.5.1 to A.8.34');
  }
  if (cat.get('iso27001', body)) return ok('iso27001', body);
  if (c.edition === '2013' && old) return { framework: 'iso27001', id: annexId, status: 'legacy', legacy: old };
  if (cat.get('iso27001', annexId)) return malformed('iso27001', body, annexId);
  return unknown('iso27001', body, 'not a clause (4-10) of ISO/IEC 27001:2022; Annex A controls are written A.5.1 ... A.8.34');
}

function resolveIso27002(body: string, c: Ctx, cat: Catalog): Resolved {
  const old = cat.legacy('iso27001', `A.${body}`);
  if (c.edition === '2013' && old) return { framework: 'iso27002', id: body, status: 'legacy', legacy: mapIsoLegacyTo27002(old) };
  const current = cat.get('iso27002', body);
  if (current) return c.edition === '2013' ? wrongIsoEdition(body, current, '27002') : ok('iso27002', body);
  if (old) return { framework: 'iso27002', id: body, status: 'legacy', legacy: mapIsoLegacyTo27002(old) };
  return unknown('iso27002', body, 'ISO/IEC 27002:2022 controls are numbered 5.1 ... 8.34');
}

/** An ID of the 2022 numbering labelled with the 2013 edition ("ISO 27001:2013 A.5.9"). */
function wrongIsoEdition(body: string, current: Control, standard: '27001' | '27002'): Resolved {
  const what = standard === '27001' ? 'Annex A of ISO/IEC 27001:2013' : 'ISO/IEC 27002:2013';
  return unknown(
    current.framework,
    body,
    `${what} has no ${current.id}; ${current.id} (${current.title}) is the 2022 numbering, so label it ISO ${standard}:2022`,
    [current.id],
  );
}

/** For a bare token in prose: counts alone only when ok in an enabled framework (1), or only with a tie (0). */
function weak(r: Resolved, strength: 0 | 1): Resolved {
  return { ...r, strength };
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

function resolveCsf(body: string, upper: string, m: RegExpExecArray, c: Ctx, cat: Catalog): Resolved | undefined {
  const strict = c.tie !== 'bare';
  const [, fn, , num] = m;
  const category = upper.slice(0, 5);
  if (!CSF_FUNCTIONS.has(fn) && !cat.legacy('csf', category)) {
    return strict ? unknown('csf', body, `${fn} is not a CSF function (GV, ID, PR, DE, RS, RC)`) : undefined;
  }
  if (num === undefined) {
    const current = cat.get('csf', category);
    const old = cat.legacy('csf', category);
    if (c.edition === '1.1' && !old && current) return wrongCsfEdition(body, current);
    if (current) return body === category ? ok('csf', category) : malformed('csf', body, category);
    if (old) return { framework: 'csf', id: category, status: 'legacy', legacy: old };
    const cats = cat.all('csf').filter((x) => x.kind === 'category' && x.parent === fn).map((x) => x.id);
    const r = unknown('csf', body, `CSF 2.0 has no category ${category}${cats.length ? ` (${fn}: ${cats.join(', ')})` : ''}`);
    // "DE.CH", "ID.ME": a two-letter pair after a function is no distinctive shape; it needs a tie.
    return strict ? r : weak(r, 0);
  }
  const n = Number(num);
  const id20 = `${category}-${String(n).padStart(2, '0')}`;
  const id11 = `${category}-${n}`;
  const current = cat.get('csf', id20);
  const old = cat.legacy('csf', id11);
  if (c.edition === '1.1' && current && !(old && old.kind === 'subcategory')) return wrongCsfEdition(body, current);
  if (num.length === 2 && current) return body === id20 ? ok('csf', id20) : malformed('csf', body, id20);
  if (old && old.kind === 'subcategory' && (num.length === 1 || !current || c.edition === '1.1')) {
    // A CSF 1.1 ID (PR.AC-4), or a withdrawn element in 2.0 spelling (PR.AC-04).
    return { framework: 'csf', id: id11, status: 'legacy', legacy: old };
  }
  if (current) return malformed('csf', body, id20);
  const subs = cat.all('csf').filter((x) => x.parent === category).map((x) => x.id);
  if (subs.length) {
    return unknown('csf', body, `category ${category} has ${subs[0]} to ${subs[subs.length - 1]}`, [subs[0], subs[subs.length - 1]]);
  }
  if (cat.legacy('csf', category)) {
    return unknown('csf', body, `${category} is a CSF 1.1 category withdrawn in 2.0, and ${id11} was not one of its subcategories`);
  }
  return unknown('csf', body, `CSF 2.0 has no category ${category}`);
}

/** A CSF 2.0 ID labelled CSF 1.1 ("CSF 1.1 PR.AA-01"). */
function wrongCsfEdition(body: string, current: Control): Resolved {
  return unknown('csf', body, `CSF 1.1 has no ${body}; ${current.id} is the CSF 2.0 numbering (${current.title.length > 60 ? current.title.slice(0, 57).replace(/\s+\S*$/, '') + '...' : current.title}), so label it CSF 2.0`, [current.id]);
}

function resolveIsoAnnex(body: string, sep: string | undefined, nums: string, c: Ctx, cat: Catalog): Resolved | undefined {
  const strict = c.tie !== 'bare';
  const id = `A.${nums}`;
  const spaced = sep !== undefined && sep.trim() === '';
  const chapter = Number(nums.split('.')[0]);
  // No edition of Annex A has "A 2", "A 20" or "A.1" (2013: A.5-A.18; 2022: A.5-A.8): unless an explicit prefix
  // claims it ("ISO27001:A.20"), such a shape is a number in prose ("A 2 step rollback") or an appendix.
  if ((chapter < 5 || chapter > 18) && c.tie !== 'explicit' && c.tie !== 'list') return undefined;
  // "A1", "A5" (no dot, one number) are BSI IT-Grundschutz requirements, paper sizes, grid cells.
  if (!strict && sep === undefined && !nums.includes('.')) return undefined;
  // "Annex A 5.15" is written as the standard writes it; a bare or named "A 5.15" is a near miss of A.5.15.
  const canonicalSpelling = body === id || (spaced && (c.tie === 'annex' || c.word === 'annex') && /^A[ \t\u00a0]\d/.test(body));
  const current = cat.get('iso27001', id);
  const old = cat.legacy('iso27001', id);
  if (c.edition === '2013') {
    if (old) return { framework: 'iso27001', id, status: 'legacy', legacy: old };
    if (current) return wrongIsoEdition(body, current, '27001');
  }
  // A spaced form counts alone when it resolves and has a dot ("A 5.15"); a spaced near miss ("A 5.38") and
  // a theme ("A 5") need a tie; a spaced whole number that is no current theme needs "Annex A" or an explicit
  // prefix ("A 12 month retention" on a line that names ISO 27001, or after "ISO 27001: ", is still a count).
  if ((c.tie === 'bare' || c.tie === 'named') && spaced && !nums.includes('.') && !current) return undefined;
  const spacedStrength = (r: Resolved) => (!strict && spaced ? weak(r, (r.status === 'ok' || (r.status === 'malformed' && current)) && nums.includes('.') ? 1 : 0) : r);
  if (current) {
    if (!strict && !canonicalSpelling && !/^A\d/.test(body) && !(spaced && /^A[ \t\u00a0]\d/.test(body))) return undefined;
    return spacedStrength(canonicalSpelling ? ok('iso27001', id) : malformed('iso27001', body, id));
  }
  if (old) return spacedStrength({ framework: 'iso27001', id, status: 'legacy', legacy: old });
  if (!strict && sep === undefined) return undefined;
  const theme = cat.get('iso27001', `A.${chapter}`);
  if (theme) {
    const kids = cat.all('iso27001').filter((x) => x.parent === theme.id).map((x) => x.id);
    return spacedStrength(unknown('iso27001', body, `Annex A theme ${theme.id} (${theme.title}) has ${kids[0]} to ${kids[kids.length - 1]}`, [kids[0], kids[kids.length - 1]]));
  }
  return spacedStrength(unknown('iso27001', body, 'ISO/IEC 27001:2022 Annex A has controls A.5.1 to A.8.34'));
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

/** The controls under the parent of `c`, in numeric order, by catalog (a long list of ranges asks again and again). */
const siblingLists = new WeakMap<Catalog, Map<string, readonly Control[]>>();

function siblingsOf(cat: Catalog, c: Control): readonly Control[] {
  let lists = siblingLists.get(cat);
  if (!lists) siblingLists.set(cat, (lists = new Map()));
  const key = `${c.framework}|${c.parent}`;
  let list = lists.get(key);
  // Catalog order is not numeric order for SP 800-53 (AC-1, AC-10, AC-11, ..., AC-2): sort naturally.
  if (!list) lists.set(key, (list = cat.all(c.framework).filter((x) => x.parent === c.parent).sort((a, b) => naturalCompare(a.id, b.id))));
  return list;
}

/**
 * Tries to read "<ref> - <tail>" as a range of IDs under one parent. After a word ("to", "through", "bis"), a tail that is a bare whole
 * number counts only zero-padded ("PR.AA-01 to 03"): "CC6.1 to 12 months" is no range. A hyphen with spaces
 * around it between two IDs of different parents separates them ("CC6.1 - CC7.2 - CC8.1"): no range.
 */
function tryRange(first: ControlRef, text: string, tailStart: number, sep: string, cat: Catalog): ControlRef | undefined {
  const word = /^[a-z]/i.test(sep.trim());
  const fc = cat.get(first.framework, first.id);
  if (!fc || !fc.parent || !/(?:\d+)\)?$/.test(first.id)) return undefined;
  const tail = /^(?:[A-Z]{1,2}\.?[ \t\u00a0]?|[A-Z]{2}\.[A-Z]{2}-|[A-Z]{2}-)?\d{1,2}(?:\.\d{1,2})*(?:\(\d{1,2}\))?(?![\w]|\.\d)/i.exec(text.slice(tailStart));
  if (!tail) return undefined;
  if (word && /^[1-9]\d?$/.test(tail[0])) return undefined;
  // Complete a short tail ("6.4" after "CC6.1", "18" after "A.5.15") from the first ID.
  let second = tail[0];
  const firstLead = first.id.replace(/[\d.()]+$/, '');
  if (/^\d/.test(second)) {
    const parts = first.id.slice(firstLead.length).split('.');
    const tparts = second.split('.');
    second = firstLead + [...parts.slice(0, parts.length - tparts.length), ...tparts].join('.');
  }
  const r2 = resolveCached(second, { hint: first.framework, tie: 'list', word: '', edition: '' }, cat);
  if (!r2 || r2.framework !== first.framework || (r2.status !== 'ok' && r2.status !== 'unknown')) return undefined;
  const siblings = siblingsOf(cat, fc);
  const i = siblings.findIndex((c) => c.id === first.id);
  const j = r2.status === 'ok' ? siblings.findIndex((c) => c.id === r2.id) : -1;
  const end = tailStart + tail[0].length;
  const base = { ...first, end, raw: text.slice(first.start, end), bodyEnd: end };
  if (r2.status === 'ok' && j < 0 && /^[ \t\u00a0]+-[ \t\u00a0]+$/.test(sep) && /^[A-Z]/i.test(tail[0])) return undefined;
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

const FW_BIT: Record<FrameworkId, number> = { csf: 1, iso27001: 2, iso27002: 4, soc2: 8, nhi: 16, 'sp800-53': 32 };
/** A framework named in text (not a prefix of an ID): a tie for the bare tokens around it. */
const NAMES =
  /(?<![\w/-])(?:(?<csf>(?:NIST[ -]?)?CSF|Cybersecurity Framework)|(?<iso1>(?:ISO(?:\/IEC)?[ -]?)?27001|Annex A|Anhang A)|(?<iso2>(?:ISO(?:\/IEC)?[ -]?)?27002)|(?<soc>SOC[ -]?2|TSC|Trust Services Criteria|AICPA)|(?<nhi>OWASP[ -]?NHI|NHI Top 10)|(?<sp>800-53))(?!\w)/gi;
const LIST_ITEM = /[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]/y;
const TABLE_ROW = /[ \t]*\|/y;

/**
 * Which frameworks the text names around an offset: on its line; for a row of a table (lines starting with
 * "|", under a delimiter row), in the header cell of its column; for an item of a list inside the text (a
 * YAML-style "- CC2.3" under "TSC:"), on the list's lead-in line. The lines are read once, in order, as the
 * scan moves forward (it asks for increasing offsets only), so a scan stays linear in its text.
 */
class Ties {
  private next = 0;
  /** The current line [start, end) and what it is. */
  private start = -1;
  private end = -1;
  private item = false;
  private row = false;
  /** Names on the current line; -1 until asked. */
  private mask = -1;
  /** Names on the lead-in line of the list the current line is an item of. */
  private lead = 0;
  /** Names in each header cell of the table the current line is a row of. */
  private header: number[] | undefined;
  /** The number of "|" on the current line before `colAt`. */
  private col = 0;
  private colAt = 0;

  constructor(private readonly text: string) {}

  names(at: number, fw: FrameworkId): boolean {
    while (this.start < 0 || at > this.end) this.advance();
    const t = this.text;
    if (this.mask < 0) this.mask = this.maskOf(this.start, this.end);
    let m = this.mask;
    if (this.item) m |= this.lead;
    if (this.row && this.header) {
      for (let i = this.colAt; i < at; i++) if (t.charCodeAt(i) === 124) this.col++;
      this.colAt = at;
      m |= this.header[this.col] ?? 0;
    }
    return (m & FW_BIT[fw]) !== 0;
  }

  private advance(): void {
    const t = this.text;
    const [prevStart, prevEnd, prevItem, prevRow] = [this.start, this.end, this.item, this.row];
    const s = this.next;
    const nl = t.indexOf('\n', s);
    const e = nl < 0 ? t.length : nl;
    this.start = s;
    this.end = e;
    this.next = e + 1;
    this.mask = -1;
    this.col = 0;
    this.colAt = s;
    LIST_ITEM.lastIndex = s;
    this.item = LIST_ITEM.test(t) && LIST_ITEM.lastIndex <= e;
    if (this.item && !prevItem) this.lead = prevStart >= 0 ? this.maskOf(prevStart, prevEnd) : 0;
    TABLE_ROW.lastIndex = s;
    this.row = TABLE_ROW.test(t) && TABLE_ROW.lastIndex <= e;
    if (!this.row) this.header = undefined;
    else if (prevRow && isDelimiterRow(t, s, e)) this.header = t.slice(prevStart, prevEnd).split('|').map((cell) => this.maskOf(0, cell.length, cell));
  }

  private maskOf(s: number, e: number, text = this.text): number {
    let mask = 0;
    NAMES.lastIndex = 0;
    const line = text.slice(s, e);
    let m: RegExpExecArray | null;
    while ((m = NAMES.exec(line))) {
      const g = m.groups!;
      mask |= g.csf ? 1 : g.iso1 ? 2 : g.iso2 ? 4 : g.soc ? 8 : g.nhi ? 16 : 32;
    }
    return mask;
  }
}

/** The frameworks `text` names ("ISO/IEC 27001", "SOC 2", "SP 800-53" ...): what a heading or a list's lead-in ties. */
export function frameworksNamed(text: string): FrameworkId[] {
  const out: FrameworkId[] = [];
  NAMES.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = NAMES.exec(text))) {
    const g = m.groups!;
    const fw: FrameworkId = g.csf ? 'csf' : g.iso1 ? 'iso27001' : g.iso2 ? 'iso27002' : g.soc ? 'soc2' : g.nhi ? 'nhi' : 'sp800-53';
    if (!out.includes(fw)) out.push(fw);
  }
  return out;
}

/** "|---|:--:|", "--- | ---": only "|", ":", "-" and blanks, with a "-". */
function isDelimiterRow(t: string, s: number, e: number): boolean {
  let dash = false;
  for (let i = s; i < e; i++) {
    const ch = t.charCodeAt(i);
    if (ch === 45) dash = true;
    else if (ch !== 124 && ch !== 58 && ch !== 32 && ch !== 9 && ch !== 13) return false;
  }
  return dash;
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
