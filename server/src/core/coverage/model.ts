/**
 * The evidence model: for every control of every enabled framework, which documents and identities evidence
 * it (directly, or only through NIST's crosswalk), which only cite it, and the state that follows. The one
 * place that decides a control's state; docs/coverage.md defines each state and the order they are decided in.
 * Pure: evidence sources (coverage/evidence.ts) and the config in, a report out.
 */
import { catalog, type Control } from '../catalog/catalog';
import type { Config, FrameworkId } from '../config';
import type { EvidenceSource } from './evidence';

export type CoverageState = 'evidenced' | 'stale' | 'mentioned' | 'gap' | 'excluded';

/** The states in the order they are decided: the first that applies is the control's. */
export const STATES: readonly CoverageState[] = ['excluded', 'evidenced', 'stale', 'mentioned', 'gap'];

/** One document or identity as evidence for one control: the source (coverage/evidence.ts), how fresh, and how it is reached. */
export interface EvidenceItem extends Pick<EvidenceSource, 'kind' | 'uri' | 'line' | 'name' | 'type' | 'owners' | 'lastReviewed' | 'problems'> {
  /** Fresh evidence: no problem (owned, reviewed in time, not draft, no open errors ...). */
  fresh: boolean;
  /** Listed for this very control, or for one NIST's crosswalk maps to it (`from`). */
  via: 'listed' | 'crosswalk';
  from?: string;
}

export interface Mention {
  uri: string;
  line: number;
  name: string;
}

export interface ControlCoverage {
  framework: FrameworkId;
  id: string;
  title: string;
  /** The function, theme, series or family the control belongs to (its ID). */
  group: string;
  state: CoverageState;
  /** The state rests on crosswalk evidence only. */
  crosswalkOnly: boolean;
  evidence: EvidenceItem[];
  mentions: Mention[];
  /** The justification of an exclusion (Statement of Applicability). */
  exclusion?: string;
}

export interface Summary {
  total: number;
  evidenced: number;
  stale: number;
  mentioned: number;
  gap: number;
  excluded: number;
  /** Of `evidenced`, those evidenced only through the crosswalk. */
  crosswalk: number;
  /** Directly evidenced controls over applicable ones (total less excluded), 0..1. */
  ratio: number;
  /** The same counting crosswalk evidence. */
  ratioWithCrosswalk: number;
}

export interface GroupCoverage {
  id: string;
  title: string;
  summary: Summary;
}

export interface FrameworkCoverage {
  framework: FrameworkId;
  name: string;
  summary: Summary;
  groups: GroupCoverage[];
  /** CSF 2.0 only: one per category (GV.OC, PR.AA ...), in catalog order. */
  categories?: GroupCoverage[];
  controls: ControlCoverage[];
}

export interface CoverageReport {
  frameworks: FrameworkCoverage[];
  /** Configuration that could not be applied (an exclusion of a control that does not exist). */
  problems: string[];
}

/** The controls a framework's coverage counts (the leaves an auditor samples), in catalog order. */
export function coverageControls(framework: FrameworkId): Control[] {
  const all = catalog().all(framework);
  switch (framework) {
    case 'csf':
      return all.filter((c) => c.kind === 'subcategory' && !c.withdrawn);
    case 'iso27001': {
      const parents = new Set(all.map((c) => c.parent).filter(Boolean));
      return all.filter((c) => c.kind === 'control' || (c.kind === 'clause' && !parents.has(c.id)));
    }
    case 'iso27002':
      return all.filter((c) => c.kind === 'control');
    case 'soc2':
      return all.filter((c) => c.kind === 'criterion');
    case 'nhi':
      return all.filter((c) => c.kind === 'risk');
    case 'sp800-53':
      return all.filter((c) => c.kind === 'control' && !c.withdrawn);
  }
}

/** The group of a control: CSF function, ISO theme or top clause, SOC 2 series, SP 800-53 family. */
export function groupOf(c: Control): { id: string; title: string } {
  const cat = catalog();
  let g: Control | undefined = c;
  if (c.framework === 'nhi') return { id: 'NHI', title: 'OWASP Non-Human Identities Top 10 (2025)' };
  while (g?.parent) g = cat.get(c.framework, g.parent);
  if (c.framework === 'iso27001' && c.kind === 'clause') return { id: g?.id ?? c.id, title: `Clause ${g?.id}: ${g?.title ?? ''}` };
  return { id: g?.id ?? c.id, title: g?.title ?? '' };
}

