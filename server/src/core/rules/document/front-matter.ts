/**
 * The front matter rules, one check over the document's front matter block: front-matter-missing (no block,
 * or an empty one; the fix inserts a complete block for the type the title or folder suggests) and
 * front-matter-invalid (unknown keys with "did you mean", aliases, values of the wrong shape, dates that are
 * not YYYY-MM-DD, types and statuses outside their lists).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Config } from '../../config';
import { closest, editDistance, type FmEntry, type Heading } from '../../lang/document';
import { canonicalKey, DOCUMENT_STATUSES, DOCUMENT_TYPES, FOREIGN_KEYS, FRONT_MATTER_KEYS } from '../../lang/document-schema';
import { trimEnd } from '../../lang/yaml-mapping';
import { readHistory } from '../../lang/history';
import { todayOf } from '../../dates';
import type { Reporter } from '../../report';
import type { LineIndex } from '../../text';
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';
import type { DocumentContext } from './context';

export const frontMatterMissing = defineRule({
  id: 'front-matter-missing',
  description: 'A file matching `documentGlobs` has no YAML front matter. The fix inserts a complete block for the type guessed from the title.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.2'],
});

export const frontMatterInvalid = defineRule({
  id: 'front-matter-invalid',
  description: 'A front matter key is unknown (`aprover`, with "did you mean") or an alias (`review_frequency`), or a value has the wrong shape, is not a `YYYY-MM-DD` date, or is not an allowed `type` or `status`.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.2'],
});

export const frontMatter: RuleUnit = {
  meta: [frontMatterMissing, frontMatterInvalid],
  document(c) {
    const { text, lines, front, h1, uri } = c;
    if (!front) {
      reportFrontMatterMissing(text, lines, h1, c.r, undefined, uri);
    } else if (!front.broken && front.entries.length === 0 && text.slice(front.start, front.end).trim() === '') {
      reportFrontMatterMissing(text, lines, h1, c.r, { start: 0, end: lines.lineStarts[front.closeLine + 1] ?? text.length }, uri);
    }
    if (!c.readable) return;
    for (const e of c.readable.entries) checkEntry(e, canonicalKey(e.key, c.aliases), c);
  },
};

function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}
const DATE_MEANING: Record<string, string> = {
  last_reviewed: 'when this document was last reviewed',
  next_review: 'when the next review is due',
  effective_date: 'when this document took effect',
};

/** The document types of ISMS Author and those the repository configured required sections for. */
export function documentTypes(config: Config): string[] {
  return [...new Set([...DOCUMENT_TYPES, ...Object.keys(config.documents.requiredSections).map((t) => t.toLowerCase())])];
}

/**
 * The canonical key a key that is neither ours, an alias nor a known foreign key is a misspelling of: a close
 * edit (one letter in a short key, two in a long one) of a canonical key or alias. Anything else is someone
 * else's key (a site generator's, a tool's) and is accepted silently.
 */
