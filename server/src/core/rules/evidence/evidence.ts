/**
 * evidence-unresolved and evidence-stale: the `evidence:` of an identity (own, or inherited from the inventory's
 * `defaults:`) and of a process document's front matter. A path must exist (and its `#anchor` be a heading or
 * anchor of the Markdown file it names), a URL must be well formed (nothing is fetched), and a dated entry must be
 * younger than the cadence of what it evidences: the document's `review_cadence`; the identity's `review_cadence`,
 * else its `rotation`. Prose is neither (lang/evidence.ts says what a path and a URL look like).
 *
 * Identities: URLs and dates are judged with the identity (cached with its text); paths by the inventory-wide
 * visitor of each identity (`inventoryIdentity`), which asks the FileHost through the analysis (a file that appears or goes
 * away changes no identity's text: the driver asks again, and reuses the last findings only while the answers are the same).
 */
import { parseCadenceDays, parseDate, todayOf } from '../../dates';
import { headingSlugs, scalarString } from '../../lang/document';
import { plainEvidence, readEvidence, resolveTarget, type Resolution } from '../../lang/evidence';
import { trimEnd } from '../../lang/yaml-mapping';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import { resolvedLinks } from '../context';

const CONTROLS = ['ISO27001:7.5.3', 'ISO27001:9.1'];

export const evidenceUnresolved = defineRule({
  id: 'evidence-unresolved',
  description: 'An `evidence:` path that does not exist, an `#anchor` its Markdown file does not have, or a malformed URL.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  controls: CONTROLS,
});

export const evidenceStale = defineRule({
  id: 'evidence-stale',
  description: 'A dated `evidence:` entry older than the review (or rotation) cadence of what it evidences.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  controls: CONTROLS,
});

const TAIL = 'an auditor following it to the evidence lands nowhere';

function unresolvedMessage(value: string, res: Resolution | 'url', problem?: string): string {
  if (res === 'url') return `The evidence URL '${value}' ${problem}: ${TAIL}.`;
  if (res === 'no-anchor') return `The evidence '${value}' names an anchor its file does not have: ${TAIL}.`;
  return `The evidence '${value}' does not exist: ${TAIL}.`;
}

function staleMessage(date: string, age: number, cadence: string, of: string): string {
  return `This evidence is dated ${date}, ${age} days ago: older than the ${cadence} ${of} it evidences, so it does not show the control operating now.`;
}

export const evidence: RuleUnit = {
  meta: [evidenceUnresolved, evidenceStale],

  document(c) {
    const fm = c.readable;
    const entry = fm?.entries.find((e) => e.key.toLowerCase() === 'evidence');
    if (!fm || !entry) return;
    const { r, text, host, uri, body } = c;
    const today = parseDate(todayOf(c.config))!;
    const cadenceText = scalarString(c.byKey.get('review_cadence')?.value ?? null);
    const cadence = parseCadenceDays(cadenceText);
    let slugs: Set<string> | undefined;
    for (const e of readEvidence(entry.value)) {
      const at = span(text, entry.base, e.start, e.end);
      if (at && e.kind === 'url' && e.urlProblem) r.add(evidenceUnresolved.id, at[0], at[1], unresolvedMessage(e.value, 'url', e.urlProblem), [], { target: e.value });
      if (at && e.kind === 'path') {
        let res: Resolution | undefined;
        if (e.path === '') {
          // `#anchor` alone: a heading of this document.
          if (!slugs) {
            slugs = headingSlugs(body.headings);
            for (const a of body.htmlAnchors) slugs.add(a);
          }
          res = e.anchor === undefined || slugs.has(e.anchor) || slugs.has(e.anchor.toLowerCase()) ? 'ok' : 'no-anchor';
        } else if (host) res = resolveTarget(host, uri, e.path!, e.anchor);
        if (res === 'missing' || res === 'no-anchor') r.add(evidenceUnresolved.id, at[0], at[1], unresolvedMessage(e.value, res), [], { target: e.value });
      }
      const d = span(text, entry.base, e.dateStart, e.dateEnd);
      if (d && e.day !== undefined && cadence !== undefined && today - e.day > cadence) {
        r.add(evidenceStale.id, d[0], d[1], staleMessage(e.date!, today - e.day, `review cadence (${cadenceText})`, 'of the document'), [], { date: e.date, cadenceDays: cadence });
      }
    }
  },

  identity(c) {
    const own = c.own('evidence');
    const entries = own ? readEvidence(own.value) : plainEvidence(c.defaults['evidence']);
    if (!entries.length) return;
    const today = parseDate(c.today)!;
    const review = c.effText('review_cadence');
    const rotation = c.effText('rotation');
    const [cadenceText, of] = parseCadenceDays(review) !== undefined ? [review!, 'review cadence'] : [rotation, 'rotation cadence'];
    const cadence = parseCadenceDays(cadenceText);
    const text = c.r.lines.text;
    const where = (s?: number, e?: number): [number, number] => {
      const at = own ? span(text, c.base, s, e) : undefined;
      return at ?? [c.anchor.start, c.anchor.end];
    };
    const inherited = own ? '' : ' (inherited from defaults)';
    for (const e of entries) {
      if (e.kind === 'url' && e.urlProblem) {
        c.r.add(evidenceUnresolved.id, ...where(e.start, e.end), unresolvedMessage(e.value, 'url', e.urlProblem) + inherited, [], { ...c.data, target: e.value });
      }
      if (e.day !== undefined && cadence !== undefined && today - e.day > cadence) {
        c.r.add(evidenceStale.id, ...where(e.dateStart, e.dateEnd), staleMessage(e.date!, today - e.day, `${of} (${cadenceText})`, 'of the identity') + inherited, [], { ...c.data, date: e.date, cadenceDays: cadence });
      }
    }
  },

  inventoryIdentity(c) {
    const x = c.identity;
    for (const { link: l, res, start, end } of resolvedLinks(c, 'evidence')) {
      if (res !== 'missing' && res !== 'no-anchor') continue;
      c.r.add(evidenceUnresolved.id, start, end, unresolvedMessage(l.value, res) + (l.inherited ? ' (inherited from defaults)' : ''), [], { ...(x.id !== undefined ? { identity: x.id } : {}), target: l.value });
    }
  },
};

/** Document offsets of a value's text (offsets relative to `base`), trailing blanks left out; undefined without offsets. */
function span(text: string, base: number, s?: number, e?: number): [number, number] | undefined {
  if (s === undefined || e === undefined) return undefined;
  return [base + s, Math.max(base + s, trimEnd(text, base + e, base + s))];
}
