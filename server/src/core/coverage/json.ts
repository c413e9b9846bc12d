/**
 * The JSON form of a coverage report (`isms coverage --format json`, read back by `--merge`). Each document or
 * identity is written once, in `sources`; a control names the sources that list it (`evidence`) and those that reach
 * it through NIST's crosswalk (`crosswalk`, grouped by the control they list) by index. On a large workspace one
 * identity listing a control is evidence for a dozen more through the crosswalk: written out per control, those
 * copies were seven tenths of a 139 MiB report. docs/coverage.md describes the format. Pure: a report in, text out.
 */
import { newItem, PLACED, type CoverageReport, type ControlCoverage, type EvidenceItem, type FrameworkCoverage, type PlacedControl, type PlacedReport } from './model';

/** A document or identity as the JSON report writes it once: what every evidence item of it shares. */
export type JsonSource = Omit<EvidenceItem, 'via' | 'from'>;

export interface JsonControl extends Omit<ControlCoverage, 'framework' | 'evidence'> {
  /** Indexes into `sources`: the documents and identities listing this control. */
  evidence: number[];
  /** The sources reaching it only through the crosswalk, by the control they list (`framework:id`). */
  crosswalk: { from: string; sources: number[] }[];
}

export interface JsonReport {
  version: string;
  today: string;
  sources: JsonSource[];
  frameworks: (Omit<FrameworkCoverage, 'controls'> & { controls: JsonControl[] })[];
  problems: string[];
}

/** The source part of an item, in the report's key order. */
function sourceOf(e: EvidenceItem): JsonSource {
  return {
    kind: e.kind,
    uri: e.uri,
    line: e.line,
    name: e.name,
    ...(e.type !== undefined ? { type: e.type } : {}),
    owners: e.owners,
    ...(e.lastReviewed !== undefined ? { lastReviewed: e.lastReviewed } : {}),
    fresh: e.fresh,
    problems: e.problems,
  };
}

/** Items that are the same source: equal in every field the report writes of a source. */
function sameSource(a: EvidenceItem, b: EvidenceItem): boolean {
  return (
    a.kind === b.kind &&
    a.uri === b.uri &&
    a.line === b.line &&
    a.name === b.name &&
    a.type === b.type &&
    a.lastReviewed === b.lastReviewed &&
    a.fresh === b.fresh &&
    sameList(a.owners, b.owners) &&
    sameList(a.problems, b.problems)
  );
}

const sameList = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/** The report as JSON data: sources once, in file and line order; controls referring to them by index. */
export function reportJson(report: CoverageReport, today: string, version: string): JsonReport {
  // A report from coverage() says which source each control's evidence is; any other is read item by item.
  const placed = placedSources(report);
  const byItem = placed ? undefined : sourcesByPlace(report);
  const sources = placed ? placed.sources : byItem!.sources;
  return {
    version,
    today,
    sources,
    frameworks: report.frameworks.map(({ controls, ...f }) => ({
      ...f,
      controls: controls.map((control) => {
        const { framework: _fw, evidence, mentions, exclusion, ...c } = control;
        const listed: number[] = [];
        const crosswalk = new Map<string, number[]>();
        if (placed) {
          const p = (control as PlacedControl)[PLACED]!;
          const index = placed.index;
          for (const i of p.listed) listed.push(index[i]);
          for (let j = 0; j < p.crosswalk.length; j++) {
            let list = crosswalk.get(p.from[j]);
            if (!list) crosswalk.set(p.from[j], (list = []));
            list.push(index[p.crosswalk[j]]);
          }
        } else {
          const at = byItem!.at;
          for (const e of evidence) {
            if (e.via !== 'crosswalk') listed.push(at(e));
            else {
              let list = crosswalk.get(e.from!);
              if (!list) crosswalk.set(e.from!, (list = []));
              list.push(at(e));
            }
          }
        }
        return {
          ...c,
          evidence: listed,
          crosswalk: [...crosswalk].map(([from, sources]) => ({ from, sources })),
          mentions,
          ...(exclusion !== undefined ? { exclusion } : {}),
        };
      }),
    })),
    problems: report.problems,
  };
}

/** The report's sources, once each and in order, and the index of each evidence item's source among them. */
interface Sources {
  sources: JsonSource[];
  at: (e: EvidenceItem) => number;
}

/**
 * sourcesByPlace's sources for a report from coverage(), from what it recorded (model.ts PLACED): its sources in file
 * and line order, and the sources of each control's evidence (`index`: a source's place among the report's). Items of
 * one source are the same source (equal in every field written). Undefined when a control has no such record, or one
 * that does not agree with its evidence.
 */
