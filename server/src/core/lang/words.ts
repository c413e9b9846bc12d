/**
 * Shared text vocabulary of the readers and the rules: placeholder marks, words that speak of records,
 * and how a heading is normalised before it is compared with a required section's name.
 */

/** Marker words count in capitals only ("a todo list" is prose); template markup in any case. */
export const PLACEHOLDER_WORDS = /\b(?:TODO|TBD|TBC|FIXME|XXX)\b/g;
export const PLACEHOLDER_MARKUP = /<insert[^>]*>|\[(?:owner|approver|name|date|team|email|system|insert[^\]]*|your [^\]]*)\](?![([:])/gi;

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
