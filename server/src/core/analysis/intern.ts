/**
 * Findings of the wide units (inventory-wide and document-level: they run over every identity or the whole
 * document on each analysis) made the same objects as at the file's last analysis when they are equal. A
 * keystroke then leaves all but the findings it changed as they were, and what is derived from a finding object
 * and kept with it (its configured severity, its diagnostic and that diagnostic's JSON in the server) is reused:
 * a file with 2,000 unresolved offboarding links does not make 2,000 new diagnostics per keystroke. Objects are
 * only reused, never changed (they are shared between analyses, as the chunks' cached findings are).
 */
import type { RawFinding } from '../report';

/** The wide findings of each file's last analysis, by kind and URI (bounded as the drivers' own per-file state). */
const last = new Map<string, RawFinding[]>();
const MAX_FILES = 64;

/**
 * Replaces each finding of `findings` from index `from` on by the equal finding of the same file's last analysis,
 * when there is one (matched at the same index from the front or from the back), and keeps them for the next.
 */
export function internWide(key: string, findings: RawFinding[], from: number): void {
  const prev = last.get(key);
  const n = findings.length - from;
  if (prev) {
    for (let i = 0; i < n; i++) {
      const f = findings[from + i];
      const a = prev[i];
      if (a !== undefined && a !== f && sameFinding(a, f)) {
        findings[from + i] = a;
        continue;
      }
      const b = prev[i - n + prev.length];
      if (b !== undefined && b !== a && b !== f && sameFinding(b, f)) findings[from + i] = b;
    }
  }
  last.delete(key);
  last.set(key, findings.slice(from));
  if (last.size > MAX_FILES) last.delete(last.keys().next().value!);
}

/** Drops what is kept of a file (it was closed). */
export function forgetWide(uri: string): void {
  for (const k of [...last.keys()]) if (k.endsWith(`:${uri}`)) last.delete(k);
}

export function clearWide(): void {
  last.clear();
}

/** Two findings with the same rule, range, message, fixes and data (the cheap parts compared first). */
export function sameFinding(a: RawFinding, b: RawFinding): boolean {
  const x = a.range;
  const y = b.range;
  return (
    a.ruleId === b.ruleId &&
    x.start.line === y.start.line &&
    x.start.character === y.start.character &&
    x.end.line === y.end.line &&
    x.end.character === y.end.character &&
    a.message.length === b.message.length &&
    a.message === b.message &&
    sameValue(a, b)
  );
}

/** Deep equality of plain data (what findings are made of: strings, numbers, booleans, arrays, plain objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let n = 0;
  for (const k in ra) {
    if (!Object.prototype.hasOwnProperty.call(ra, k)) continue;
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !sameValue(ra[k], rb[k])) return false;
    n++;
  }
  for (const k in rb) if (Object.prototype.hasOwnProperty.call(rb, k)) n--;
  return n === 0;
}
