/**
 * Ownership and review rules shared by NHI inventories (each identity, and the `defaults:` they inherit)
 * and ISMS process documents (the front matter): owner-missing, owner-shared, review-cadence-missing,
 * review-cadence-invalid, review-overdue, review-date-missing. One check over any parsed YAML mapping;
 * see `checkOwnership`.
 */
import { addDays, daysBetween, parseCadenceDays, parseDate, todayOf } from '../../dates';
import { OWNER_FALLBACK_KEYS } from '../../lang/document-schema';
import { isPlaceholderValue, nearestCadence } from '../../lang/words';
import { appendHistoryEdit, historyDates, laterDate, readHistory, recordedDates } from '../../lang/history';
import { listText, scalarText, YamlMapping, type MappingEntry } from '../../lang/yaml-mapping';
import { Reporter } from '../../report';
import type { Fix, TextEdit } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

const ID_OWNER = ['CSF:PR.AA-01', 'ISO27001:A.5.9', 'ISO27001:A.5.16'];
const ID_REVIEW = ['CSF:PR.AA-05', 'ISO27001:A.5.18'];

export const ownerMissing = defineRule({
  id: 'owner-missing',
  description: 'An identity (own or through `defaults:`) or a document names no accountable `owner` (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  owasp: ['NHI1'],
  controls: [...ID_OWNER, 'ISO27001:5.3'],
});

export const ownerShared = defineRule({
  id: 'owner-shared',
  description: 'Several owners: a list or a string naming several. Shared accountability is a failure mode (OWASP NHI1).',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
  owasp: ['NHI1'],
  controls: [...ID_OWNER, 'ISO27001:5.3'],
});

export const reviewCadenceMissing = defineRule({
  id: 'review-cadence-missing',
  description: 'No `review_cadence`, own or inherited.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  owasp: ['NHI1', 'NHI5'],
  controls: [...ID_REVIEW, 'ISO27001:A.5.1'],
});

export const reviewCadenceInvalid = defineRule({
  id: 'review-cadence-invalid',
  description: '`review_cadence` is neither an ISO 8601 duration (`P90D`, `P3M`, `P1Y`) nor a known word or phrase (`quarterly`, `6 months`); "did you mean" for near misses.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  owasp: ['NHI1', 'NHI5'],
  controls: [...ID_REVIEW, 'ISO27001:A.5.1'],
});

export const reviewOverdue = defineRule({
  id: 'review-overdue',
  description: '`last_reviewed` + `review_cadence` (or `next_review`) has passed; says by how many days.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  owasp: ['NHI1', 'NHI5'],
  controls: [...ID_REVIEW, 'ISO27001:A.5.1'],
});

export const reviewDateMissing = defineRule({
  id: 'review-date-missing',
  description: 'No `last_reviewed`, or one that is not `YYYY-MM-DD`.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
  owasp: ['NHI1', 'NHI5'],
  controls: [...ID_REVIEW, 'ISO27001:A.5.1'],
});

// ---------------------------------------------------------------------------------------------------
// The ownership and review check

/**
 * Splits an owner written as one string naming several ("a@x, b@x", "team-a; team-b", "a@x and b@x").
 * "and", "&", "+" and "/" split only between identifiers (addresses, @handles, lower-case slugs such as
 * `payments` or `team-a`): "Identity and Access Management" or "Risk & Compliance" is one team's name.
 */
export function splitOwners(s: string): string[] {
  // Without a separator below (`,` `;` `&` `/` `+` or "and" in any case) the value is one owner, trimmed (the splits give [s.trim()]).
  if (!MAY_SPLIT.test(s)) {
    const one = s.trim();
    return one ? [one] : [];
  }
  const parts = s
    .split(/\s*[,;]\s*/)
    .map((x) => x.trim())
    .filter(Boolean);
  const contact = /^(?:[^\s@]+@[^\s@]+|@[\w.-]+|[a-z0-9][a-z0-9._-]*)$/;
  return parts.flatMap((p) => {
    const sub = p.split(/\s*(?:&|\/(?!\/)|\s\+\s|\band\b)\s*/i).map((x) => x.trim()).filter(Boolean);
    return sub.length > 1 && sub.every((x) => contact.test(x)) ? sub : [p];
  });
}

/** The alias every mapping has (alias, canonical): `owners` for `owner`. */
const OWNER_ALIAS: readonly [string, string][] = [['owners', 'owner']];

