/**
 * The baseline of `isms check` (as Checkov's and PHPStan's baselines, ESLint's suppressions file): today's findings,
 * recorded so that a repository can gate on new findings while it fixes the old ones. A finding is matched by its
 * file, its rule and a fingerprint of the text at the finding (`fingerprint`), not by its line number, so moving
 * lines or editing elsewhere keeps it matched; equal findings are counted.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../core/types';

export const DEFAULT_BASELINE = '.isms-baseline.json';

export interface BaselineEntry {
  /** The file, relative to the project root, with '/'. */
  file: string;
  rule: string;
  fingerprint: string;
  /** How many findings of this file have this rule and fingerprint. */
  count: number;
  /** The message when it was recorded (for people reading the file; not matched). */
  message: string;
}

export interface Baseline {
  version: 1;
  tool: 'isms-author';
  findings: BaselineEntry[];
}

export class BaselineError extends Error {}

/**
 * The fingerprint of a finding in its file's text: its rule and the text it covers (blanks collapsed), or its whole
 * line when that text is too short to tell findings apart. Not the line number (lines move), not the message (a
 * new version may word it differently), not the rest of the line (fixing another finding on it must not unmatch it).
 */
export function fingerprint(f: Finding, lines: readonly string[]): string {
  const { start, end } = f.range;
  let covered: string;
  if (start.line === end.line) covered = (lines[start.line] ?? '').slice(start.character, end.character);
  else covered = [(lines[start.line] ?? '').slice(start.character), ...lines.slice(start.line + 1, end.line), (lines[end.line] ?? '').slice(0, end.character)].join('\n');
  covered = covered.replace(/\s+/g, ' ').trim();
  if (covered.replace(/[^\p{L}\p{N}]/gu, '').length < 3) covered = `${covered}\u0000${(lines[start.line] ?? '').replace(/\s+/g, ' ').trim()}`;
  return createHash('sha256').update(`${f.ruleId}\u0000${covered}`).digest('hex').slice(0, 16);
}

export interface FileFindings {
  /** Relative to the project root. */
  file: string;
  findings: Finding[];
  /** The file's text split into lines (for fingerprints). */
  lines: readonly string[];
}

/** The baseline of these findings: sorted by file, rule and fingerprint, so the file diffs well. */
export function makeBaseline(files: readonly FileFindings[]): Baseline {
  const entries = new Map<string, BaselineEntry>();
  for (const f of files) {
    for (const x of f.findings) {
      const fp = fingerprint(x, f.lines);
      const key = `${f.file}\u0000${x.ruleId}\u0000${fp}`;
      const e = entries.get(key);
      if (e) e.count++;
      else entries.set(key, { file: f.file, rule: x.ruleId, fingerprint: fp, count: 1, message: x.message });
    }
  }
  const findings = [...entries.values()].sort((a, b) => cmp(a.file, b.file) || cmp(a.rule, b.rule) || cmp(a.fingerprint, b.fingerprint));
  return { version: 1, tool: 'isms-author', findings };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function serializeBaseline(b: Baseline): string {
  // One entry per line: a fixed finding is one deleted line in the diff.
  const lines = b.findings.map((e) => `    ${JSON.stringify(e)}`);
  return `{\n  "version": 1,\n  "tool": "isms-author",\n  "findings": [${lines.length ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

export function parseBaseline(text: string, name: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${name} is not valid JSON (${(e as Error).message})`);
  }
  const r = raw as Partial<Baseline> | null;
  if (!r || typeof r !== 'object' || r.version !== 1 || !Array.isArray(r.findings)) throw new BaselineError(`${name} is not an isms baseline (version 1, with "findings")`);
  r.findings.forEach((e, i) => {
    if (!e || typeof e.file !== 'string' || typeof e.rule !== 'string' || typeof e.fingerprint !== 'string' || !Number.isInteger(e.count) || e.count < 1)
      throw new BaselineError(`${name}: entry ${i + 1} needs file, rule, fingerprint and a count of 1 or more`);
  });
  return r as Baseline;
}

export type BaselineState = 'new' | 'unchanged';

export interface Matched {
  /** Per file, per finding (in order): new or unchanged. */
  states: Map<string, BaselineState[]>;
  /** Baseline entries (with the count left) no finding matched any more: fixed, or their text changed. */
  absent: BaselineEntry[];
}

/** Which findings the baseline holds. The first `count` findings with an entry's file, rule and fingerprint are unchanged. */
export function matchBaseline(b: Baseline, files: readonly FileFindings[]): Matched {
  const left = new Map<string, BaselineEntry>();
  for (const e of b.findings) {
    const key = `${e.file}\u0000${e.rule}\u0000${e.fingerprint}`;
    const had = left.get(key);
    left.set(key, had ? { ...had, count: had.count + e.count } : { ...e });
  }
  const states = new Map<string, BaselineState[]>();
  for (const f of files) {
    states.set(
      f.file,
      f.findings.map((x) => {
        const e = left.get(`${f.file}\u0000${x.ruleId}\u0000${fingerprint(x, f.lines)}`);
        if (!e || e.count === 0) return 'new';
        e.count--;
        return 'unchanged';
      }),
    );
  }
  const absent = [...left.values()].filter((e) => e.count > 0);
  return { states, absent };
}
