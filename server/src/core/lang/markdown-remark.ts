/**
 * The reference reader of a section: unified + remark-parse (CommonMark), its tree read into a
 * SectionSyntax. It reads everything; markdown-fast reads the common constructs about 10x faster and
 * is tested equal to this one.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import type { Link, Nodes, Root, RootContent } from 'mdast';
import { ANCHOR, emptySyntax, link, pushHeading, pushHtmlBlock, pushSegment, type SectionSyntax } from './markdown-section';

const processor = unified().use(remarkParse);

/** Reads a section with remark-parse. */
export function parseWithRemark(text: string): SectionSyntax {
  const tree = processor.parse(text) as Root;
  const out = emptySyntax();
  // Pre-order, with an explicit stack: block quotes and lists nest as deep as the text says (the
  // depth guard of markdown-syntax keeps remark's input shallow, but this walk does not rely on it).
  const stack: RootContent[] = [];
  for (let k = tree.children.length - 1; k >= 0; k--) stack.push(tree.children[k]);
  for (let node = stack.pop(); node; node = stack.pop()) {
    const kids = block(node, text, out);
    if (kids) for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
  }
  out.open = isOpen(tree, text);
  return out;
}

/** Records a block; returns the children to read next (containers), in order. */
function block(node: RootContent, text: string, out: SectionSyntax): RootContent[] | undefined {
  switch (node.type) {
    case 'paragraph':
      inline(node, node.position!.start.offset!, node.position!.end.offset!, text, out);
      return undefined;
    case 'heading': {
      const kids = node.children;
      const s = kids.length ? kids[0].position!.start.offset! : node.position!.start.offset!;
      const e = kids.length ? kids[kids.length - 1].position!.end.offset! : s;
      pushHeading(node.depth, node.position!.start.line - 1, s, e, text, out);
      if (kids.length) inline(node, s, e, text, out);
      return undefined;
    }
    case 'html':
      pushHtmlBlock(node.position!.start.offset!, node.position!.end.offset!, text, out);
      return undefined;
    case 'definition':
      link(node.url, node.position!.start.offset!, node.position!.end.offset!, text, ']:', out.links);
      return undefined;
    case 'code':
    case 'thematicBreak':
      return undefined;
    default:
      return 'children' in node ? (node.children as RootContent[]) : undefined;
  }
}

/** A link whose children have been read: its destination and mask come after theirs (see `inline`). */
interface LinkEnd {
  end: Link;
}

/** One prose segment for the inline content [s, e) of a paragraph or heading, with non-prose blanked. */
function inline(node: Nodes, s: number, e: number, text: string, out: SectionSyntax): void {
  const masks: number[] = [];
  // Pre-order with an explicit stack (emphasis and links nest as deep as the text says); a link's own
  // destination and mask are recorded after its children's, as a recursive walk would.
  const stack: (Nodes | LinkEnd)[] = [];
  const pushKids = (n: Nodes) => {
    if (!('children' in n)) return;
    const kids = n.children as Nodes[];
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
  };
  pushKids(node);
  for (let item = stack.pop(); item; item = stack.pop()) {
    if ('end' in item) {
      const n = item.end;
      const ne = n.position!.end.offset!;
      const labelEnd = n.children.length ? n.children[n.children.length - 1].position!.end.offset! : n.position!.start.offset! + 1;
      link(n.url, labelEnd, ne, text, '](', out.links);
      masks.push(labelEnd, ne);
      continue;
    }
    const n = item;
    const ns = n.position!.start.offset!;
    const ne = n.position!.end.offset!;
    switch (n.type) {
      case 'inlineCode':
        masks.push(ns, ne);
        break;
      case 'html':
        if (n.value.startsWith('<!--')) masks.push(ns, ne);
        else for (const m of n.value.matchAll(ANCHOR)) out.anchors.push(m[1]);
        break;
      case 'link':
        if (text[ns] === '<') {
          masks.push(ns, ne); // autolink
          break;
        }
        stack.push({ end: n });
        pushKids(n);
        break;
      case 'image': {
        const labelEnd = text.indexOf('](', ns + 2);
        if (labelEnd >= 0 && labelEnd < ne) {
          link(n.url, labelEnd, ne, text, '](', out.links);
          masks.push(labelEnd, ne);
        }
        break;
      }
      default:
        pushKids(n);
    }
  }
  pushSegment(s, e, masks, text, out);
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
