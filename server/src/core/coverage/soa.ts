/**
 * The deliverables built on the evidence model: the ISO/IEC 27001:2022 Statement of Applicability (clause
 * 6.1.3 d: every Annex A control, applicable or excluded with a justification, the justification for inclusion
 * and the implementation status) and the CSF 2.0 current Organizational Profile (one row per subcategory).
 * Rows of plain strings, so the CLI writes them as Markdown, CSV or JSON alike.
 */
import { catalog } from '../catalog/catalog';
import type { ProfileTarget } from '../config';
import type { ControlCoverage, CoverageReport, EvidenceItem } from './model';

export type { ProfileTarget };

export interface Table {
  title: string;
  /** A sentence under the title: what the table is and as of when. */
  note: string;
  columns: string[];
  rows: string[][];
}

const at = (e: EvidenceItem) => `${e.uri}:${e.line + 1}`;
const named = (items: EvidenceItem[]) => items.map((e) => `${e.name} (${at(e)})`).join('; ');
const owners = (c: ControlCoverage) => [...new Set((c.evidence.filter((e) => e.fresh).length ? c.evidence.filter((e) => e.fresh) : c.evidence).flatMap((e) => e.owners))].join('; ');
const lastReview = (c: ControlCoverage) => c.evidence.map((e) => e.lastReviewed).filter((d): d is string => !!d).sort().pop() ?? '';
const problems = (c: ControlCoverage) => [...new Set(c.evidence.flatMap((e) => e.problems.map((p) => `${e.name}: ${p}`)))].join('; ');

/** What the implementation status of a control is, in the words an SoA uses. */
function implementation(c: ControlCoverage): string {
  switch (c.state) {
    case 'excluded':
      return 'Not applicable';
    case 'evidenced':
      return c.crosswalkOnly ? 'Implemented (evidence through the CSF crosswalk)' : 'Implemented';
    case 'stale':
      return 'Implemented, evidence not current';
    case 'mentioned':
      return 'Referenced, not evidenced';
    case 'gap':
      return 'Not implemented';
  }
}

/** The Statement of Applicability: exactly the 93 Annex A controls, in catalog order. */
export function statementOfApplicability(report: CoverageReport, today: string): Table {
  const iso = report.frameworks.find((f) => f.framework === 'iso27001');
  if (!iso) throw new Error('the Statement of Applicability needs the iso27001 coverage');
  const rows = iso.controls
    .filter((c) => c.id.startsWith('A.'))
    .map((c) => {
      const applicable = c.state !== 'excluded';
      const justification = !applicable
        ? c.exclusion ?? ''
        : c.evidence.length
          ? `Implemented by ${named(c.evidence.filter((e) => e.via === 'listed'))}${c.evidence.some((e) => e.via === 'crosswalk') ? `${c.evidence.some((e) => e.via === 'listed') ? '; ' : ''}through the CSF crosswalk: ${named(c.evidence.filter((e) => e.via === 'crosswalk'))}` : ''}`.replace('Implemented by through', 'Through')
          : c.mentions.length
            ? `Referenced in ${c.mentions.map((m) => `${m.name} (${m.uri}:${m.line + 1})`).join('; ')}`
            : 'No document or identity evidences it yet';
      return [c.id, c.title, catalog().get('iso27001', c.group)?.title ?? c.group, applicable ? 'Yes' : 'No', justification, implementation(c), owners(c), lastReview(c), problems(c)];
    });
  return {
    title: 'Statement of Applicability (ISO/IEC 27001:2022, Annex A)',
    note: `Generated from the ISMS documents and NHI inventories by ISMS Author on ${today}. Exclusions and their justifications come from .isms.yaml (soa.excluded).`,
    columns: ['Control', 'Title', 'Theme', 'Applicable', 'Justification', 'Implementation status', 'Owner', 'Last review', 'Open issues'],
    rows,
  };
}

/**
 * The target of one subcategory: the fields of its function's entry, overridden by its category's, overridden by
 * its own (`.isms.yaml` profile.target). Undefined when none of the three is in the target profile.
 */