function placedSources(report: CoverageReport): { sources: JsonSource[]; index: Int32Array } | undefined {
  const placed = (report as PlacedReport)[PLACED];
  if (!placed) return undefined;
  const { byPlace, rank } = placed;
  const n = byPlace.length;
  const reached = new Uint8Array(n);
  for (const f of report.frameworks)
    for (const c of f.controls) {
      const p = (c as PlacedControl)[PLACED];
      if (!p || p.listed.length + p.crosswalk.length !== c.evidence.length) return undefined;
      for (const i of p.listed) reached[i] = 1;
      for (const i of p.crosswalk) reached[i] = 1;
    }
  const index = new Int32Array(n);
  const sources: JsonSource[] = [];
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && rank[j] === rank[i]) j++;
    if (j === i + 1) {
      if (reached[i]) {
        index[i] = sources.length;
        sources.push(sourceOf(newItem(byPlace[i], 'listed')));
      }
    } else {
      // Several sources at one place (rare): as sourcesByPlace orders them.
      const here: number[] = [];
      for (let k = i; k < j; k++) if (reached[k]) here.push(k);
      for (const d of distinctSources(here, (k) => newItem(byPlace[k], 'listed'))) {
        for (const k of d.members) index[k] = sources.length;
        sources.push(d.s);
      }
    }
    i = j;
  }
  return { sources, index };
}

/**
 * The distinct sources among `members` at one place (each read as an evidence item by `itemOf`; items equal in every
 * field written are one source), each with the members that are it, in the order the report writes them: by their JSON
 * text when there are several.
 */
function distinctSources<M>(members: readonly M[], itemOf: (m: M) => EvidenceItem): { s: JsonSource; members: M[] }[] {
  const distinct: { s: JsonSource; item: EvidenceItem; members: M[]; text?: string }[] = [];
  for (const m of members) {
    const e = itemOf(m);
    const d = distinct.find((x) => sameSource(x.item, e));
    if (d) d.members.push(m);
    else distinct.push({ s: sourceOf(e), item: e, members: [m] });
  }
  if (distinct.length > 1) {
    for (const d of distinct) d.text = JSON.stringify(d.s);
    distinct.sort((a, b) => (a.text! < b.text! ? -1 : a.text! > b.text! ? 1 : 0));
  }
  return distinct;
}

/**
 * Items are shared objects (one per source and way it is reached). Sources are written once each, in file and line
 * order, an item equal to another in every field (a source reached several ways) being the same source; sources at
 * one place that differ are in the order of their JSON text, so the output is stable.
 */
function sourcesByPlace(report: CoverageReport): Sources {
  const places = new Map<string, Map<number, EvidenceItem[]>>();
  const indexOf = new Map<EvidenceItem, number>();
  for (const f of report.frameworks)
    for (const c of f.controls)
      for (const e of c.evidence) {
        if (indexOf.has(e)) continue;
        indexOf.set(e, -1);
        let lines = places.get(e.uri);
        if (!lines) places.set(e.uri, (lines = new Map()));
        const at = lines.get(e.line);
        if (!at) lines.set(e.line, [e]);
        else at.push(e);
      }
  const sources: JsonSource[] = [];
  for (const uri of [...places.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const lines = places.get(uri)!;
    for (const line of [...lines.keys()].sort((a, b) => a - b)) {
      for (const d of distinctSources(lines.get(line)!, (e) => e)) {
        for (const e of d.members) indexOf.set(e, sources.length);
        sources.push(d.s);
      }
    }
  }
  return { sources, at: (e) => indexOf.get(e)! };
}

/**
 * JSON text with two-space indentation, except that an array of numbers, strings, booleans or nulls is written on
 * one line (`"evidence": [3, 17, 40]`): a report's index lists stay short.
 */
export function prettyJson(value: unknown, nativeKeys: ReadonlySet<string> = NO_KEYS): string {
  // (One string built by appending: large reports have hundreds of thousands of values. An object's keys in
  // Object.entries order: for...in over its own keys gives the same.)
  let out = '';
  const scalar = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? String(x) : (JSON.stringify(x) ?? 'null'));
  const keys = new Map<string, string>();
  const write = (v: unknown, indent: string): void => {
    if (v === null || typeof v !== 'object') {
      out += scalar(v);
      return;
    }
    const inner = indent + '  ';
    if (Array.isArray(v)) {
      const n = v.length;
      if (!n) {
        out += '[]';
        return;
      }
      let flat = true;
      let numbers = true;
      for (let i = 0; i < n && flat; i++) {
        const x = v[i];
        flat = x === null || typeof x !== 'object';
        numbers &&= typeof x === 'number' && Number.isFinite(x);
      }
      if (numbers) {
        // (Index lists: join writes a finite number as String does.)
        out += '[' + v.join(', ') + ']';
        return;
      }
      if (flat) {
        out += '[' + scalar(v[0]);
        for (let i = 1; i < n; i++) out += ', ' + scalar(v[i]);
        out += ']';
        return;
      }
      out += '[\n';
      for (let i = 0; i < n; i++) {
        out += inner;
        write(v[i], inner);
        out += i + 1 < n ? ',\n' : '\n';
      }
      out += indent + ']';
      return;
    }
    let first = true;
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function') continue;
      let key = keys.get(k);
      if (key === undefined) keys.set(k, (key = JSON.stringify(k) + ': '));
      out += (first ? '{\n' : ',\n') + inner + key;
      first = false;
      if (nativeKeys.has(k) && Array.isArray(x) && x.length) out += nativeText(x, inner);
      else write(x, inner);
    }
    out += first ? '{}' : '\n' + indent + '}';
  };
  write(value, '');
  return out;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** A scalar as JSON.stringify writes it: a string, a number, true, false, null. */
