/**
 * The JSON form of a coverage report (`isms coverage --format json`, read back by `--merge`). Each document or
 * identity is written once, in `sources`; a control names the sources that list it (`evidence`) and those that reach
 * it through NIST's crosswalk (`crosswalk`, grouped by the control they list) by index. On a large workspace one
 * identity listing a control is evidence for a dozen more through the crosswalk: written out per control, those
 * copies were seven tenths of a 139 MiB report. docs/coverage.md describes the format. Pure: a report in, text out.
 */
import type { CoverageReport, ControlCoverage, EvidenceItem, FrameworkCoverage } from './model';

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

/** The report as JSON data: sources once, in file and line order; controls referring to them by index. */
export function reportJson(report: CoverageReport, today: string, version: string): JsonReport {
  // Items are shared objects (one per source and way it is reached): each is serialised once.
  const keyOf = new Map<EvidenceItem, string>();
  const byKey = new Map<string, JsonSource>();
  for (const f of report.frameworks)
    for (const c of f.controls)
      for (const e of c.evidence) {
        if (keyOf.has(e)) continue;
        const s = sourceOf(e);
        const k = JSON.stringify(s);
        keyOf.set(e, k);
        if (!byKey.has(k)) byKey.set(k, s);
      }
  // File and line order (as each control's evidence is listed); ties in their serialised order, so the output is stable.
  const keys = [...byKey.keys()].sort((a, b) => {
    const x = byKey.get(a)!;
    const y = byKey.get(b)!;
    return x.uri < y.uri ? -1 : x.uri > y.uri ? 1 : x.line - y.line || (a < b ? -1 : a > b ? 1 : 0);
  });
  const index = new Map(keys.map((k, i) => [k, i]));
  const indexOf = new Map<EvidenceItem, number>();
  for (const [e, k] of keyOf) indexOf.set(e, index.get(k)!);
  const at = (e: EvidenceItem) => indexOf.get(e)!;
  return {
    version,
    today,
    sources: keys.map((k) => byKey.get(k)!),
    frameworks: report.frameworks.map(({ controls, ...f }) => ({
      ...f,
      controls: controls.map(({ framework: _fw, evidence, mentions, exclusion, ...c }) => {
        const listed: number[] = [];
        const crosswalk = new Map<string, number[]>();
        for (const e of evidence) {
          if (e.via !== 'crosswalk') listed.push(at(e));
          else {
            let list = crosswalk.get(e.from!);
            if (!list) crosswalk.set(e.from!, (list = []));
            list.push(at(e));
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

/**
 * JSON text with two-space indentation, except that an array of numbers, strings, booleans or nulls is written on
 * one line (`"evidence": [3, 17, 40]`): a report's index lists stay short.
 */
export function prettyJson(value: unknown): string {
  const out: string[] = [];
  const write = (v: unknown, indent: string): void => {
    if (v === null || typeof v !== 'object') {
      out.push(JSON.stringify(v) ?? 'null');
      return;
    }
    const inner = indent + '  ';
    if (Array.isArray(v)) {
      if (!v.length) return void out.push('[]');
      if (v.every((x) => x === null || typeof x !== 'object')) return void out.push(`[${v.map((x) => JSON.stringify(x) ?? 'null').join(', ')}]`);
      out.push('[\n');
      v.forEach((x, i) => {
        out.push(inner);
        write(x, inner);
        out.push(i + 1 < v.length ? ',\n' : '\n');
      });
      out.push(indent, ']');
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function');
    if (!entries.length) return void out.push('{}');
    out.push('{\n');
    entries.forEach(([k, x], i) => {
      out.push(inner, JSON.stringify(k), ': ');
      write(x, inner);
      out.push(i + 1 < entries.length ? ',\n' : '\n');
    });
    out.push(indent, '}');
  };
  write(value, '');
  return out.join('');
}

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