export function targetOf(id: string, target: Readonly<Record<string, ProfileTarget>>): ProfileTarget | undefined {
  const fn = id.slice(0, 2);
  const category = id.replace(/-\d+$/, '');
  const parts = [target[fn], target[category], target[id]].filter((t): t is ProfileTarget => t !== undefined);
  return parts.length ? Object.assign({}, ...parts) : undefined;
}

/** How far a state goes towards a target status: 2 achieved, 1 partially, 0 not. */
const reached = (c: ControlCoverage) => (c.state === 'evidenced' ? 2 : c.state === 'stale' ? 1 : 0);

/**
 * The gap between the current state and the target: empty outside the target profile, "No gap" when the
 * current status meets the target status (Achieved when the target names none), else "Gap: <current> -> <target>".
 */
export function profileGap(c: ControlCoverage, t: ProfileTarget | undefined, current: string): string {
  if (!t) return '';
  const status = t.status ?? 'Achieved';
  if (status === 'Not applicable') return 'Not applicable';
  const need = status === 'Achieved' ? 2 : 1;
  if (reached(c) >= need) return c.crosswalkOnly ? 'No gap (evidence through the ISO 27001 crosswalk)' : 'No gap';
  return `Gap: ${current} -> ${status}`;
}

/**
 * The CSF 2.0 Organizational Profile: one row per subcategory, with the current-state columns of NIST's template,
 * and, when `.isms.yaml` sets a target profile, the target columns and the gap between current and target.
 */
export function csfProfile(report: CoverageReport, today: string, target: Readonly<Record<string, ProfileTarget>> = {}): Table {
  const csf = report.frameworks.find((f) => f.framework === 'csf');
  if (!csf) throw new Error('the CSF profile needs the csf coverage');
  const cat = catalog();
  const withTarget = Object.keys(target).length > 0;
  const status: Record<ControlCoverage['state'], string> = {
    evidenced: 'Achieved',
    stale: 'Partially achieved (evidence not current)',
    mentioned: 'Referenced, not evidenced',
    gap: 'Not achieved',
    excluded: 'Not applicable',
  };
  const rows = csf.controls.map((c) => {
    const category = cat.get('csf', cat.get('csf', c.id)?.parent ?? '');
    const docs = c.evidence.filter((e) => e.kind === 'document');
    const ids = c.evidence.filter((e) => e.kind === 'identity');
    const note = [c.crosswalkOnly ? 'evidence through the ISO 27001 crosswalk' : '', problems(c)].filter(Boolean).join('; ');
    const current = status[c.state] + (c.state === 'evidenced' && c.crosswalkOnly ? ' (crosswalk)' : '');
    const row = [
      `${c.group} ${cat.get('csf', c.group)?.title ?? ''}`.trim(),
      `${category?.id ?? ''} ${category?.title ?? ''}`.trim(),
      c.id,
      c.title,
      current,
      named(docs),
      ids.length ? `${ids.length} ${ids.length === 1 ? 'identity' : 'identities'} in the NHI inventory: ${named(ids)}` : '',
      owners(c),
      note,
    ];
    if (withTarget) {
      const t = targetOf(c.id, target);
      row.push(t?.priority ?? '', t ? t.status ?? 'Achieved' : '', t?.policies ?? '', t?.notes ?? '', profileGap(c, t, status[c.state]));
    }
    return row;
  });
  return {
    title: withTarget ? 'NIST CSF 2.0 Organizational Profile (current and target)' : 'NIST CSF 2.0 Organizational Profile (current)',
    note: `Current state generated from the ISMS documents and NHI inventories by ISMS Author on ${today}, one row per subcategory.${
      withTarget ? ' Target columns from .isms.yaml (profile.target); a function or category target applies to its subcategories unless they set their own.' : ''
    }`,
    columns: [
      'Function', 'Category', 'Subcategory', 'Outcome', 'Current status', 'Current policies, processes and procedures', 'Current internal practices', 'Current roles and responsibilities', 'Current notes',
      ...(withTarget ? ['Target priority', 'Target status', 'Target policies, processes and procedures', 'Target notes', 'Gap'] : []),
    ],
    rows,
  };
}
