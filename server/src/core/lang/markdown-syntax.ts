/**
 * The syntax of one section of a Markdown body (markdown-section): the prose the rules read (with code,
 * HTML comments, link destinations and URLs blanked out), the headings, the links and the HTML anchors,
 * all with offsets in the section text. Read by markdown-fast when the section keeps to the constructs
 * it reads exactly, else by remark-parse (markdown-remark); the two are tested equal.
 *
 * Sections are cut by a cheap scan (markdown-body's `sectionStarts`) before lines that start with `#`
 * at column 0. Such a line is a top-level ATX heading to a parser of the whole document, so it ends
 * every open block, except a fenced code block or an HTML block that is still open at the top level
 * before it. `open` reports exactly that case; the caller then parses the section together with the
 * next one. So the sections, parsed one by one, give what one parse of the whole body gives (tested
 * on random documents and edits).
 *
 * remark never gets a line that may nest deeper than MAX_NESTING block quotes and list items, nor a
 * paragraph keeping more than MAX_INLINE_OPEN links or emphasis marks open (markdown-depth: micromark's
 * time grows with the square of both): those lines are blanked, the rest is read, and `deep` and `dense`
 * say what was not.
 */
import { blankDeepLines, blankDenseParagraphs } from './markdown-depth';
import { readSection } from './markdown-fast';
import { parseWithRemark } from './markdown-remark';
import type { SectionSyntax } from './markdown-section';

export type { BodyLink, DeepPart, DensePart, Segment, SectionSyntax } from './markdown-section';

/** Parses a Markdown text (a section, or a whole body) into the facts the rules use. */
export function parseSection(text: string): SectionSyntax {
  const fast = readSection(text);
  if (fast) return fast; // (it reads 48 levels at most, and inline syntax in linear time)
  const deep = blankDeepLines(text);
  const dense = blankDenseParagraphs(deep ? deep.text : text);
  if (!deep && !dense) return parseWithRemark(text);
  const read = dense ? dense.text : deep!.text;
  const out = readSection(read) ?? parseWithRemark(read);
  if (deep) out.deep = deep.part;
  if (dense) out.dense = dense.part;
  return out;
}