const MAY_SPLIT = /[,;&/+]|and/i;

export interface OwnershipTarget {
  /** The mapping: an identity of an inventory, or the front matter of a document. */
  mapping: YamlMapping;
  /** 'identity' words messages for an NHI (OWASP NHI, CSF PR.AA, ISO A.5.16/A.5.18); 'document' for a policy etc. (ISO 5.3, 7.5, A.5.1). */
  kind: 'identity' | 'document';
  /** How messages name the subject: "Identity 'svc-x'", "This policy". */
  subject: string;
  /** Document offsets findings about a missing key point at (e.g. the identity's id, the `type:` line). */
  anchor: { start: number; end: number };
  /** Values inherited by the mapping for keys it does not have (an inventory's `defaults:`), as plain values. */
  inherited?: Readonly<Record<string, unknown>>;
  /** The day to judge against (YYYY-MM-DD), usually `todayOf(config)`. */
  today: string;
  /** Line break for inserted lines (`lines.eol` of the document). */
  eol: string;
  /** Alternative spellings accepted for the canonical keys (alias -> canonical), e.g. { owners: 'owner', review_frequency: 'review_cadence' }. */
  aliases?: Readonly<Record<string, string>>;
  /** Report an unreadable `last_reviewed` under review-date-missing (default true; documents may leave that to front-matter-invalid). */
  reportInvalidDates?: boolean;
  /** Value a fix inserts for a missing `review_cadence` (default: quarterly for identities, annual for documents). */
  defaultCadence?: string;
  /** Merged into every finding's `data` (the inventory passes `{ identity: id }`). */
  data?: Record<string, unknown>;
}

/** The owners named by an `owner` entry (or inherited), split when one string names several. */
export function ownersOf(ownerE: MappingEntry | undefined, inherited?: Readonly<Record<string, unknown>>): string[] {
  // (A placeholder, `owner: TODO`, names nobody: it counts as no owner, and `placeholder` reports it.)
  const ownerList = (ownerE ? listText(ownerE.value) : plainList(inherited ? inherited['owner'] : undefined)).filter((o) => !isPlaceholderValue(o));
  return ownerList.length === 1 ? splitOwners(ownerList[0]) : ownerList;
}

export interface OwnershipFacts {
  /** Owners named (own or inherited), split when one string names several. */
  owners: string[];
  /** Review cadence in days, when readable. */
  cadenceDays?: number;
  /** The last review: the later of `last_reviewed` and the latest `reviews` entry (own or inherited). */
  lastReviewed?: string;
  /** Every review date on record (last_reviewed, reviews, inherited reviews), sorted; dates after today left out. */
  reviews: string[];
  /** The day the next review is due (next_review, or last_reviewed + cadence). */
  reviewDue?: string;
}

/**
 * Runs owner-missing, owner-shared, review-cadence-missing, review-cadence-invalid, review-overdue and
 * review-date-missing on one YAML mapping and reports into `r` (whose LineIndex is the document the
 * mapping's `base` refers to). Keys read: `owner` (a string or a list), `review_cadence` (ISO 8601
 * duration or a word, see `parseCadenceDays`), `last_reviewed` and, when present, `next_review` (which
 * then decides when the review is due). A key the mapping lacks is taken from `inherited`.
 *
 * Fixes: insert `owner: TODO`, `review_cadence: <defaultCadence>` or `last_reviewed: <today>` after the
 * mapping's last line at its indentation; set `last_reviewed` to today (replaces the value only). None is
 * marked safe: each states something an auditor will read as a fact.
 *
 * Usage from the document rules:
 * ```ts
 * const doc = parseDocument(fmText);
 * if (isMap(doc.contents)) checkOwnership({ mapping: new YamlMapping(doc.contents, fm.start, r), kind: 'document',
 *   subject: 'This policy', anchor: { start, end }, today: todayOf(config), eol: lines.eol,
 *   aliases: { owners: 'owner', review_frequency: 'review_cadence' }, reportInvalidDates: false }, r);
 * ```
 */
