import type { Finding, Fix } from './types';
import type { LineIndex } from './text';

/** Raw finding before the configured severity is applied. */
export type RawFinding = Omit<Finding, 'severity'>;

/** Collects findings of one document, converting offsets to ranges. */
export class Reporter {
  readonly findings: RawFinding[] = [];

  constructor(readonly lines: LineIndex) {}

  add(ruleId: string, start: number, end: number, message: string, fixes: Fix[] = [], data?: Record<string, unknown>): void {
    this.findings.push({ ruleId, message, range: this.lines.range(start, end), fixes, ...(data ? { data } : {}) });
  }

  /** An edit replacing [start, end) with text. */
  edit(start: number, end: number, newText: string) {
    return { range: this.lines.range(start, end), newText };
  }
}
