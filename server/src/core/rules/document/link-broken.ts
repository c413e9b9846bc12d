/**
 * link-broken: a relative link or image to a file that does not exist, or to a heading anchor that the
 * document (or the linked Markdown file, read through the FileHost) does not have.
 */
import { bodyStartLine, closest, frontMatterRange, headingSlugs } from '../../lang/document';
import { documentAnchors, type BodyLink } from '../../lang/markdown-body';
import type { Reporter } from '../../report';
import { LineIndex } from '../../text';
import type { FileHost } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

const DOC_CONTROL = ['ISO27001:7.5.3'];

export const linkBroken = defineRule({
  id: 'link-broken',
  description: 'A relative link or image to a file that does not exist, or to a heading anchor that the document (or the linked Markdown file) does not have.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: DOC_CONTROL,
});

export const links: RuleUnit = {
  meta: [linkBroken],
  document(c) {
    const { body, r, host, uri } = c;
    let slugs: Set<string> | undefined; // built on the first in-document anchor link only
    const ownSlugs = () => {
      if (!slugs) {
        slugs = headingSlugs(body.headings);
        for (const a of body.htmlAnchors) slugs.add(a);
      }
      return slugs;
    };
    for (const l of body.links) checkLink(l, ownSlugs, r, host, uri);
  },
};

/**
 * link-broken for one link. Ranges are in the destination as written (`raw` at `at`); the parts read from
 * `dest` (escapes decoded). A fix is offered only when the two are the same text.
 */
function checkLink(link: BodyLink, ownSlugs: () => Set<string>, r: Reporter, host: FileHost | undefined, uri: string): void {
  const { dest, raw, at } = link;
  if (dest === '' || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(dest)) return; // URLs, mailto:, protocol-relative
  const hash = dest.indexOf('#');
  const rawHash = raw.indexOf('#');
  const fixable = raw === dest;
  const path = hash < 0 ? dest : dest.slice(0, hash);
  const anchor = hash < 0 ? undefined : decodeAnchor(dest.slice(hash + 1));
  if (path === '') {
    const slugs = ownSlugs();
    if (anchor === undefined || anchor === '' || slugs.has(anchor) || slugs.has(anchor.toLowerCase())) return;
    const s = at + 1;
    const e = at + raw.length;
    const near = fixable ? nearSlug(anchor, slugs) : undefined;
    r.add(
      linkBroken.id,
      at,
      e,
      `No heading in this document has the anchor '#${anchor}'${near ? ` (did you mean '#${near}'?)` : ''}: a reader, or an auditor following the reference, lands nowhere.`,
      near ? [{ title: `Change to #${near}`, edits: [r.edit(s, e, near)], isPreferred: true, safe: true }] : [],
    );
    return;
  }
  if (!host) return;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    /* keep as written */
  }
  const kind = host.stat(uri, decoded);
  if (kind === 'missing') {
    r.add(linkBroken.id, at, at + (rawHash < 0 ? raw.length : rawHash), `'${decoded}' does not exist: a reader, or an auditor following this reference to its evidence, lands nowhere.`, [], { target: decoded });
    return;
  }
  if (kind !== 'file' || anchor === undefined || anchor === '' || !/\.(md|markdown)$/i.test(decoded)) return;
  const other = host.readText(uri, decoded);
  if (other === undefined) return;
  const otherLines = new LineIndex(other);
  const theirSlugs = documentAnchors(otherLines, bodyStartLine(otherLines, frontMatterRange(other)));
  if (theirSlugs.has(anchor) || theirSlugs.has(anchor.toLowerCase())) return;
  const near = fixable ? nearSlug(anchor, theirSlugs) : undefined;
  const s = at + hash + 1;
  const e = at + raw.length;
  r.add(
    linkBroken.id,
    at + Math.max(rawHash, 0),
    e,
    `'${decoded}' has no heading with the anchor '#${anchor}'${near ? ` (did you mean '#${near}'?)` : ''}.`,
    near ? [{ title: `Change to #${near}`, edits: [r.edit(s, e, near)], isPreferred: true, safe: true }] : [],
    { target: decoded, anchor },
  );
}
/**
 * The suggestion for a broken anchor (lang/document closest over the slugs), kept per set of slugs: a document with
 * hundreds of broken fragment links compares each with every heading once, not on every keystroke. Bounded: the
 * last few slug sets (documents open side by side, a linked file's), a few thousand anchors each.
 */
const suggestions = new Map<string, Map<string, string | undefined>>();
const keyOf = new WeakMap<Set<string>, string>();
const MAX_SLUG_SETS = 8;
const MAX_ANCHORS = 4096;

function nearSlug(anchor: string, slugs: Set<string>): string | undefined {
  let key = keyOf.get(slugs);
  if (key === undefined) keyOf.set(slugs, (key = JSON.stringify([...slugs])));
  let byAnchor = suggestions.get(key);
  if (byAnchor) {
    suggestions.delete(key);
    suggestions.set(key, byAnchor);
  } else {
    suggestions.set(key, (byAnchor = new Map()));
    if (suggestions.size > MAX_SLUG_SETS) suggestions.delete(suggestions.keys().next().value!);
  }
  if (byAnchor.has(anchor)) return byAnchor.get(anchor);
  const near = closest(anchor, slugs);
  if (byAnchor.size >= MAX_ANCHORS) byAnchor.clear();
  byAnchor.set(anchor, near);
  return near;
}

function decodeAnchor(a: string): string {
  try {
    return decodeURIComponent(a);
  } catch {
    return a;
  }
}