const SCALAR = String.raw`"(?:[^"\\\n]|\\.)*"|-?\d[\d.eE+-]*|true|false|null`;
/** An array of scalars as JSON.stringify(x, null, 2) writes it: one element a line. */
const FLAT_ARRAY = new RegExp(String.raw`\[\n *((?:${SCALAR})(?:,\n *(?:${SCALAR}))*)\n *\]`, 'g');

/**
 * prettyJson's text of a value written at `indent`, made by JSON.stringify (natively, several times faster on an array
 * of many small records: the report's sources) with each array of scalars put back on one line. The same text for JSON
 * data: JSON.stringify breaks no string across lines, so the one-element-a-line arrays it writes are found exactly. The
 * value is written at its depth (inside as many arrays as `indent` has levels, which are then cut off), so that no line
 * needs indenting again.
 */
function nativeText(value: unknown, indent: string): string {
  const depth = indent.length / 2;
  if (!Number.isInteger(depth) || indent !== '  '.repeat(depth)) return nativeText(value, '').replaceAll('\n', '\n' + indent);
  let wrapped = value;
  for (let l = 0; l < depth; l++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2).replace(FLAT_ARRAY, (_, items: string) => `[${items.replace(/,\n */g, ', ')}]`);
  // (Each level opens with `[` and a line break and closes with a line break and `]`, both indented as the level.)
  return text.slice(depth * (depth + 3), text.length - depth * (depth + 1));
}

/** The keys whose arrays the report's JSON writes natively (nativeText): its sources, each control's mentions. */
export const REPORT_NATIVE_KEYS: ReadonlySet<string> = new Set(['sources', 'mentions']);

/**
 * A report read back from its JSON (`--merge`): this format, or the one before it, which wrote every evidence item
 * in full under its control. Undefined when `json` is neither.
 */
export function readReportJson(json: unknown): (CoverageReport & { today?: string }) | undefined {
  const j = json as Partial<JsonReport> & { frameworks?: unknown };
  if (!j || typeof j !== 'object' || !Array.isArray(j.frameworks)) return undefined;
  const problems = Array.isArray(j.problems) ? j.problems.map(String) : [];
  const today = typeof j.today === 'string' ? j.today : undefined;
  if (!Array.isArray(j.sources)) return { today, frameworks: j.frameworks as unknown as FrameworkCoverage[], problems };
  const sources = j.sources;
  const item = (i: number, via: 'listed' | 'crosswalk', from?: string): [number, EvidenceItem] => {
    const s = sources[i];
    if (!s) throw new Error(`evidence refers to source ${i}, and there are ${sources.length}`);
    return [i, { ...s, via, ...(from !== undefined ? { from } : {}) }];
  };
  return {
    today,
    problems,
    frameworks: (j.frameworks as JsonReport['frameworks']).map(({ controls, ...f }) => ({
      ...f,
      controls: (controls ?? []).map(({ evidence, crosswalk, mentions, exclusion, ...c }) => {
        const items = [...(evidence ?? []).map((i) => item(i, 'listed')), ...(crosswalk ?? []).flatMap((x) => x.sources.map((i) => item(i, 'crosswalk', x.from)))];
        items.sort((a, b) => a[0] - b[0]);
        return { framework: f.framework, ...c, evidence: items.map((x) => x[1]), mentions: mentions ?? [], ...(exclusion !== undefined ? { exclusion } : {}) };
      }),
    })),
  };
}