export function checkOwnership(t: OwnershipTarget, reporter: Reporter): OwnershipFacts {
  const m = t.mapping;
  const extra = t.data ?? {};
  const r = {
    add: (ruleId: string, start: number, end: number, message: string, fixes: Fix[] = [], data?: Record<string, unknown>) =>
      reporter.add(ruleId, start, end, message, fixes, data || Object.keys(extra).length ? { ...extra, ...(data ?? {}) } : undefined),
  };
  const aliases = t.aliases ? Object.entries({ owners: 'owner', ...t.aliases }) : OWNER_ALIAS;
  const lookup = (canonical: string): MappingEntry | undefined => {
    const own = m.get(canonical);
    if (own) return own;
    for (const [a, c] of aliases) if (c === canonical && m.get(a)) return m.get(a);
    return undefined;
  };
  const inherited = (k: string): unknown => (t.inherited ? t.inherited[k] : undefined);
  const identity = t.kind === 'identity';
  const ownerCites = identity ? 'NHI1:2025 Improper Offboarding; CSF PR.AA-01, ISO 27001 A.5.9 and A.5.16' : 'ISO 27001 clause 5.3 and 7.5.2';
  const reviewCites = identity ? 'NHI1:2025 Improper Offboarding, NHI5:2025 Overprivileged NHI; CSF PR.AA-05, ISO 27001 A.5.18' : 'ISO 27001 A.5.1 and 7.5.2';
  const what = identity ? 'its access' : 'it';
  const facts: OwnershipFacts = { owners: [], reviews: [] };

  // owner
  const ownerE = lookup('owner');
  facts.owners = ownersOf(ownerE, t.inherited);
  if (facts.owners.length === 0) {
    // (The placeholder marks the field to fill in; it is no owner, so the finding stays until it is filled. A
    // value that is a placeholder already gets no fix: writing TODO over TODO changes nothing.)
    const fixes: Fix[] = !ownerE
      ? [{ title: "Insert 'owner:' (placeholder)", edits: [m.insertEdit('owner', 'TODO', t.eol)], isPreferred: true }]
      : listText(ownerE.value).length === 0
        ? [{ title: "Fill in 'owner' (placeholder)", edits: [m.setValueEdit(ownerE, 'TODO')], isPreferred: true }]
        : [];
    const [s, e] = ownerE ? [ownerE.keyStart, Math.max(ownerE.valueEnd, ownerE.keyEnd)] : [t.anchor.start, t.anchor.end];
    r.add(
      ownerMissing.id,
      s,
      e,
      `${t.subject} has no owner: nobody is accountable for ${identity ? 'reviewing and offboarding it' : 'keeping it current'} (${ownerCites}). Name one accountable team or person in 'owner'.`,
      fixes,
    );
  } else if (facts.owners.length > 1) {
    const [s, e] = ownerE ? [ownerE.valueStart, ownerE.valueEnd] : [t.anchor.start, t.anchor.end];
    r.add(
      ownerShared.id,
      s,
      e,
      `${t.subject} has ${facts.owners.length} owners (${facts.owners.join(', ')}): shared accountability is the failure mode where each assumes the other ${identity ? 'reviews and offboards it' : 'keeps it current'} (${ownerCites}). Name one accountable owner.`,
      [],
      { owners: facts.owners },
    );
  }

  // review_cadence
  const cadE = lookup('review_cadence');
  const cadText = cadE ? scalarText(cadE.value) : plainScalar(inherited('review_cadence'));
  const defaultCadence = t.defaultCadence ?? (identity ? 'quarterly' : 'annual');
  if (cadText === undefined) {
    const fix: Fix = cadE
      ? { title: `Set 'review_cadence' to ${defaultCadence}`, edits: [m.setValueEdit(cadE, defaultCadence)], isPreferred: true }
      : { title: `Insert 'review_cadence: ${defaultCadence}'`, edits: [m.insertEdit('review_cadence', defaultCadence, t.eol)], isPreferred: true };
    const [s, e] = cadE ? [cadE.keyStart, cadE.keyEnd] : [t.anchor.start, t.anchor.end];
    r.add(
      reviewCadenceMissing.id,
      s,
      e,
      `${t.subject} has no review_cadence: nothing says how often ${what} is reviewed, so no review can be late (${reviewCites}).`,
      [fix],
    );
  } else {
    facts.cadenceDays = parseCadenceDays(cadText);
    if (facts.cadenceDays === undefined && cadE) {
      const near = nearestCadence(cadText);
      r.add(
        reviewCadenceInvalid.id,
        cadE.valueStart,
        cadE.valueEnd,
        `'${cadText}' is not a review cadence${near ? ` (did you mean '${near}'?)` : ''}: write an ISO 8601 duration (P90D, P3M, P1Y) or daily, weekly, monthly, quarterly, semiannual, annual (${reviewCites}).`,
        near ? [{ title: `Change to '${near}'`, edits: [m.setValueEdit(cadE, near)], isPreferred: true, safe: true }] : [],
        { value: cadText },
      );
    }
  }

  // last_reviewed, the reviews history / next_review
  const lastE = lookup('last_reviewed');
  const lastText = lastE ? scalarText(lastE.value) : undefined;
  const lastDay = parseDate(lastText);
  const histE = lookup('reviews');
  const own = histE ? readHistory(histE.value, 'reviews', t.today) : undefined;
  // A `reviews` of the identity's own adds to the inventory-wide one of `defaults:`.
  const inheritedAll = t.inherited ? historyDates(inherited('reviews'), t.today) : [];
  const historyLatest = laterDate(own?.latest?.date, inheritedAll[inheritedAll.length - 1]);
  facts.reviews = recordedDates(lastText, own, inheritedAll, t.today);
  if (lastText === undefined && historyLatest === undefined) {
    const fix: Fix = lastE
      ? { title: `Set 'last_reviewed' to today (${t.today})`, edits: [m.setValueEdit(lastE, t.today)], isPreferred: true }
      : histE
        ? historyFix(m, histE, t.today, t.eol)
        : { title: `Insert 'last_reviewed: ${t.today}'`, edits: [m.insertEdit('last_reviewed', t.today, t.eol)], isPreferred: true };
    const [s, e] = lastE ? [lastE.keyStart, lastE.keyEnd] : histE ? [histE.keyStart, histE.keyEnd] : [t.anchor.start, t.anchor.end];
    r.add(
      reviewDateMissing.id,
      s,
      e,
      `${t.subject} has no last_reviewed date${histE ? ' and no dated entry in reviews' : ''}: there is no evidence ${what} was ever reviewed (${reviewCites}). Record the date of the last review (YYYY-MM-DD).`,
      [fix],
    );
  } else if (lastText !== undefined && lastDay === undefined) {
    if (t.reportInvalidDates !== false && lastE) {
      r.add(
        reviewDateMissing.id,
        lastE.valueStart,
        lastE.valueEnd,
        `'${lastText}' is not a date: write last_reviewed as YYYY-MM-DD so the review can be checked against the cadence (${reviewCites}).`,
        [{ title: `Set 'last_reviewed' to today (${t.today})`, edits: [m.setValueEdit(lastE, t.today)], isPreferred: true }],
      );
    }
    if (historyLatest) facts.lastReviewed = historyLatest;
  } else {
    facts.lastReviewed = laterDate(lastText?.slice(0, 10), historyLatest);
  }
  const nextE = lookup('next_review');
  const nextText = nextE ? scalarText(nextE.value) : undefined;
  if (nextText !== undefined && parseDate(nextText) !== undefined) facts.reviewDue = nextText.slice(0, 10);
  else if (facts.lastReviewed && facts.cadenceDays) facts.reviewDue = addDays(facts.lastReviewed, facts.cadenceDays);
  if (facts.reviewDue) {
    const late = daysBetween(facts.reviewDue, t.today)!;
    if (late > 0) {
      // Where the last review is written: last_reviewed when it holds it, else the latest own reviews entry; the
      // fix records today's review there (moving next_review on by one cadence when it decides the due date).
      const byLast = lastE !== undefined && lastDay !== undefined && lastText!.slice(0, 10) === facts.lastReviewed;
      const byHistory = !byLast && histE !== undefined && own?.latest?.date === facts.lastReviewed;
      const nextDue = nextE && facts.cadenceDays ? addDays(t.today, facts.cadenceDays) : undefined;
      const record = byLast ? m.setValueEdit(lastE!, t.today) : byHistory ? appendHistoryEdit(m, histE!, t.today, t.eol) : facts.lastReviewed && !lastE ? m.insertEdit('last_reviewed', t.today, t.eol) : undefined;
      const edits: TextEdit[] = record ? [record] : [];
      if (edits.length && nextE && parseDate(nextText) !== undefined) {
        if (nextDue) edits.push(m.setValueEdit(nextE, nextDue));
        else edits.length = 0; // no cadence to compute the next date from: leave it to the author
      }
      const recordTitle = byLast ? `Set 'last_reviewed' to today (${t.today})` : byHistory ? `Record a review today (${t.today}) in 'reviews'` : `Insert 'last_reviewed: ${t.today}'`;
      const fixes: Fix[] = edits.length ? [{ title: `${recordTitle}${edits.length > 1 ? ` and 'next_review' to ${nextDue}` : ''}`, edits, isPreferred: true }] : [];
      const [atS, atE] = byLast
        ? [lastE!.valueStart, lastE!.valueEnd]
        : byHistory && own?.latest
          ? [m.base + own.latest.start, m.base + own.latest.end]
          : nextE
            ? [nextE.valueStart, nextE.valueEnd]
            : histE
              ? [histE.keyStart, histE.keyEnd]
              : [t.anchor.start, t.anchor.end];
      r.add(
        reviewOverdue.id,
        atS,
        atE,
        `The review of ${identity ? t.subject.replace(/^Identity /, 'identity ') : 'this document'} is ${late} ${late === 1 ? 'day' : 'days'} overdue: it was due on ${facts.reviewDue}${facts.lastReviewed && nextText === undefined ? ` (last reviewed ${facts.lastReviewed}, cadence ${cadText})` : ''} (${reviewCites}). Review ${what} and record the date.`,
        fixes,
        { daysOverdue: late, due: facts.reviewDue },
      );
    }
  }
  return facts;
}

