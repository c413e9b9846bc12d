/**
 * The controls-list family, one check over the front matter `controls` and the body's citations:
 * controls-missing (no list, or an empty one; the fix lists what the body cites) and control-unlisted (the
 * body cites a control the list omits; the fix adds it).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { FRAMEWORKS, frameworkOfName } from '../../catalog/frameworks';
import { listItems, scanListItem } from '../../lang/yaml-controls';
import { isEmptyValue, type FmEntry, type FrontMatter } from '../../lang/document';
import { trimEnd } from '../../lang/yaml-mapping';
import { refIds, shiftRef, type ControlRef } from '../../refs/scan';
import type { Reporter } from '../../report';
import type { LineIndex } from '../../text';
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const controlsMissing = defineRule({
  id: 'controls-missing',
  description: 'The front matter `controls` is absent or empty. The fix lists the controls the body cites.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:6.1.3'],
});

export const controlUnlisted = defineRule({
  id: 'control-unlisted',
  description: 'The body cites a control that the front matter `controls` omits.',
  defaultSeverity: 'info',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:6.1.3'],
});

export const controlsList: RuleUnit = {
  meta: [controlsMissing, controlUnlisted],
  document(c) {
    const { text, lines, byKey, body, config, r } = c;
    const eol = lines.eol;
    const front = c.readable;
    // An empty front matter block is reported once, by front-matter-missing, whose fix fills it in.
    if (front && !front.broken && front.entries.length) {
      const controls = byKey.get('controls');
      const listed = new Set<string>();
      if (controls && controls.value) {
        for (const { item, hint } of listItems(controls.value)) {
          if (!isScalar(item) || item.value === null) continue;
          for (const ref of scanListItem(String(item.value), 0, config.frameworks, hint)) {
            for (const id of refIds(ref)) for (const k of keysFor(ref.framework, id)) listed.add(k);
          }
        }
      }
      // One entry per citation that names controls missing from the list (a range names several).
      const unlisted: { ref: ControlRef; canonicals: string[] }[] = [];
      const seen = new Set<string>();
      for (const section of body.sections) {
        // One entry per citation (a range names several controls), in the order of the citations.
        const byRef = new Map<number, string[]>();
        for (const [key, i] of section.keys) {
          if (listed.has(key) || seen.has(key)) continue;
          seen.add(key);
          const colon = key.indexOf(':');
          const fw = key.slice(0, colon) as keyof typeof FRAMEWORKS;
          const canonical = `${FRAMEWORKS[fw].prefix}:${key.slice(colon + 1)}`;
          const list = byRef.get(i);
          if (list) list.push(canonical);
          else byRef.set(i, [canonical]);
        }
        for (const [i, canonicals] of byRef) unlisted.push({ ref: shiftRef(section.refs[i], section.base), canonicals });
      }
      if (!controls || isEmptyValue(controls.value)) {
        const wanted = unlisted.flatMap((u) => u.canonicals);
        const line = `controls: [${wanted.join(', ')}]`;
        const fix: Fix = controls
          ? { title: wanted.length ? `Set controls to [${wanted.join(', ')}]` : "Set 'controls: []'", edits: [r.edit(controls.keyStart, valueEndOf(text, controls), line)], isPreferred: true }
          : { title: wanted.length ? `Insert 'controls: [${wanted.join(', ')}]'` : "Insert 'controls: []'", edits: [r.edit(lines.lineStarts[front.closeLine], lines.lineStarts[front.closeLine], line + eol)], isPreferred: true };
        const at = controls ?? byKey.get('type') ?? front.entries[0];
        const [s, e] = at ? [at.keyStart, lines.lineEnd(at.line)] : [lines.lineStarts[front.openLine], lines.lineEnd(front.openLine)];
        r.add(
          controlsMissing.id,
          s,
          e,
          `This document lists no controls: an auditor will ask which controls it implements (the Statement of Applicability points to it). Add them to 'controls:'.`,
          wanted.length || !controls ? [fix] : [],
          { suggested: wanted },
        );
      } else {
        for (const u of unlisted) {
          const fix = appendControlFix(text, lines, front, controls, u.canonicals, r);
          const what = u.canonicals.length === 1 ? u.canonicals[0] : u.canonicals.join(', ');
          r.add(
            controlUnlisted.id,
            u.ref.start,
            u.ref.end,
            `'${u.ref.raw}' (${what}) is cited here but not listed in the front matter 'controls': a coverage report built from the lists will miss this document as evidence for ${u.canonicals.length === 1 ? 'it' : 'them'}.`,
            fix ? [fix] : [],
            { controls: u.canonicals },
          );
        }
      }
    }
  },
};

/** ISO/IEC 27002 clause X and ISO/IEC 27001 Annex A.X are the same control. */
function keysFor(framework: string, id: string): string[] {
  if (framework === 'iso27001' && id.startsWith('A.')) return [`iso27001:${id}`, `iso27002:${id.slice(2)}`];
  if (framework === 'iso27002') return [`iso27002:${id}`, `iso27001:A.${id}`];
  return [`${framework}:${id}`];
}
/** End of an entry's value text (a trailing comment is not part of it), or just after `key:` when empty. */
function valueEndOf(text: string, e: FmEntry): number {
  const v = e.value;
  if (v && v.range && (!(isScalar(v) && v.value === null) || v.range[1] > v.range[0])) return trimEnd(text, e.base + v.range[1]); // (an explicit ~ / null is replaced)
  const colon = text.indexOf(':', e.keyEnd);
  return colon >= 0 ? colon + 1 : e.keyEnd;
}
function appendControlFix(text: string, lines: LineIndex, front: FrontMatter, controls: FmEntry, ids: string[], r: Reporter): Fix | undefined {
  let v = controls.value as Node;
  const fmStart = front.start;
  const title = `Add ${ids.join(', ')} to '${controls.key}'`;
  if (isMap(v)) {
    // A framework map (`satisfies: {TSC: [CC6.1]}`): add to the list of the IDs' framework, without the prefix.
    const fws = new Set(ids.map((x) => Object.values(FRAMEWORKS).find((f) => x.startsWith(`${f.prefix}:`))?.id));
    const fw = fws.size === 1 ? [...fws][0] : undefined;
    const pair = fw && v.items.find((p) => isScalar(p.key) && frameworkOfName(String(p.key.value)) === fw);
    if (!pair || !isSeq(pair.value)) return undefined;
    v = pair.value;
    ids = ids.map((x) => x.slice(x.indexOf(':') + 1));
  }
  const id = ids.join(', ');
  if (isSeq(v) && v.range) {
    const [s, e] = v.range;
    const src = text.slice(fmStart + s, fmStart + e);
    if (src.trimStart().startsWith('[')) {
      const close = fmStart + s + src.lastIndexOf(']');
      let p = close;
      while (p > fmStart + s && /\s/.test(text[p - 1])) p--;
      const empty = text[p - 1] === '[';
      return { title, edits: [r.edit(p, p, empty ? id : `, ${id}`)], isPreferred: true };
    }
    const last = v.items[v.items.length - 1] as Node | undefined;
    if (!last || !last.range) return undefined;
    const lastLine = lines.positionAt(trimEnd(text, fmStart + last.range[1])).line;
    const itemLine = lines.positionAt(fmStart + last.range[0]).line;
    const dash = /^(\s*-\s*)/.exec(lines.lineText(itemLine));
    const at = lines.lineEnd(lastLine);
    const lead = dash ? dash[1] : '  - ';
    return { title, edits: [r.edit(at, at, ids.map((x) => `${lines.eol}${lead}${x}`).join(''))], isPreferred: true };
  }
  if (isScalar(v) && v.range && typeof v.value === 'string') {
    const at = trimEnd(text, fmStart + v.range[1]);
    const quoted = /["']/.test(text[at - 1]);
    const p = quoted ? at - 1 : at;
    return { title, edits: [r.edit(p, p, `, ${id}`)], isPreferred: true };
  }
  return undefined;
}