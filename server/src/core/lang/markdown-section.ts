/**
 * What the rules need from the syntax of one section of a Markdown body, and how a reader records it.
 * Two readers fill it: markdown-fast (most sections) and markdown-remark (the rest); both record
 * through the functions here, so they agree on everything but the parse.
 */
import type { Heading } from './document';
import type { DeepPart, DensePart } from './markdown-depth';

export type { DeepPart, DensePart };

export interface Segment {
  start: number;
  text: string;
}

export interface BodyLink {
  /** The destination as the parser reads it (`runbooks/x.md#step`; escapes and character references decoded). */
  dest: string;
  /** The destination as written. */
  raw: string;
  /** Offset of the destination as written. */
  at: number;
}

export interface SectionSyntax {
  /** Prose: paragraphs, headings and HTML blocks with code, comments, destinations and URLs blanked (offsets kept). */
  segments: Segment[];
  /** Headings with their source text (inline markup as written), trimmed. */
  headings: Heading[];
  links: BodyLink[];
  /** Anchors declared with HTML (`<a name="x">`, `id="x"`). */
  anchors: string[];
  /** The section ends inside a top-level fenced code or HTML block, which the next heading would not end. */
  open: boolean;
  /** Lines nesting too deep to read were blanked before reading (markdown-depth); absent when none. */
  deep?: DeepPart;
  /** Paragraphs keeping too many links or emphasis marks open were blanked before reading (markdown-depth); absent when none. */
  dense?: DensePart;
}

/** A section with nothing in it (what a reader starts from). */
export function emptySyntax(): SectionSyntax {
  return { segments: [], headings: [], links: [], anchors: [], open: false };
}

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
export const ANCHOR = /<a\s[^>]*?(?:name|id)\s*=\s*["']([^"']+)["']/gi;
const URL = /<https?:[^>]*>|https?:\/\/\S+/g;

/** A heading whose inline content is [s, e) (s = e = the heading's start when it has none). */
export function pushHeading(level: number, line: number, s: number, e: number, text: string, out: SectionSyntax): void {
  out.headings.push({ level, text: text.slice(s, e).trim(), line, start: s, end: e });
}

/** An HTML block [s, e): its text with comments and URLs blanked (when any is left), its anchors. */
export function pushHtmlBlock(s: number, e: number, text: string, out: SectionSyntax): void {
  const masked = blankComments(text.slice(s, e));
  if (masked.trim()) {
    out.segments.push({ start: s, text: masked.replace(URL, blank) });
    for (const m of masked.matchAll(ANCHOR)) out.anchors.push(m[1]);
  }
}

/** The prose segment of inline content [s, e), with URLs and the ranges `masks` (start, end, start, end...; in order) blanked. */
export function pushSegment(s: number, e: number, masks: readonly number[], text: string, out: SectionSyntax): void {
  let src = text.slice(s, e);
  if (masks.length) {
    let masked = '';
    let at = s;
    for (let k = 0; k < masks.length; k += 2) {
      const ms = masks[k];
      const me = masks[k + 1];
      if (ms < at) continue;
      masked += text.slice(at, ms) + blank(text.slice(ms, me));
      at = me;
    }
    src = masked + text.slice(at, e);
  }
  out.segments.push({ start: s, text: src.replace(URL, blank) });
}

/** Records in `links` the destination `url` of a link, image or definition whose destination follows `mark` in [from, to). */
export function link(url: string, from: number, to: number, text: string, mark: string, links: BodyLink[]): void {
  const m = text.indexOf(mark, from);
  if (m < 0 || m >= to) return;
  let p = m + mark.length;
  while (p < to && /\s/.test(text[p])) p++;
  const rest = text.slice(p, mark === '](' ? to - 1 : to);
  const d = /^<([^>\n]*)>|^\S*/.exec(rest)!;
  const raw = d[1] ?? d[0];
  links.push({ dest: url, raw, at: p + (d[1] !== undefined ? 1 : 0) });
}

export function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

function blankComments(s: string): string {
  return s.includes('<!--') ? s.replace(COMMENT, blank) : s;
}