/** Fix: record a review dated today in the `reviews` history (else insert `last_reviewed`). */
function historyFix(m: YamlMapping, histE: MappingEntry, today: string, eol: string): Fix {
  const edit = appendHistoryEdit(m, histE, today, eol);
  return edit
    ? { title: `Record a review today (${today}) in 'reviews'`, edits: [edit], isPreferred: true }
    : { title: `Insert 'last_reviewed: ${today}'`, edits: [m.insertEdit('last_reviewed', today, eol)], isPreferred: true };
}

function plainScalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function plainList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(plainScalar).filter((x): x is string => x !== undefined);
  const s = plainScalar(v);
  return s === undefined ? [] : [s];
}

export const ownership: RuleUnit = {
  meta: [ownerMissing, ownerShared, reviewCadenceMissing, reviewCadenceInvalid, reviewOverdue, reviewDateMissing],
  identity(c) {
    checkOwnership({ mapping: c.m, kind: 'identity', subject: c.subject, anchor: c.anchor, inherited: c.defaults, today: c.today, eol: c.eol, data: c.data }, c.r);
  },
  /** An unreadable review cadence in `defaults:` would silently apply to every identity. */
  defaults(c) {
    const cad = c.m.get('review_cadence');
    const t = cad ? scalarText(cad.value) : undefined;
    if (cad && t !== undefined && parseCadenceDays(t) === undefined) {
      c.r.add(reviewCadenceInvalid.id, cad.valueStart, cad.valueEnd, `'${t}' in defaults is not a review cadence: write an ISO 8601 duration (P90D, P3M, P1Y) or daily, weekly, monthly, quarterly, semiannual, annual. Every identity inherits it (NHI1:2025 Improper Offboarding, NHI5:2025 Overprivileged NHI; CSF PR.AA-05, ISO 27001 A.5.18).`, [], { value: t });
    }
  },
  document(c) {
    const { front, byKey, type, lines } = c;
    if (!front || front.broken || !front.map || !front.entries.length) return;
    const anchorEntry = byKey.get('type') ?? front.entries[0];
    const target = new Reporter(lines);
    checkOwnership(
      {
        mapping: new YamlMapping(front.map, front.start, target),
        kind: 'document',
        subject: type ? `This ${type}` : 'This document',
        anchor: { start: anchorEntry.keyStart, end: lines.lineEnd(anchorEntry.line) },
        today: todayOf(c.config),
        eol: lines.eol,
        // Owner-like keys of ours name the owner when `owner` is absent (a runbook naming only its team's channel).
        aliases: { ...c.aliases, ...Object.fromEntries(OWNER_FALLBACK_KEYS.map((k) => [k, 'owner'])) },
        reportInvalidDates: false,
        defaultCadence: 'annual',
      },
      target,
    );
    // A record is evidence kept as it was: it has an owner but no review cycle of its own.
    for (const f of target.findings) if (type !== 'record' || !f.ruleId.startsWith('review-')) c.r.findings.push(f);
  },
};

/** The owners of an identity as checkOwnership reads them: `owner` (or its alias `owners`), else inherited. */
export function identityOwners(m: YamlMapping, inherited: Readonly<Record<string, unknown>>): string[] {
  return ownersOf(m.get('owner') ?? m.get('owners'), inherited);
}
