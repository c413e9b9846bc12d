/**
 * The coverage model kept current file by file, for the server (core/evidence-index.ts feeds it).
 *
 * - States: per control, counts of its evidence (items, listed, fresh, fresh and listed; mentions), kept as sums over
 *   the files: when one file's evidence changes, its old counts are taken away and its new ones added, and the state
 *   follows from the counts by model.ts's decideCounts (the rules of decide). A keystroke in a 10,000-file
 *   workspace costs the counts of one file, not the thousands of evidence items of the controls it touches.
 * - The whole report: each control by model.ts's controlCoverage, computed when asked (one pass over the kept evidence for all
 *   the controls asked) and kept until one of the files that reach it changes.
 *
 * Both equal coverage() over every file's sources in the order of their URIs (tested on random sequences of
 * changes), so model.ts stays the one place that decides a state.
 */
import type { Config, FrameworkId } from '../config';
import type { EvidenceSource } from './evidence';
import {
  configProblems,
  contributions,
  controlCoverage,
  coverageControls,
  decideCounts,
  exclusionOf,
  frameworkCoverage,
  groupOf,
  type ControlCoverage,
  type ControlInputs,
  type CoverageReport,
  type EvidenceCounts,
  type FrameworkCoverage,
} from './model';
import type { ControlState } from './slice';

/** The report without the evidence lists: each control's state and the numbers of its evidence and mentions. */
export interface StatesReport extends Omit<CoverageReport, 'frameworks'> {
  frameworks: (Omit<FrameworkCoverage, 'controls'> & { controls: ControlState[] })[];
}

const ZERO: EvidenceCounts = { items: 0, listed: 0, freshListed: 0, fresh: 0, mentions: 0 };

/**
 * What a file's sources add to each key's counts, as controlCoverage would count their items: a source listing the
 * key is one item; one reaching it through the crosswalk is one item unless an item of the same file and line is
 * already there (the first such source in order decides its freshness); a citation is one mention.
 */
export function countsOf(sources: readonly EvidenceSource[]): Map<string, EvidenceCounts> {
  const lines = new Map<string, Map<number, { direct: number; freshDirect: number; crosswalkFresh?: boolean }>>();
  const out = new Map<string, EvidenceCounts>();
  const counts = (key: string) => {
    let c = out.get(key);
    if (!c) out.set(key, (c = { ...ZERO }));
    return c;
  };
  for (const s of sources) {
    const fresh = s.problems.length === 0;
    contributions(s, (key, kind) => {
      if (kind === 'mention') {
        counts(key).mentions++;
        return;
      }
      let byLine = lines.get(key);
      if (!byLine) lines.set(key, (byLine = new Map()));
      let at = byLine.get(s.line);
      if (!at) byLine.set(s.line, (at = { direct: 0, freshDirect: 0 }));
      if (kind === 'direct') {
        at.direct++;
        if (fresh) at.freshDirect++;
      } else at.crosswalkFresh ??= fresh;
    });
  }
  for (const [key, byLine] of lines) {
    const c = counts(key);
    for (const at of byLine.values()) {
      c.items += at.direct;
      c.listed += at.direct;
      c.freshListed += at.freshDirect;
      c.fresh += at.freshDirect;
      if (at.direct === 0 && at.crosswalkFresh !== undefined) {
        c.items++;
        if (at.crosswalkFresh) c.fresh++;
      }
    }
  }
  return out;
}

export class CoverageModel {
  private readonly files = new Map<string, readonly EvidenceSource[]>();
  /** The files' URIs in order (coverage()'s order of sources), while no file comes or goes. */
  private sorted?: string[];
  /** The sums of the files' counts, by key. */
  private readonly totals = new Map<string, EvidenceCounts>();
  /** Each control's state and whole coverage as last computed, by key, under `config` (dropped when its files change). */
  private readonly states = new Map<string, ControlState>();
  private readonly controls = new Map<string, ControlCoverage>();
  private config?: Config;

  /** The evidence of file `uri` is now `sources` (none: the file left). */
  setFile(uri: string, sources: readonly EvidenceSource[] | undefined): void {
    const old = this.files.get(uri);
    if (old === sources) return;
    if (old) {
      this.files.delete(uri);
      this.apply(old, -1);
    }
    if (sources?.length) {
      this.files.set(uri, sources);
      this.apply(sources, 1);
    }
    if (!old !== !sources?.length) this.sorted = undefined;
  }

