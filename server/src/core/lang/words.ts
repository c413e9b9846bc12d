/**
 * Shared text vocabulary of the readers and the rules: placeholder marks, words that speak of records,
 * and how a heading is normalised before it is compared with a required section's name.
 */
import { parseCadenceDays } from '../dates';
import { closest } from './document';

/** Marker words count in capitals only ("a todo list" is prose); template markup in any case. */
export const PLACEHOLDER_WORDS = /\b(?:TODO|TBD|TBC|FIXME|XXX)\b/g;
export const PLACEHOLDER_MARKUP = /<insert[^>]*>|\[(?:owner|approver|name|date|team|email|system|insert[^\]]*|your [^\]]*)\](?![([:])/gi;

/**
 * A YAML value that is nothing but a placeholder: a marker word, alone or leading (`TODO`, `TBD: ask infra`), an
 * ellipsis (`...`, `…`), or template text in angle brackets (`<fill me>`, `<insert runbook>`, `<your team>`). Such a value counts
 * as missing (`offboarding: TODO` is no offboarding); the `placeholder` rule reports it. Real text with a marker
 * inside ("Revoke in Vault; TODO automate") is not one.
 */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  // Each pattern below starts with one of these characters (T, F, X, '.', '…', '<', '['): most values start otherwise.
  const c = v.charCodeAt(0);
  if (c !== 84 && c !== 70 && c !== 88 && c !== 46 && c !== 0x2026 && c !== 60 && c !== 91) return false;
  return /^(?:TODO|TBD|TBC|FIXME|XXX)\b/.test(v) || /^(?:\.{3,}|…+)$/.test(v) || PLACEHOLDER_ANGLE.test(v) || PLACEHOLDER_MARKUP_WHOLE.test(v);
}

/** Template text in angle brackets (`<fill me>`, `<your team>`); not a description such as `<stored in vault>`. */
const PLACEHOLDER_ANGLE = /^<\s*(?:(?:fill|insert|your|replace|enter|add|put)\b[^<>]*|todo|tbd|tbc|placeholder|owner|name|team|email|path|url|link|date|value|runbook|\.{3}|…)\s*>$/i;

const PLACEHOLDER_MARKUP_WHOLE = /^\[(?:owner|approver|name|date|team|email|system|insert[^\]]*|your [^\]]*)\]$/i;

/** Words that show a section speaks of the records a procedure produces. */
export const RECORDS = /\b(?:evidence|records|audit trail|audit log|retention|retained|retain)\b/i;

/** A heading as compared with section names: lower case, no numbering ("2.1", "a."), no punctuation, `&` as "and". */
export function normaliseHeading(h: string): string {
  return h
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/^\s*(?:\d+(?:\.\d+)*\.?|[a-z]\.)\s+/, '')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const CADENCE_SUGGESTIONS = ['daily', 'weekly', 'monthly', 'quarterly', 'semiannual', 'annual', 'yearly', 'biannual'];

/**
 * The cadence a misspelt one most likely meant: an ISO 8601 duration with something after it (`P90DX` ->
 * `P90D`), or the closest cadence word (edit distance at most 2, or 3 for long words).
 */
export function nearestCadence(s: string): string | undefined {
  const v = s.trim().toLowerCase();
  const duration = /^p(\d{1,4})([dwmy])(?![\d])/.exec(v);
  if (duration) {
    const d = `P${duration[1]}${duration[2].toUpperCase()}`;
    return d.toLowerCase() !== v && parseCadenceDays(d) !== undefined ? d : undefined;
  }
  return closest(v, CADENCE_SUGGESTIONS, v.length > 7 ? 3 : 2);
}

/** Environment names common enough that a near miss of one (`prodx`, `stagging`) is a typo, not a name. */
export const COMMON_ENVIRONMENTS = [
  'prod', 'production', 'staging', 'stage', 'dev', 'development', 'test', 'testing', 'qa', 'uat', 'sandbox', 'preprod',
  'pre-prod', 'preproduction', 'nonprod', 'non-prod', 'integration', 'demo', 'perf', 'performance', 'dr', 'local', 'ci', 'shared',
];

/** Words that stand where a suppression's reason should be, and say nothing an auditor can check. */
const NON_REASONS = new Set([
  'n/a', 'na', 'none', 'no reason', 'reason', 'because', 'ok', 'okay', 'fine', 'ignore', 'ignored', 'wip', 'temp', 'tmp',
  'later', 'see above', 'see below', 'known', 'accepted', 'false positive', 'fp', 'x', 'tbd', 'todo', 'fixme', '...', '-', '?',
]);

/**
 * Is a suppression's reason empty or a placeholder (TODO, TBD, `[your reason]`, "n/a", "ok", "false positive"
 * alone)? A reason says why the finding is accepted, in words an auditor can check.
 */
export function isPlaceholderReason(reason: string): boolean {
  const r = reason.trim();
  if (!r || !/[\p{L}\p{N}]/u.test(r)) return true;
  if (r.search(PLACEHOLDER_WORDS) >= 0 || r.search(PLACEHOLDER_MARKUP) >= 0) return true;
  return NON_REASONS.has(r.toLowerCase().replace(/[.!]+$/, ''));
}