/** A framework's coverage from its controls: the summary, and one per group (in the order groups first occur). */
export function frameworkCoverage<C extends Pick<ControlCoverage, 'id' | 'group' | 'state' | 'crosswalkOnly'>>(fw: FrameworkId, controls: C[]): Omit<FrameworkCoverage, 'controls'> & { controls: C[] } {
  const groups = new Map<string, C[]>();
  for (const c of controls) (groups.get(c.group) ?? groups.set(c.group, []).get(c.group)!).push(c);
  const cat = catalog();
  let categories: GroupCoverage[] | undefined;
  if (fw === 'csf') {
    // The CSF's second level: a subcategory's parent is its category.
    const byCategory = new Map<string, C[]>();
    for (const c of controls) {
      const parent = cat.get(fw, c.id)?.parent ?? c.group;
      (byCategory.get(parent) ?? byCategory.set(parent, []).get(parent)!).push(c);
    }
    categories = [...byCategory].map(([id, list]) => ({ id, title: cat.get(fw, id)?.title ?? '', summary: summarise(list) }));
  }
  return {
    framework: fw,
    name: cat.framework(fw).name,
    summary: summarise(controls),
    groups: [...groups].map(([id, list]) => ({ id, title: groupOf(cat.get(fw, list[0].id)!).title, summary: summarise(list) })),
    ...(categories ? { categories } : {}),
    controls,
  };
}

/** The state of a control from its evidence, mentions and exclusion: the first of STATES that applies. */
function decide(evidence: readonly EvidenceItem[], cited: readonly Mention[], exclusion: string | undefined): { state: CoverageState; crosswalkOnly: boolean } {
  const n: EvidenceCounts = { items: evidence.length, listed: 0, freshListed: 0, fresh: 0, mentions: cited.length };
  for (const e of evidence) {
    if (e.via === 'listed') n.listed++;
    if (e.fresh) n.fresh++;
    if (e.fresh && e.via === 'listed') n.freshListed++;
  }
  return decideCounts(n, exclusion);
}

/** What a control's state is decided from: how many evidence items, listed, fresh and listed, fresh; how many mentions. */
export interface EvidenceCounts {
  items: number;
  listed: number;
  freshListed: number;
  fresh: number;
  mentions: number;
}

/** The state of a control from the counts of its evidence (decide's rules; the kept model counts without listing). */
export function decideCounts(n: EvidenceCounts, exclusion: string | undefined): { state: CoverageState; crosswalkOnly: boolean } {
  if (exclusion !== undefined) return { state: 'excluded', crosswalkOnly: false };
  if (n.freshListed > 0) return { state: 'evidenced', crosswalkOnly: false };
  if (n.fresh > 0) return { state: 'evidenced', crosswalkOnly: true };
  if (n.items) return { state: 'stale', crosswalkOnly: n.listed === 0 };
  if (n.mentions) return { state: 'mentioned', crosswalkOnly: false };
  return { state: 'gap', crosswalkOnly: false };
}

/** The exclusion of a control (ISO/IEC 27001 Annex A, `soa.excluded`). */
export function exclusionOf(fw: FrameworkId, id: string, config: Config): string | undefined {
  return fw === 'iso27001' && Object.hasOwn(config.soa.excluded, id) ? config.soa.excluded[id] : undefined;
}