function misspelling(key: string, aliases: Record<string, string>): string | undefined {
  const k = key.toLowerCase();
  if (FOREIGN_KEYS.has(key) || FOREIGN_KEYS.has(k) || k.length < 4) return undefined;
  const max = k.length <= 7 ? 1 : 2;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of [...Object.keys(FRONT_MATTER_KEYS), ...Object.keys(aliases)]) {
    const d = swapped(k, c) ? 1 : editDistance(k, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best && bestD <= max ? canonicalKey(best, aliases) : undefined;
}

/** `a` is `b` with two adjacent letters swapped (`titel`, `onwer`): one slip, not two. */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

function checkEntry(e: FmEntry, canonical: string | undefined, c: DocumentContext): void {
  const { aliases, lines, r, configured } = c;
  if (!canonical) {
    const target = misspelling(e.key, aliases);
    if (!target) return;
    r.add(
      frontMatterInvalid.id,
      e.keyStart,
      e.keyEnd,
      `Unknown front matter key '${e.key}' (did you mean '${target}'?): tools and auditors will not read it as part of the document's control record.`,
      [{ title: `Rename to '${target}'`, edits: [r.edit(e.keyStart, e.keyEnd, target)], isPreferred: true, safe: true }],
      { key: e.key, suggestion: target },
    );
    return;
  }
  if (canonical !== e.key && !configured.has(e.key.toLowerCase())) {
    // Read correctly; a site generator or another tool may need its own spelling: an info, never a warning.
    r.add(
      frontMatterInvalid.id,
      e.keyStart,
      e.keyEnd,
      `'${e.key}' is read as '${canonical}'. Write '${canonical}' so every tool and reviewer finds the field, or accept this spelling with documents.keyAliases.`,
      [{ title: `Rename to '${canonical}'`, edits: [r.edit(e.keyStart, e.keyEnd, canonical)], isPreferred: true, safe: true }],
      { key: e.key, canonical, severity: 'info' },
    );
  }
  checkValue(e, canonical, lines, r, c.config);
}

function checkValue(e: FmEntry, canonical: string, lines: LineIndex, r: Reporter, config: Config): void {
  const v = e.value;
  if (!v || (isScalar(v) && v.value === null)) return; // empty: the *-missing rules speak for it
  const kind = FRONT_MATTER_KEYS[canonical];
  const [s, t] = v.range ? [v.range[0], v.range[1]] : [0, 0];
  const fmStart = e.base;
  const at = (msg: string, fixes: Fix[] = [], extra: Record<string, unknown> = {}) =>
    r.add(frontMatterInvalid.id, fmStart + s, Math.max(fmStart + s + 1, trimEnd(lines.text, fmStart + t)), msg, fixes, { key: e.key, ...extra });
  const isStr = isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number' || typeof v.value === 'boolean');
  switch (kind) {
    case 'string':
      if (!isStr) at(`'${e.key}' must be a single text value.`);
      break;
    case 'strings':
      if (!isStr && !(isSeq(v) && v.items.every((i) => isScalar(i)))) at(`'${e.key}' must be a name or a list of names.`);
      break;
    case 'version':
      if (!isStr) at(`'${e.key}' must be a version such as 1.3.`);
      break;
    case 'controls':
      // A list, a comma-separated string, or a map of framework -> list (comply's `satisfies: {TSC: [CC6.1]}`).
      if (!isStr && !isSeq(v) && !isMap(v)) at(`'${e.key}' must be a list of control references such as [ISO27001:A.5.16, CSF:PR.AA-01].`);
      break;
    case 'date': {
      const d = isScalar(v) ? v.value : undefined;
      const str = d instanceof Date ? d.toISOString().slice(0, 10) : typeof d === 'string' ? d.trim() : undefined;
      if (!str || !validDate(str)) {
        at(`'${e.key}' must be a date written YYYY-MM-DD (ISO 8601): an auditor cannot tell ${DATE_MEANING[canonical] ?? 'the date'} from '${lines.text.slice(fmStart + s, trimEnd(lines.text, fmStart + t))}'.`);
      }
      break;
    }
    case 'history':
      // Each entry a date or {date, by, outcome}; not after today (lang/history.ts).
      for (const p of readHistory(v, canonical, todayOf(config)).problems) {
        r.add(frontMatterInvalid.id, fmStart + p.start, Math.max(fmStart + p.start + 1, trimEnd(lines.text, fmStart + p.end)), `'${e.key}': ${p.message}.`, [], { key: e.key });
      }
      break;
    case 'evidence':
      // (Judged by evidence-unresolved and evidence-stale: rules/evidence/evidence.ts.)
      break;
    case 'suppressions':
      // (Its entries are judged by the suppression rules.)
      if (!isMap(v)) at(`'${e.key}' must map rule IDs to the reason each is accepted, such as {placeholder: "reason"} (docs/suppressions.md).`);
      break;
    case 'type':
    case 'status': {
      const allowed: readonly string[] = kind === 'type' ? documentTypes(config) : DOCUMENT_STATUSES;
      const val = isScalar(v) ? String(v.value) : undefined;
      if (val === undefined) {
        at(`'${e.key}' must be one of ${allowed.join(', ')}.`);
        break;
      }
      if (allowed.includes(val.toLowerCase())) break;
      const near = closest(val, allowed);
      if (near) {
        at(`Unknown ${kind} '${val}' (did you mean '${near}'?): expected one of ${allowed.join(', ')}.`, [
          { title: `Change to '${near}'`, edits: [r.edit(fmStart + s, trimEnd(lines.text, fmStart + t), near)], isPreferred: true, safe: true },
        ]);
      } else if (kind === 'type') {
        // Another tool's type (a site's page type, say): said once, as an info; the type-specific checks do not apply.
        at(`'${val}' is not a document type of ISMS Author (${allowed.join(', ')}): the checks for a type's sections and approval do not apply to this document.`, [], { severity: 'info' });
      } else {
        at(`Unknown ${kind} '${val}': expected one of ${allowed.join(', ')}.`);
      }
      break;
    }
  }
}
/** `replace`: the empty front matter block to fill (its fences included); otherwise a block is inserted. */
function reportFrontMatterMissing(text: string, lines: LineIndex, h1: Heading | undefined, r: Reporter, replace?: { start: number; end: number }, uri = ''): void {
  const eol = lines.eol;
  const title = h1?.text ?? '';
  const type = guessType(title, uri);
  const block = [
    '---',
    `title: ${title ? yamlText(title) : ''}`.trimEnd(),
    `type: ${type}`,
    'owner: ',
    ...(type === 'policy' || type === 'standard' ? ['approver: '] : []),
    'review_cadence: annual',
    'last_reviewed: ',
    'status: draft',
    'version: "0.1"',
    'controls: []',
    '---',
    '',
  ].join(eol);
  const end = lines.lineEnd(0);
  r.add(
    frontMatterMissing.id,
    0,
    end,
    `This document has ${replace ? 'an empty' : 'no'} front matter: an auditor will ask who owns it, who approved it, when it was last reviewed and which controls it implements (ISO 27001 clause 7.5.2).`,
    [{ title: `${replace ? 'Fill in' : 'Insert'} front matter for a ${type}`, edits: [replace ? r.edit(replace.start, replace.end, block) : r.edit(0, 0, block)], isPreferred: true }],
    { type },
  );
  void text;
}
/** The document type a title ("Access Control Policy") or a path (runbooks/x.md) suggests; policy otherwise. */
export function guessType(title: string, uri: string): string {
  const lower = title.toLowerCase();
  const byTitle = DOCUMENT_TYPES.find((t) => t !== 'record' && lower.includes(t));
  if (byTitle) return byTitle;
  const dirs = decodeURIComponent(uri).toLowerCase().split(/[\\/]/).slice(0, -1);
  for (const d of dirs.reverse()) {
    const t = DOCUMENT_TYPES.find((x) => d === x || d === `${x}s` || (x === 'policy' && d === 'policies'));
    if (t) return t;
  }
  return 'policy';
}
function yamlText(s: string): string {
  return /^[\w][\w .()/-]*$/.test(s) && !/: |\s#/.test(s) ? s : JSON.stringify(s);
}