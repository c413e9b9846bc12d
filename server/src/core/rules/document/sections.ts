/**
 * The sections family: section-missing (a section the document type requires has no heading, synonyms
 * accepted; configurable with documents.requiredSections) and evidence-missing (a procedure or runbook with
 * no Evidence section that never speaks of the records it produces). One check: evidence-missing reports a
 * missing Evidence section on its own, so section-missing does not report it twice.
 */
import { DEFAULT_REQUIRED_SECTIONS, sectionPresent } from '../../lang/document-schema';
import { normaliseHeading } from '../../lang/words';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const sectionMissing = defineRule({
  id: 'section-missing',
  description: 'A section required for the document type (Purpose, Scope, Roles and responsibilities ...) has no heading, synonyms accepted. Configurable with `documents.requiredSections`.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.2'],
});

export const evidenceMissing = defineRule({
  id: 'evidence-missing',
  description: 'A procedure or runbook has no Evidence or Records section and never mentions the records it produces.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.3', 'ISO27001:9.1'],
});

export const sections: RuleUnit = {
  meta: [sectionMissing, evidenceMissing],
  document(c) {
    const { text, lines, byKey, type, body, h1, config, r } = c;
    const eol = lines.eol;
    const headingNames = new Set(body.headings.filter((h) => h.level > 1 || h !== h1).map((h) => h.norm ?? normaliseHeading(h.text)));
    if (type) {
      const required = config.documents.requiredSections[type] ?? DEFAULT_REQUIRED_SECTIONS[type] ?? [];
      const evidenceGap = (type === 'procedure' || type === 'runbook') && !sectionPresent('Evidence', headingNames) && !body.mentionsRecords;
      // evidence-missing reports a missing Evidence section on its own; do not report it twice.
      const missing = required.filter((s) => !sectionPresent(s, headingNames) && !(evidenceGap && normaliseHeading(s) === 'evidence'));
      if (missing.length) {
        const anchor = h1 ?? { start: byKey.get('type')!.keyStart, end: lines.lineEnd(byKey.get('type')!.line) };
        const end = text.length;
        const lead = end === 0 || /\n$/.test(text) ? '' : eol;
        const added = missing.map((s) => `## ${s}${eol}`).join(eol);
        r.add(
          sectionMissing.id,
          anchor.start,
          anchor.end,
          `This ${type} lacks ${missing.length === 1 ? 'the section' : 'the sections'} ${missing.map((s) => `'${s}'`).join(', ')}: an auditor reading ${article(type)} expects ${missing.length === 1 ? 'it' : 'them'} to find what it covers, who does what and how it is kept current.`,
          [{ title: `Append ${missing.length === 1 ? 'section' : 'sections'} ${missing.join(', ')}`, edits: [r.edit(end, end, `${lead}${eol}${added}`)], isPreferred: true }],
          { missing },
        );
      }
      if (evidenceGap) {
        const anchor = h1 ?? { start: byKey.get('type')!.keyStart, end: lines.lineEnd(byKey.get('type')!.line) };
        const end = text.length;
        const lead = end === 0 || /\n$/.test(text) ? '' : eol;
        r.add(
          evidenceMissing.id,
          anchor.start,
          anchor.end,
          `This ${type} says nothing of the records it produces: an auditor will ask what evidence shows it was followed (tickets, logs, sign-offs). Add an Evidence section.`,
          [{ title: 'Append an Evidence section', edits: [r.edit(end, end, `${lead}${eol}## Evidence${eol}`)] }],
        );
      }
    }
  },
};

function article(t: string): string {
  return /^[aeiou]/i.test(t) ? `an ${t}` : `a ${t}`;
}