/**
 * The coverage model kept current file by file: when one file's evidence changes, only the controls it lists,
 * reaches through the crosswalk or cites (before or after the change) are computed again, by the same
 * controlCoverage as coverage() (model.ts stays the one place that decides a state). The report equals
 * coverage() over the files' sources in the order of their URIs (tested on random sequences of changes), so a
 * keystroke in a 10,000-file workspace recomputes a few controls, not the thousands of evidence items of all.
 */
import type { Config, FrameworkId } from '../config';
import type { EvidenceSource } from './evidence';
import { addInputs, configProblems, contributions, controlCoverage, coverageControls, frameworkCoverage, type ControlCoverage, type ControlInputs, type CoverageReport } from './model';

/** The keys (`framework:id`) a file's sources bring something to. */
function keysOf(sources: readonly EvidenceSource[]): Set<string> {
  const out = new Set<string>();
  for (const s of sources) contributions(s, (key) => out.add(key));
  return out;
}

export class CoverageModel {
  private readonly files = new Map<string, { sources: readonly EvidenceSource[]; keys: Set<string> }>();
  /** The files that bring something to each key. */
  private readonly byKey = new Map<string, Set<string>>();
  /** Each control's coverage as last computed, by `framework:id`, under `config`. */
  private readonly controls = new Map<string, ControlCoverage>();
  /** Keys whose files changed since their control was computed. */
  private readonly dirty = new Set<string>();
  private config?: Config;

  /** The evidence of file `uri` is now `sources` (none: the file left). */
  setFile(uri: string, sources: readonly EvidenceSource[] | undefined): void {
    const old = this.files.get(uri);
    if (old?.sources === sources) return;
    if (old) {
      for (const k of old.keys) {
        this.dirty.add(k);
        const s = this.byKey.get(k);
        s?.delete(uri);
        if (s?.size === 0) this.byKey.delete(k);
      }
      this.files.delete(uri);
    }
    if (!sources?.length) return;
    const keys = keysOf(sources);
    this.files.set(uri, { sources, keys });
    for (const k of keys) {
      this.dirty.add(k);
      let s = this.byKey.get(k);
      if (!s) this.byKey.set(k, (s = new Set()));
      s.add(uri);
    }
  }

  clear(): void {
    this.files.clear();
    this.byKey.clear();
    this.controls.clear();
    this.dirty.clear();
  }

  /** What control `key` is computed from, its files in the order of their URIs (as coverage() reads them). */
  private inputsOf(key: string): ControlInputs | undefined {
    const uris = this.byKey.get(key);
    if (!uris) return undefined;
    const inputs: ControlInputs = { direct: [], crosswalk: [], mentions: [] };
    for (const uri of [...uris].sort()) {
      for (const s of this.files.get(uri)!.sources) {
        contributions(s, (k, kind, from, line) => {
          if (k !== key) return;
          if (kind === 'direct') inputs.direct.push(s);
          else if (kind === 'crosswalk') inputs.crosswalk.push({ source: s, from: from! });
          else inputs.mentions.push({ uri: s.uri, line: line!, name: s.name });
        });
      }
    }
    return inputs;
  }

  /** The report of `frameworks` under `config`: equal to coverage() over every file's sources, in URI order. */
  report(config: Config, frameworks: readonly FrameworkId[] = config.frameworks): CoverageReport {
    if (config !== this.config) {
      this.config = config;
      this.controls.clear();
    }
    // Many controls to compute (the first report, a new configuration, many files changed): their inputs in one
    // pass over every file, as coverage() reads them, rather than one pass per control.
    let all: Map<string, ControlInputs> | undefined;
    if (this.controls.size === 0 || this.dirty.size > 256) {
      all = new Map();
      for (const uri of [...this.files.keys()].sort()) for (const s of this.files.get(uri)!.sources) addInputs(all, s);
    }
    const out = frameworks.map((fw) =>
      frameworkCoverage(
        fw,
        coverageControls(fw).map((c) => {
          const key = `${fw}:${c.id}`;
          let cc = this.dirty.has(key) ? undefined : this.controls.get(key);
          if (!cc) {
            cc = controlCoverage(fw, c, all ? all.get(key) : this.inputsOf(key), config);
            this.controls.set(key, cc);
            this.dirty.delete(key);
          }
          return cc;
        }),
      ),
    );
    return { frameworks: out, problems: configProblems(config) };
  }
}