function summarise(controls: readonly Pick<ControlCoverage, 'state' | 'crosswalkOnly'>[]): Summary {
  const s: Summary = { total: controls.length, evidenced: 0, stale: 0, mentioned: 0, gap: 0, excluded: 0, crosswalk: 0, ratio: 0, ratioWithCrosswalk: 0 };
  for (const c of controls) {
    s[c.state]++;
    if (c.state === 'evidenced' && c.crosswalkOnly) s.crosswalk++;
  }
  const applicable = s.total - s.excluded;
  s.ratio = applicable ? round((s.evidenced - s.crosswalk) / applicable) : 1;
  s.ratioWithCrosswalk = applicable ? round(s.evidenced / applicable) : 1;
  return s;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** What one control's coverage is computed from: the sources listing it, those reaching it through the crosswalk, the citations. */
export interface ControlInputs {
  direct: EvidenceSource[];
  crosswalk: { source: EvidenceSource; from: string }[];
  mentions: Mention[];
}

/** The crosswalk of a `framework:id` key, as keys (memoised: the catalog builds a new list per call). */
const crosswalkKeys = new Map<string, string[]>();
function crosswalkOf(key: string): string[] {
  let out = crosswalkKeys.get(key);
  if (!out) {
    const i = key.indexOf(':');
    out = catalog()
      .crosswalk(key.slice(0, i) as FrameworkId, key.slice(i + 1))
      .map((eq) => `${eq.framework}:${eq.id}`);
    crosswalkKeys.set(key, out);
  }
  return out;
}

/**
 * What source `s` brings to each control, in the order coverage reads it: `direct` for each key it lists, `crosswalk`
 * for each key NIST's crosswalk maps a listed key to, `mention` for each key its body cites without listing it.
 */
export function contributions(
  s: EvidenceSource,
  add: (key: string, kind: 'direct' | 'crosswalk' | 'mention', from?: string, line?: number) => void,
): void {
  for (const key of s.listed) {
    add(key, 'direct');
    for (const eq of crosswalkOf(key)) add(eq, 'crosswalk', key);
  }
  citations(s, (key, line) => add(key, 'mention', undefined, line));
}

/** The keys `s` cites without listing them, with the line of each (contributions' mentions). */
function citations(s: EvidenceSource, add: (key: string, line: number) => void): void {
  if (!s.cited.length) return;
  const listed = new Set(s.listed);
  for (const { key, line } of s.cited) if (!listed.has(key)) add(key, line);
}

/** Adds what `s` brings to `inputs` (by key), in coverage's order: its evidence, its mentions, or both. */
export function addInputs(inputs: Map<string, ControlInputs>, s: EvidenceSource, only?: 'evidence' | 'mentions'): void {
  contributions(s, (key, kind, from, line) => {
    if (only && (only === 'mentions') !== (kind === 'mention')) return;
    let x = inputs.get(key);
    if (!x) inputs.set(key, (x = { direct: [], crosswalk: [], mentions: [] }));
    if (kind === 'direct') x.direct.push(s);
    else if (kind === 'crosswalk') x.crosswalk.push({ source: s, from: from! });
    else x.mentions.push({ uri: s.uri, line: line!, name: s.name });
  });
}

/** Configuration the report cannot apply: an exclusion of a control that does not exist, a target profile ID not in CSF 2.0. */
export function configProblems(config: Config): string[] {
  const cat = catalog();
  const problems = Object.keys(config.soa.excluded)
    .filter((id) => !cat.get('iso27001', id))
    .map((id) => `soa.excluded: '${id}' is not an ISO/IEC 27001:2022 Annex A control`);
  for (const id of Object.keys(config.profile?.target ?? {})) {
    if (cat.get('csf', id)) continue;
    const old = cat.legacy('csf', id) ?? cat.legacy('csf', id.replace(/-0(\d)$/, '-$1'));
    problems.push(
      old?.status === 'withdrawn'
        ? `profile.target: '${id}' is a CSF 1.1 ID withdrawn from CSF 2.0${old.successors.length ? ` (now ${old.successors.join(', ')})` : ''}`
        : `profile.target: '${id}' is not a CSF 2.0 function, category or subcategory`,
    );
  }

  return problems;
}

const NO_INPUTS: ControlInputs = { direct: [], crosswalk: [], mentions: [] };
const itemsOf = new WeakMap<EvidenceSource, Map<string, EvidenceItem>>();
const places = new WeakMap<EvidenceSource, string>();
/** `uri#line` of a source (one item per place and control), built once per source. */
function placeOf(s: EvidenceSource): string {
  let p = places.get(s);
  if (p === undefined) places.set(s, (p = `${s.uri}#${s.line}`));
  return p;
}

/** An evidence item of `s`, reached `via` (from the listed control `from`). */
export function newItem(s: EvidenceSource, via: 'listed' | 'crosswalk', from?: string): EvidenceItem {
  // (Fields assigned in order, the optional ones only when set: the same object as a literal with spreads, built faster.)
  const e = { kind: s.kind, uri: s.uri, line: s.line, name: s.name } as EvidenceItem;
  if (s.type) e.type = s.type;
  e.owners = s.owners;
  if (s.lastReviewed) e.lastReviewed = s.lastReviewed;
  e.fresh = s.problems.length === 0;
  e.problems = s.problems;
  e.via = via;
  if (from) e.from = from;
  return e;
}

/** One control's coverage from its inputs (and its exclusion, for ISO/IEC 27001 Annex A). */
export function controlCoverage(fw: FrameworkId, c: Control, inputs: ControlInputs = NO_INPUTS, config: Config): ControlCoverage {
  const item = (s: EvidenceSource, via: 'listed' | 'crosswalk', from?: string): EvidenceItem => {
    // (One item per source and way it is reached, shared by every control it reaches that way: a 10,000-file
    // report holds hundreds of thousands of them. Reports are plain data, never mutated.)
    let mine = itemsOf.get(s);
    if (!mine) itemsOf.set(s, (mine = new Map()));
    const k = from ?? '';
    let e = mine.get(k);
    if (!e) mine.set(k, (e = newItem(s, via, from)));
    return e;
  };
  const mine = inputs.direct.map((s) => item(s, 'listed'));
  const viaCrosswalk: EvidenceItem[] = [];
  if (inputs.crosswalk.length) {
    const seen = new Set(inputs.direct.map(placeOf));
    for (const { source, from } of inputs.crosswalk) {
      const k = placeOf(source);
      if (seen.has(k)) continue;
      seen.add(k);
      viaCrosswalk.push(item(source, 'crosswalk', from));
    }
  }
  const evidence = [...mine, ...viaCrosswalk].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.line - b.line));
  return withEvidence(fw, c, evidence, inputs.mentions, config);
}

