/**
 * Helpers of incremental analysis. Large files are cut into chunks that start at line starts
 * (inventory items, Markdown sections); each chunk is checked on its own and its result cached by
 * its text, with ranges relative to the chunk's first line. Moving a chunk down or up the file only
 * shifts its cached ranges, because characters within a line do not move.
 */
import type { RawFinding } from './report';
import type { Range } from './types';

/**
 * Thrown by an analysis asked not to parse any one part of `inlineLimit` characters or more at once
 * (AnalyzeOptions): the host can run that analysis on another thread instead.
 */
export const WOULD_BLOCK = Symbol('would block');

/**
 * A bounded map that forgets the least recently used entry first. An entry keeps the key it was set with: a hit
 * moves it to the end under that key, never under the key it was looked up with (often a slice of a whole new
 * version of a file, which the cache would then keep alive).
 */
export class LruCache<V> {
  private readonly map = new Map<string, { key: string; value: V }>();

  constructor(readonly max: number) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(e.key, e);
    return e.value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, { key, value });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }

  *values(): IterableIterator<V> {
    for (const e of this.map.values()) yield e.value;
  }
}

export function shiftRange(r: Range, lines: number): Range {
  return lines === 0 ? r : { start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } };
}

/**
 * Findings of one part of a file with ranges relative to its first line `line` (add `line` to every range, fixes
 * included, for the finding in the file). A file's findings as a list of runs in file order, each run sorted: the
 * same run object while its chunk is unchanged, wherever the chunk moves (analysis/inventory.ts, service.ts checkRuns).
 */
export interface FindingRun<F = RawFinding> {
  line: number;
  findings: readonly F[];
}

/** The findings lists of `runs`, in order (what KeptInOrder keys them by: a run's list is the same while its chunk is). */
export function runLists<F>(runs: readonly FindingRun<F>[]): (readonly F[])[] {
  const out: (readonly F[])[] = new Array(runs.length);
  for (let i = 0; i < runs.length; i++) out[i] = runs[i].findings;
  return out;
}

/** Is x before y in compareFindings' order (report.ts), x relative to line lx and y to line ly (FindingRun)? */
export function placedBefore(x: RawFinding, lx: number, y: RawFinding, ly: number): boolean {
  const a = x.range.start;
  const b = y.range.start;
  const d = a.line + lx - (b.line + ly) || a.character - b.character;
  return d < 0 || (d === 0 && x.ruleId < y.ruleId);
}

/** A chunk-relative finding moved to the chunk's place in the file (`lines` = the chunk's first line). */
export function shiftFinding(f: RawFinding, lines: number): RawFinding {
  if (lines === 0) return f;
  return {
    ...f,
    range: shiftRange(f.range, lines),
    fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, range: shiftRange(e.range, lines) })) })),
  };
}

/**
 * A copy of `s` that does not keep the string it was sliced from alive. V8 represents a slice of a long
 * string as a view of it, so a cached chunk text (and every string derived from it) would otherwise
 * pin the whole document of the version it came from: a few keystrokes on a 1 MB file would retain
 * a few MB each. Used on cache misses only.
 */
export function detach(s: string): string {
  // (s + x).slice() is not enough: V8 turns a slice of a concatenation back into a slice of `s`. A JSON
  // round trip makes a real copy, natively, and keeps lone surrogates (they are escaped and restored).
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * What was derived from each item of a list at the last call, given again for the items of the next list that are the
 * same objects. Lists of runs keep their order (an edit adds or drops a few): both are walked side by side (a new key is
 * a miss, derived afresh), with a map of the last list only after a few misses. No WeakMap: one entry per run of a large file, made and dropped per keystroke,
 * is what the garbage collector would pay for.
 */
export class KeptInOrder<K, V> {
  private keys: readonly K[] = [];
  private values: V[] = [];

  map(keys: readonly K[], derive: (key: K, old: V | undefined, i: number) => V): V[] {
    const lastKeys = this.keys;
    const lastValues = this.values;
    const out = new Array<V>(keys.length);
    let j = 0;
    let misses = 0;
    let index: Map<K, number> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      let old: V | undefined;
      if (!index) {
        let d = 0;
        const reach = Math.min(lastKeys.length - j, 32);
        while (d < reach && lastKeys[j + d] !== k) d++;
        if (d < reach) {
          old = lastValues[j + d];
          j += d + 1;
        } else if (lastKeys.length && ++misses > 4) {
          // (A new key - the edited run - is one miss: it is derived afresh and the walk goes on where it was. Many
          // misses: a block of runs went away or a line break moved the rest; a map of the last list from then on.)
          index = new Map();
          for (let n = 0; n < lastKeys.length; n++) index.set(lastKeys[n], n);
        }
      }
      if (index) {
        const n = index.get(k);
        if (n !== undefined) old = lastValues[n];
      }
      out[i] = derive(k, old, i);
    }
    this.keys = keys;
    this.values = out;
    return out;
  }

  /** Takes `values` as what was derived from `keys` (made elsewhere, as map would have made them): the next map walks them. */
  reset(keys: readonly K[], values: V[]): void {
    this.keys = keys;
    this.values = values;
  }
}
