/**
 * The control-reference family: control-unknown, control-legacy, control-malformed, control-out-of-scope.
 * One check over the references the scanner resolved (refs/scan.ts), in a `controls:` list in YAML or in the
 * prose of a Markdown section; in a list, an item that is no reference at all is control-unknown too, and a
 * legacy item whose successor the list already names is removed rather than replaced.
 */
import { isScalar, isSeq, type Scalar, type YAMLSeq } from 'yaml';
import { catalog } from '../../catalog/catalog';
import { FRAMEWORKS } from '../../catalog/frameworks';
import { refIds, type ControlRef } from '../../refs/scan';
import type { Reporter } from '../../report';
import type { Fix } from '../../types';
import { defineRule } from '../meta';
import type { RuleUnit } from '../rule';

export const controlUnknown = defineRule({
  id: 'control-unknown',
  description: 'The reference has the shape of a framework\'s ID but is not in that framework\'s catalog (`PR.AA-07`, `A.5.38`, `CC6.9`, `NHI11`), or a `controls:` item is not a control reference at all.',
  defaultSeverity: 'error',
  scope: 'both',
  fixable: false,
});

export const controlLegacy = defineRule({
  id: 'control-legacy',
  description: 'The ID comes from an earlier edition: CSF 1.1 (`PR.AC-4`), ISO/IEC 27001:2013 Annex A (`A.9.2.1`, `A.9`), or a withdrawn SP 800-53 control (`AC-13`).',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
});

export const controlMalformed = defineRule({
  id: 'control-malformed',
  description: 'A near miss of a real ID (`PR.AA-1`, `A5.16`, `NHI-01`, `cc6.1`, `ISO27001:5.16`). It is rewritten to the canonical form.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: true,
});

export const controlOutOfScope = defineRule({
  id: 'control-out-of-scope',
  description: 'The reference belongs to a framework that is not enabled in `isms.frameworks`.',
  defaultSeverity: 'warning',
  scope: 'both',
  fixable: false,
});

export const controlRefs: RuleUnit = {
  meta: [controlUnknown, controlLegacy, controlMalformed, controlOutOfScope],
  controlsList({ list, yamlText, base, r }) {
    const v = list.value;
    // What the list already names (a legacy item's fix removes it rather than list its successor twice).
    const listed = new Set<string>();
    for (const it of list.items) for (const ref of it?.found ?? []) if (ref.status === 'ok') for (const id of refIds(ref)) listed.add(`${ref.framework}:${id}`);
    const coming = new Map<string, string>();
    // Values with no ID shape at all (tool names, document titles) are one warning for the list, not an error each.
    const strays = list.items.filter((it): it is NonNullable<typeof it> => !!it && it.found.length === 0 && it.src.trim() !== '' && !it.empty);
    if (strays.length) {
      const names = strays.slice(0, 3).map((it) => `'${it.src.trim()}'`).join(', ') + (strays.length > 3 ? ` and ${strays.length - 3} more` : '');
      const what = strays.length === 1 ? 'is not a control reference' : 'are not control references';
      r.add(
        controlUnknown.id,
        base + strays[0].s,
        base + strays[0].e,
        `${names} in '${list.key}' ${what} of any known framework. A control reference looks like CSF:PR.AA-01, ISO27001:A.5.16, SOC2:CC6.1 or NHI7; if these name tools, systems or documents, keep them under another key.`,
        [],
        { values: strays.map((it) => it.src.trim()), severity: 'warning' },
      );
    }
    list.items.forEach((it, i) => {
      if (!it) return;
      const { found } = it;
      const removal = isSeq(v) && found.length === 1 && found[0].status === 'legacy' ? itemRemoval(yamlText, v, i) : undefined;
      reportControlRefs(found, 0, r, removal && { listed, coming, start: base + removal[0], end: base + removal[1] });
      // A legacy item with one successor: its fix lists it, so a later item with the same one is removed.
      const only = found.length === 1 && found[0].status === 'legacy' && found[0].legacy!.successors.length === 1 ? `${found[0].framework}:${found[0].legacy!.successors[0]}` : undefined;
      if (only && !listed.has(only) && !coming.has(only)) coming.set(only, found[0].raw);
    });
  },
  section(c) {
    if (c.refs.length) reportControlRefs(c.refs, 0, c.r);
  },
};

/**
 * The text that removing item `i` of a list takes out: in a flow list the item and the comma after it (the
 * comma before it for the last); in a block list its whole line, when the line holds nothing else. Undefined
 * when neither applies (the fix then replaces the ID).
 */
