/**
 * The syntax of one section of a Markdown body, from remark-parse (unified; CommonMark): the prose the
 * rules read (with code, HTML comments, link destinations and URLs blanked out), the headings, the
 * links and the HTML anchors, all with offsets in the section text.
 *
 * Sections are cut by a cheap scan (markdown-body's `sectionStarts`) before lines that start with `#`
 * at column 0. Such a line is a top-level ATX heading to a parser of the whole document, so it ends
 * every open block, except a fenced code block or an HTML block that is still open at the top level
 * before it. `open` reports exactly that case; the caller then parses the section together with the
 * next one. So the sections, parsed one by one, give what one parse of the whole body gives (tested
 * on random documents and edits).
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import type { Nodes, Root, RootContent } from 'mdast';
import type { Heading } from './document';

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
}

const processor = unified().use(remarkParse);

/** Parses a Markdown text (a section, or a whole body) into the facts the rules use. */
export function parseSection(text: string): SectionSyntax {
  const tree = processor.parse(text) as Root;
  const out: SectionSyntax = { segments: [], headings: [], links: [], anchors: [], open: false };
  for (const node of tree.children) block(node, text, out);
  out.open = isOpen(tree, text);
  return out;
}

const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const ANCHOR = /<a\s[^>]*?(?:name|id)\s*=\s*["']([^"']+)["']/gi;
const URL = /<https?:[^>]*>|https?:\/\/\S+/g;

function block(node: RootContent, text: string, out: SectionSyntax): void {
  switch (node.type) {
    case 'paragraph':
      inline(node, node.position!.start.offset!, node.position!.end.offset!, text, out);
      return;
    case 'heading': {
      const kids = node.children;
      const s = kids.length ? kids[0].position!.start.offset! : node.position!.start.offset!;
      const e = kids.length ? kids[kids.length - 1].position!.end.offset! : s;
      out.headings.push({ level: node.depth, text: text.slice(s, e).trim(), line: node.position!.start.line - 1, start: s, end: e });
      if (kids.length) inline(node, s, e, text, out);
      return;
    }
    case 'html': {
      const s = node.position!.start.offset!;
      const masked = blankComments(text.slice(s, node.position!.end.offset!));
      if (masked.trim()) {
        out.segments.push({ start: s, text: masked.replace(URL, blank) });
        for (const m of masked.matchAll(ANCHOR)) out.anchors.push(m[1]);
      }
      return;
    }
    case 'definition':
      link(node.url, node.position!.start.offset!, node.position!.end.offset!, text, ']:', out);
      return;
    case 'code':
    case 'thematicBreak':
      return;
    default:
      if ('children' in node) for (const c of node.children as RootContent[]) block(c, text, out);
  }
}

/** One prose segment for the inline content [s, e) of a paragraph or heading, with non-prose blanked. */
function inline(node: Nodes, s: number, e: number, text: string, out: SectionSyntax): void {
  const masks: [number, number][] = [];
  const visit = (n: Nodes): void => {
    const ns = n.position!.start.offset!;
    const ne = n.position!.end.offset!;
    switch (n.type) {
      case 'inlineCode':
        masks.push([ns, ne]);
        return;
      case 'html':
        if (n.value.startsWith('<!--')) masks.push([ns, ne]);
        else for (const m of n.value.matchAll(ANCHOR)) out.anchors.push(m[1]);
        return;
      case 'link': {
        if (text[ns] === '<') {
          masks.push([ns, ne]); // autolink
          return;
        }
        for (const c of n.children) visit(c);
        const labelEnd = n.children.length ? n.children[n.children.length - 1].position!.end.offset! : ns + 1;
        link(n.url, labelEnd, ne, text, '](', out);
        masks.push([labelEnd, ne]);
        return;
      }
      case 'image': {
        const labelEnd = text.indexOf('](', ns + 2);
        if (labelEnd >= 0 && labelEnd < ne) {
          link(n.url, labelEnd, ne, text, '](', out);
          masks.push([labelEnd, ne]);
        }
        return;
      }
      default:
        if ('children' in n) for (const c of n.children as Nodes[]) visit(c);
    }
  };
  if ('children' in node) for (const c of node.children as Nodes[]) visit(c);
  let src = text.slice(s, e);
  if (masks.length) {
    let masked = '';
    let at = s;
    for (const [ms, me] of masks) {
      if (ms < at) continue;
      masked += text.slice(at, ms) + blank(text.slice(ms, me));
      at = me;
    }
    src = masked + text.slice(at, e);
  }
  out.segments.push({ start: s, text: src.replace(URL, blank) });
}

/** Records the destination `url` of a link, image or definition whose destination follows `mark` in [from, to). */
function link(url: string, from: number, to: number, text: string, mark: string, out: SectionSyntax): void {
  const m = text.indexOf(mark, from);
  if (m < 0 || m >= to) return;
  let p = m + mark.length;
  while (p < to && /\s/.test(text[p])) p++;
  const rest = text.slice(p, mark === '](' ? to - 1 : to);
  const d = /^<([^>\n]*)>|^\S*/.exec(rest)!;
  const raw = d[1] ?? d[0];
  out.links.push({ dest: url, raw, at: p + (d[1] !== undefined ? 1 : 0) });
}

function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

function blankComments(s: string): string {
  return s.includes('<!--') ? s.replace(COMMENT, blank) : s;
}

/** CommonMark's HTML blocks of kinds 1 to 5: how they start, and the mark that ends them. */
const HTML_ENDS: [RegExp, RegExp][] = [
  [/^ {0,3}<(?:script|pre|style|textarea)(?:[\s>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];

/** Does the text end inside a top-level fenced code block or HTML block that a following `#` line would not end? */
function isOpen(tree: Root, text: string): boolean {
  const last = tree.children[tree.children.length - 1];
  if (!last) return false;
  const s = last.position!.start.offset!;
  const e = last.position!.end.offset!;
  const src = text.slice(s, e);
  if (last.type === 'code') {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(src);
    if (!f) return false; // indented code ends at the heading
    const nl = src.lastIndexOf('\n');
    if (nl < 0) return true;
    const close = /^ {0,3}(`{3,}|~{3,})[ \t\r]*$/.exec(src.slice(nl + 1));
    return !(close && close[1][0] === f[1][0] && close[1].length >= f[1].length);
  }
  if (last.type === 'html') {
    // HTML blocks that start with these end at the line holding their end mark (or run to the end);
    // all others end at a blank line (a heading does not end them).
    const end = HTML_ENDS.find(([start]) => start.test(src));
    if (end) return !end[1].test(src.slice(4));
    return !/^\r?\n[ \t]*\r?\n/.test(text.slice(e));
  }
  return false;
}