/** A control's coverage once its evidence (in file and line order) and mentions are known. */
function withEvidence(fw: FrameworkId, c: Control, evidence: EvidenceItem[], cited: Mention[], config: Config): ControlCoverage {
  const exclusion = exclusionOf(fw, c.id, config);
  const { state, crosswalkOnly } = decide(evidence, cited, exclusion);
  return {
    framework: fw,
    id: c.id,
    title: c.title,
    group: groupOf(c).id,
    state,
    crosswalkOnly,
    evidence,
    mentions: cited,
    ...(exclusion !== undefined ? { exclusion } : {}),
  };
}

/**
 * What coverage() knows of its report's sources, for the JSON writer (json.ts): on the report, the sources in file and
 * line order and the rank of each one's place (equal for sources at one place); on each control, the sources (their
 * index there) of its evidence: those listing it, and those reaching it through the crosswalk with the control each
 * lists. Hidden properties: written by no renderer, compared by no test, copied by no spread; read by json.ts only
 * where they agree with the evidence.
 */
export const PLACED = Symbol('coverage.placed');
export interface Placed {
  byPlace: readonly EvidenceSource[];
  rank: Int32Array;
}
export type PlacedReport = CoverageReport & { [PLACED]?: Placed };
export interface PlacedEvidence {
  listed: readonly number[];
  crosswalk: readonly number[];
  from: readonly string[];
}
export type PlacedControl = ControlCoverage & { [PLACED]?: PlacedEvidence };

/** `x` with a hidden (non-enumerable: not compared, copied or written) property. */
function placed<T extends object>(x: T, key: symbol, value: unknown): T {
  Object.defineProperty(x, key, { value });
  return x;
}

/**
 * The evidence of one control as coverage() collects it: indexes of the sources (in file and line order) that list it,
 * and of those reaching it through the crosswalk with the item each brings (reached from the control it lists); both
 * in that order.
 */
interface RankedInputs {
  direct: number[];
  cross: number[];
  crossItem: EvidenceItem[];
}