  private apply(sources: readonly EvidenceSource[], sign: 1 | -1): void {
    for (const [key, c] of countsOf(sources)) {
      let t = this.totals.get(key);
      if (!t) this.totals.set(key, (t = { ...ZERO }));
      t.items += sign * c.items;
      t.listed += sign * c.listed;
      t.freshListed += sign * c.freshListed;
      t.fresh += sign * c.fresh;
      t.mentions += sign * c.mentions;
      if (t.items === 0 && t.mentions === 0) this.totals.delete(key);
      this.states.delete(key);
      this.controls.delete(key);
    }
  }

  clear(): void {
    this.files.clear();
    this.sorted = undefined;
    this.totals.clear();
    this.states.clear();
    this.controls.clear();
  }

  private useConfig(config: Config): void {
    if (config === this.config) return;
    this.config = config;
    this.states.clear();
    this.controls.clear();
  }

  /** The states of `frameworks` under `config`: equal to sliceReport(coverage(...), { evidence: false }). */
  statesReport(config: Config, frameworks: readonly FrameworkId[] = config.frameworks): StatesReport {
    this.useConfig(config);
    const out = frameworks.map((fw) =>
      frameworkCoverage(
        fw,
        coverageControls(fw).map((c) => {
          const key = `${fw}:${c.id}`;
          let st = this.states.get(key);
          if (!st) {
            const n = this.totals.get(key) ?? ZERO;
            const exclusion = exclusionOf(fw, c.id, config);
            const { state, crosswalkOnly } = decideCounts(n, exclusion);
            st = { framework: fw, id: c.id, title: c.title, group: groupOf(c).id, state, crosswalkOnly, ...(exclusion !== undefined ? { exclusion } : {}), evidenceCount: n.items, mentionCount: n.mentions };
            this.states.set(key, st);
          }
          return st;
        }),
      ),
    );
    return { frameworks: out, problems: configProblems(config) };
  }

  /**
   * What the controls `keys` are computed from, in one pass over the files in the order of their URIs (as coverage()
   * reads them). (A pass over 26,000 sources takes a few tens of milliseconds; an index of the files reaching each
   * key would take tens of megabytes.)
   */
  private inputsOf(keys: ReadonlySet<string>): Map<string, ControlInputs> {
    const out = new Map<string, ControlInputs>();
    this.sorted ??= [...this.files.keys()].sort();
    for (const uri of this.sorted) {
      for (const s of this.files.get(uri)!) {
        contributions(s, (key, kind, from, line) => {
          if (!keys.has(key)) return;
          let x = out.get(key);
          if (!x) out.set(key, (x = { direct: [], crosswalk: [], mentions: [] }));
          if (kind === 'direct') x.direct.push(s);
          else if (kind === 'crosswalk') x.crosswalk.push({ source: s, from: from! });
          else x.mentions.push({ uri: s.uri, line: line!, name: s.name });
        });
      }
    }
    return out;
  }

  /**
   * The report of `frameworks` under `config`, equal to coverage() over every file's sources in URI order; with
   * `only` (keys `framework:id`), only those controls, with the summaries of the whole frameworks.
   */
  report(config: Config, frameworks: readonly FrameworkId[] = config.frameworks, only?: ReadonlySet<string>): CoverageReport {
    this.useConfig(config);
    const todo = frameworks.flatMap((fw) => coverageControls(fw).map((c) => ({ fw, c, key: `${fw}:${c.id}` }))).filter((x) => !only || only.has(x.key));
    const missing = new Set(todo.filter((x) => !this.controls.has(x.key)).map((x) => x.key));
    const inputs = missing.size ? this.inputsOf(missing) : undefined;
    const whole = (x: (typeof todo)[number]) => {
      let cc = this.controls.get(x.key);
      if (!cc) this.controls.set(x.key, (cc = controlCoverage(x.fw, x.c, inputs!.get(x.key), config)));
      return cc;
    };
    const out = frameworks.map((fw): FrameworkCoverage => {
      const mine = todo.filter((x) => x.fw === fw).map(whole);
      if (!only) return frameworkCoverage(fw, mine);
      return { ...this.statesReport(config, [fw]).frameworks[0], controls: mine };
    });
    return { frameworks: out, problems: configProblems(config) };
  }
}