function itemRemoval(text: string, seq: YAMLSeq, i: number): [number, number] | undefined {
  const range = (k: number) => seq.items[k] && isScalar(seq.items[k]) ? (seq.items[k] as Scalar).range : undefined;
  const own = range(i);
  if (!own) return undefined;
  if (seq.flow) {
    const next = range(i + 1);
    if (next) return [own[0], next[0]];
    const prev = range(i - 1);
    return prev ? [prev[1], own[1]] : undefined;
  }
  const lineStart = text.lastIndexOf('\n', own[0] - 1) + 1;
  if (!/^[ \t]*-[ \t]+$/.test(text.slice(lineStart, own[0]))) return undefined;
  const nl = text.indexOf('\n', own[1]);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  if (!/^[ \t]*(?:#.*)?\r?$/.test(text.slice(own[1], nl < 0 ? text.length : nl))) return undefined;
  return [lineStart, lineEnd];
}

/** A list item that holds `refs` alone; [start, end) is the text that removing it takes out (its line, or it and a comma). */
export interface ListItem {
  /** `framework:id` of what the list names. */
  listed: ReadonlySet<string>;
  /** `framework:id` -> the earlier legacy item whose only fix lists that successor. */
  coming: ReadonlyMap<string, string>;
  start: number;
  end: number;
}

/**
 * Reports the findings for references found in a document. `base` is the offset of the scanned
 * text in the document (references carry offsets relative to what was scanned). With `item`, a
 * legacy reference whose successor the list already names, or an earlier legacy item's fix brings in,
 * gets a fix that removes the item.
 */
export function reportControlRefs(refs: readonly ControlRef[], base: number, r: Reporter, item?: ListItem): void {
  const cat = catalog();
  for (const ref of refs) {
    const fw = FRAMEWORKS[ref.framework];
    const start = base + ref.start;
    const end = base + ref.end;
    const data = { framework: ref.framework, id: ref.id };
    switch (ref.status) {
      case 'unknown':
        r.add(controlUnknown.id, start, end, `'${ref.raw}' is not in ${fw.name}: ${ref.reason ?? 'unknown ID'}.`, [], data);
        break;
      case 'malformed': {
        const fix: Fix = {
          title: `Change to ${ref.canonical}`,
          edits: [r.edit(base + ref.bodyStart, base + ref.bodyEnd, ref.canonical!)],
          isPreferred: true,
          safe: true,
        };
        r.add(controlMalformed.id, start, end, `'${ref.raw}' is not written as ${fw.name} writes it: use ${ref.canonical}.`, [fix], data);
        break;
      }
      case 'legacy': {
        const old = ref.legacy!;
        // "ISO 27001:2013 A.9.2.1" becomes "ISO 27001:2022 A.5.16", not "ISO 27001:2013 A.5.16".
        const year = /:\s?(2013)\b/.exec(ref.raw.slice(0, ref.bodyStart - ref.start));
        const yearAt = year ? base + ref.start + year.index + year[0].length - 4 : -1;
        const fixes: Fix[] = old.successors.map((s) => {
          // In a list that already names the successor, or whose earlier legacy item's fix names it,
          // replacing would list it twice: remove the item.
          const key = `${ref.framework}:${s}`;
          const why = !item || refs.length !== 1 ? undefined : item.listed.has(key) ? `${s} is already listed` : item.coming.has(key) ? `replacing ${item.coming.get(key)} lists ${s}` : undefined;
          return why
            ? { title: `Remove ${ref.raw} (${why})`, edits: [r.edit(base + item!.start, base + item!.end, '')], isPreferred: old.successors.length === 1 }
            : {
                title: `Replace with ${s} (${cat.get(ref.framework, s)?.title ?? ''})`.replace(' ()', ''),
                edits: [...(year ? [r.edit(yearAt, yearAt + 4, '2022')] : []), r.edit(base + ref.bodyStart, base + ref.bodyEnd, s)],
                isPreferred: old.successors.length === 1,
              };
        });
        r.add(controlLegacy.id, start, end, legacyMessage(ref), fixes, { framework: data.framework, id: data.id, successors: old.successors }); // (a literal: see nhi/context.ts report)
        break;
      }
      case 'out-of-scope':
        r.add(
          controlOutOfScope.id,
          start,
          end,
          `'${ref.raw}' refers to ${fw.name}, which this workspace has not enabled (setting isms.frameworks / 'frameworks' in .isms.yaml).`,
          [],
          data,
        );
        break;
    }
  }
}

function legacyMessage(ref: ControlRef): string {
  const old = ref.legacy!;
  const cat = catalog();
  const list = (ids: string[]) => ids.map((s) => `${s} ${quoteTitle(cat.get(ref.framework, s)?.title)}`).join(', ');
  switch (ref.framework) {
    case 'csf': {
      const what = `'${ref.raw}' is a CSF 1.1 ${old.kind} (${truncate(old.title)})`;
      if (old.status === 'withdrawn') {
        return old.successors.length
          ? `${what}, withdrawn in CSF 2.0: ${old.reason}. Use ${list(old.successors)}.`
          : `${what}, withdrawn in CSF 2.0: ${old.reason}; NIST names no single successor.`;
      }
      const verb = old.status === 'reworded' ? 'kept in CSF 2.0 with a reworded outcome' : 'kept in CSF 2.0';
      return `${what}, ${verb} as ${list(old.successors)}.`;
    }
    case 'iso27001':
    case 'iso27002': {
      const scope = old.kind === 'control' ? 'control' : old.kind === 'domain' ? 'chapter' : 'control objective';
      const change = old.change === 'merged' ? ', merged with others' : old.change === 'split' ? ', split' : '';
      return `'${ref.raw}' is an ISO/IEC 27001:2013 Annex A ${scope} (${old.title}); in the 2022 edition it is covered by ${list(old.successors)}${change}.`;
    }
    default:
      return `'${ref.raw}' was withdrawn from SP 800-53 Rev. 5: ${old.reason}.`;
  }
}

function quoteTitle(title: string | undefined): string {
  return title ? `"${truncate(title)}"` : '';
}

/**
 * (Three ASCII dots, not U+2026: one character above U+00FF in any message makes the JSON of the whole
 * publishDiagnostics two bytes per character, twice the memory and encoding time on every keystroke.)
 */
function truncate(s: string, n = 70): string {
  if (s.length <= n) return s;
  const cut = s.slice(0, n - 3);
  const space = cut.lastIndexOf(' ');
  return (space > n / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '') + '...';
}
