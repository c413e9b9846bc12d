/**
 * Parts of a coverage report, for editors that show it a piece at a time (the server's isms/coverage): the
 * summaries and each control's state without its evidence (a tree's first level), or the whole of a few controls
 * (a node being expanded). The report of a 10,000-file workspace lists tens of megabytes of evidence; its
 * summary is a few hundred kilobytes. Pure, and computed from the report, so the two never disagree.
 */
import type { ControlCoverage, CoverageReport, FrameworkCoverage } from './model';

/** A control without its evidence and mentions, with their numbers. */
export type ControlState = Omit<ControlCoverage, 'evidence' | 'mentions'> & { evidenceCount: number; mentionCount: number };

export interface ReportSlice {
  /** false: each control without `evidence` and `mentions`, with `evidenceCount` and `mentionCount` (default true). */
  evidence?: boolean;
  /** Only these controls (`framework:id`, or an ID of any framework); the summaries stay those of the whole framework. */
  controls?: readonly string[];
}

export function sliceReport(report: CoverageReport, slice: ReportSlice): CoverageReport | (Omit<CoverageReport, 'frameworks'> & { frameworks: (Omit<FrameworkCoverage, 'controls'> & { controls: ControlState[] })[] }) {
  const wanted = slice.controls ? new Set(slice.controls) : undefined;
  const keep = (c: ControlCoverage) => !wanted || wanted.has(c.id) || wanted.has(`${c.framework}:${c.id}`);
  if (slice.evidence !== false) {
    if (!wanted) return report;
    return { ...report, frameworks: report.frameworks.map((f) => ({ ...f, controls: f.controls.filter(keep) })) };
  }
  return {
    ...report,
    frameworks: report.frameworks.map((f) => ({
      ...f,
      controls: f.controls.filter(keep).map(({ evidence, mentions, ...c }) => ({ ...c, evidenceCount: evidence.length, mentionCount: mentions.length })),
    })),
  };
}