/** The coverage of `frameworks` (default: the enabled ones) by the evidence of every file. */
export function coverage(sources: readonly EvidenceSource[], config: Config, frameworks: readonly FrameworkId[] = config.frameworks): CoverageReport {
  // Evidence is listed by file and line: read in that order (a stable sort, so sources at one place keep theirs), each
  // control's evidence is two runs in that order (listing it, reaching it through the crosswalk), merged by the rank of
  // their places (equal for sources at one place). Mentions stay in the order of the sources.
  const byPlace = sources.slice().sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.line - b.line));
  const rank = new Int32Array(byPlace.length);
  for (let i = 1; i < byPlace.length; i++) rank[i] = rank[i - 1] + (byPlace[i].uri !== byPlace[i - 1].uri || byPlace[i].line !== byPlace[i - 1].line ? 1 : 0);
  // What each source brings (contributions' evidence, in its order): per key it lists, that key's inputs and those of
  // the keys the crosswalk maps it to, found once per key. One item per source and key it lists, shared by the
  // controls the crosswalk reaches from it.
  const ranked = new Map<string, RankedInputs>();
  const inputsOf = (key: string) => {
    let x = ranked.get(key);
    if (!x) ranked.set(key, (x = { direct: [], cross: [], crossItem: [] }));
    return x;
  };
  const reach = new Map<string, { self: RankedInputs; targets: RankedInputs[] }>();
  byPlace.forEach((s, i) => {
    for (const key of s.listed) {
      let r = reach.get(key);
      if (!r) reach.set(key, (r = { self: inputsOf(key), targets: crosswalkOf(key).map(inputsOf) }));
      r.self.direct.push(i);
      if (!r.targets.length) continue;
      const item = newItem(s, 'crosswalk', key);
      for (const t of r.targets) {
        t.cross.push(i);
        t.crossItem.push(item);
      }
    }
  });
  const mentions = new Map<string, Mention[]>();
  for (const s of sources)
    citations(s, (key, line) => {
      const m = { uri: s.uri, line, name: s.name };
      const list = mentions.get(key);
      if (list) list.push(m);
      else mentions.set(key, [m]);
    });
  // One item per source listing a control, shared by the controls it lists.
  const listedItem: (EvidenceItem | undefined)[] = new Array(byPlace.length);
  // The last control (its number) whose evidence has a place: one item per place among the crosswalk's.
  const seenBy = new Int32Array(byPlace.length ? rank[byPlace.length - 1] + 1 : 0);
  let control = 0;
  const NONE: PlacedEvidence = { listed: [], crosswalk: [], from: [] };
  /** A control's evidence, and (`placedOf`) the sources of it, by index in byPlace. */
  let placedOf = NONE;
  const evidenceOf = (x: RankedInputs | undefined): EvidenceItem[] => {
    placedOf = NONE;
    if (!x) return [];
    control++;
    const direct = x.direct.map((i) => {
      seenBy[rank[i]] = control;
      return (listedItem[i] ??= newItem(byPlace[i], 'listed'));
    });
    if (!x.cross.length) {
      placedOf = { listed: x.direct, crosswalk: [], from: [] };
      return direct;
    }
    const cross: number[] = [];
    const items: EvidenceItem[] = [];
    const sources: number[] = [];
    const from: string[] = [];
    for (let j = 0; j < x.cross.length; j++) {
      const r = rank[x.cross[j]];
      if (seenBy[r] === control) continue;
      seenBy[r] = control;
      cross.push(r);
      items.push(x.crossItem[j]);
      sources.push(x.cross[j]);
      from.push(x.crossItem[j].from!);
    }
    placedOf = { listed: x.direct, crosswalk: sources, from };
    // (A stable sort of the two runs by place: no place is in both, so their merge.)
    const out: EvidenceItem[] = new Array(direct.length + items.length);
    let a = 0;
    let b = 0;
    let k = 0;
    while (a < direct.length && b < items.length) out[k++] = rank[x.direct[a]] <= cross[b] ? direct[a++] : items[b++];
    while (a < direct.length) out[k++] = direct[a++];
    while (b < items.length) out[k++] = items[b++];
    return out;
  };
  const out: FrameworkCoverage[] = [];
  for (const fw of frameworks)
    out.push(
      frameworkCoverage(
        fw,
        coverageControls(fw).map((c) => {
          const key = `${fw}:${c.id}`;
          const evidence = evidenceOf(ranked.get(key));
          return placed(withEvidence(fw, c, evidence, mentions.get(key) ?? [], config), PLACED, placedOf);
        }),
      ),
    );
  return placed({ frameworks: out, problems: configProblems(config) }, PLACED, { byPlace, rank });
}

/**
 * Several repositories' reports as one (one repository per team is common): per control, the evidence and
 * mentions of all, the first exclusion, the state decided again; each file named with its report's label.
 */
export function mergeReports(reports: readonly { label: string; report: CoverageReport }[]): CoverageReport {
  const out: FrameworkCoverage[] = [];
  const problems = reports.flatMap((r) => r.report.problems.map((p) => `${r.label}: ${p}`));
  const frameworks = [...new Set(reports.flatMap((r) => r.report.frameworks.map((f) => f.framework)))];
  for (const fw of frameworks) {
    const parts = reports.map((r) => ({ label: r.label, f: r.report.frameworks.find((x) => x.framework === fw) }));
    const controls: ControlCoverage[] = coverageControls(fw).map((c) => {
      const mine = parts.map((p) => ({ label: p.label, c: p.f?.controls.find((x) => x.id === c.id) })).filter((x) => x.c);
      const evidence = mine.flatMap((m) => m.c!.evidence.map((e) => ({ ...e, uri: `${m.label}/${e.uri}` })));
      const mentions = mine.flatMap((m) => m.c!.mentions.map((x) => ({ ...x, uri: `${m.label}/${x.uri}` })));
      const exclusion = mine.map((m) => m.c!.exclusion).find((x) => x !== undefined);
      return {
        framework: fw,
        id: c.id,
        title: c.title,
        group: groupOf(c).id,
        ...decide(evidence, mentions, exclusion),
        evidence,
        mentions,
        ...(exclusion !== undefined ? { exclusion } : {}),
      };
    });
    out.push(frameworkCoverage(fw, controls));
  }
  return { frameworks: out, problems };
}
