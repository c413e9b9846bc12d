import type { Finding, Fix, Range } from './types';
import type { LineIndex } from './text';

/**
 * The order of a file's findings: by start position, then rule ID (code points: rule IDs are kebab-case ASCII, where
 * this is the order localeCompare gives, without its cost on a sort of 30,000 findings).
 */
export function compareFindings(x: { range: Range; ruleId: string }, y: { range: Range; ruleId: string }): number {
  const a = x.range.start;
  const b = y.range.start;
  return a.line - b.line || a.character - b.character || (x.ruleId < y.ruleId ? -1 : x.ruleId > y.ruleId ? 1 : 0);
}

/** Raw finding before the configured severity is applied. */
export type RawFinding = Omit<Finding, 'severity'>;

/** Collects findings of one document, converting offsets to ranges. */
export class Reporter {
  readonly findings: RawFinding[] = [];

  constructor(readonly lines: LineIndex) {}

  add(ruleId: string, start: number, end: number, message: string, fixes: Fix[] = [], data?: Record<string, unknown>): void {
    this.findings.push({ ruleId, message, range: this.lines.range(this.at(start), this.at(end)), fixes, ...(data ? { data } : {}) });
  }

  /** An edit replacing [start, end) with text. */
  edit(start: number, end: number, newText: string) {
    return { range: this.lines.range(this.at(start), this.at(end)), newText };
  }

  /** An offset between the CR and the LF of a line break is no position (LSP has none there): its line's end. */
  private at(offset: number): number {
    const t = this.lines.source;
    return offset > 0 && t.charCodeAt(offset) === 10 && t.charCodeAt(offset - 1) === 13 ? offset - 1 : offset;
  }
}
