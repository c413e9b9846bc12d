/**
 * Rules for ISMS process documents (policies, standards, procedures, runbooks): front matter,
 * approval, required sections, evidence, control lists, placeholders and in-document links.
 */
import { isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Config } from '../config';
import { FRAMEWORKS } from '../catalog/frameworks';
import { LineIndex } from '../text';
import type { FileHost, Fix } from '../types';
import { refIds, scanReferences, type ControlRef } from '../refs/scan';
import { shiftRef } from '../lang/yaml-controls';
import { documentAnchors, PLACEHOLDER_MARKUP, PLACEHOLDER_WORDS, type BodyFacts, type BodyLink } from '../lang/markdown-body';
import { checkOwnership, trimEnd, YamlMapping } from './ownership';
import { Reporter } from '../report';
import { todayOf } from '../dates';
import {
  bodyStartLine,
  closest,
  frontMatterRange,
  githubSlug,
  headingSlugs,
  isEmptyValue,
  readFrontMatter,
  scalarString,
  type FmEntry,
  type FrontMatter,
  type Heading,
} from '../lang/document';
import { defineRule } from './registry';

const DOC_CONTROL = ['ISO27001:7.5.3'];

export const frontMatterMissing = defineRule({
  id: 'front-matter-missing',
  description: 'A file in the configured document globs has no YAML front matter (owner, type, review, controls).',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.2'],
});

export const frontMatterInvalid = defineRule({
  id: 'front-matter-invalid',
  description: 'A front matter key is unknown or an alias, or a value has the wrong type, date or allowed value.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.2'],
});

export const approverMissing = defineRule({
  id: 'approver-missing',
  description: 'A policy or standard names no approver.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:5.2', 'ISO27001:7.5.2', 'ISO27001:A.5.1'],
});

export const sectionMissing = defineRule({
  id: 'section-missing',
  description: 'A section required for the document type (Purpose, Scope, Review ...) is missing.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.2'],
});

export const evidenceMissing = defineRule({
  id: 'evidence-missing',
  description: 'A procedure or runbook says nothing of the records it produces.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:7.5.3', 'ISO27001:9.1'],
});

export const controlsMissing = defineRule({
  id: 'controls-missing',
  description: 'An ISMS document lists no control in its front matter `controls`.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:6.1.3'],
});

export const controlUnlisted = defineRule({
  id: 'control-unlisted',
  description: 'The body references a control that the front matter `controls` list omits.',
  defaultSeverity: 'info',
  scope: 'document',
  fixable: true,
  controls: ['ISO27001:6.1.3'],
});

export const placeholder = defineRule({
  id: 'placeholder',
  description: 'Placeholder text (TODO, TBD, FIXME, XXX, <insert ...>, [owner]) left in the document.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: false,
  controls: DOC_CONTROL,
});

export const linkBroken = defineRule({
  id: 'link-broken',
  description: 'A relative link or image to a file, or a heading (#anchor) of this or another document, that does not exist.',
  defaultSeverity: 'warning',
  scope: 'document',
  fixable: true,
  controls: DOC_CONTROL,
});

export const DOCUMENT_TYPES = ['policy', 'standard', 'procedure', 'runbook', 'plan', 'record'] as const;
export const DOCUMENT_STATUSES = ['draft', 'approved', 'retired'] as const;

/** Canonical front matter keys and the value shape each takes. */
export const FRONT_MATTER_KEYS: Record<string, 'string' | 'strings' | 'date' | 'version' | 'controls' | 'type' | 'status'> = {
  title: 'string',
  type: 'type',
  owner: 'strings',
  owner_contact: 'string',
  owner_slack: 'string',
  approver: 'strings',
  review_cadence: 'string',
  last_reviewed: 'date',
  next_review: 'date',
  effective_date: 'date',
  status: 'status',
  version: 'version',
  scope: 'string',
  controls: 'controls',
  id: 'string',
  classification: 'string',
  description: 'string',
  tags: 'strings',
};

/** Common spellings of the canonical keys. */
export const DEFAULT_KEY_ALIASES: Record<string, string> = {
  review_frequency: 'review_cadence',
  review_interval: 'review_cadence',
  review_cycle: 'review_cadence',
  review_in: 'review_cadence',
  last_reviewed_on: 'last_reviewed',
  reviewed: 'last_reviewed',
  last_review: 'last_reviewed',
  reviewed_on: 'last_reviewed',
  owners: 'owner',
  approved_by: 'approver',
  approvers: 'approver',
  document_type: 'type',
  doc_type: 'type',
};

/** Default required sections per document type, in the order a fix appends them. */
export const DEFAULT_REQUIRED_SECTIONS: Record<string, string[]> = {
  policy: ['Purpose', 'Scope', 'Roles and responsibilities', 'Policy statements', 'Review'],
  standard: ['Purpose', 'Scope', 'Requirements', 'Review'],
  procedure: ['Purpose', 'Scope', 'Roles and responsibilities', 'Procedure', 'Evidence'],
  runbook: ['Purpose', 'Steps', 'Evidence'],
};

/** Headings accepted for a required section (normalised: lower case, no numbering or punctuation). */
const SECTION_SYNONYMS: Record<string, string[]> = {
  purpose: ['purpose', 'objective', 'objectives', 'aim', 'introduction', 'overview'],
  scope: ['scope', 'applicability', 'scope and applicability'],
  'roles and responsibilities': ['roles and responsibilities', 'responsibilities', 'roles', 'ownership', 'raci'],
  'policy statements': ['policy statements', 'policy', 'policy statement', 'statements', 'policies', 'rules'],
  requirements: ['requirements', 'requirement', 'standard', 'controls'],
  procedure: ['procedure', 'procedures', 'process', 'steps'],
  steps: ['steps', 'procedure', 'instructions'],
  evidence: ['evidence', 'records', 'record keeping', 'recordkeeping', 'evidence and records', 'records and evidence', 'audit trail'],
  review: ['review', 'document review', 'review and maintenance', 'maintenance', 'review cycle', 'document control'],
};

export function normaliseHeading(h: string): string {
  return h
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/^\s*(?:\d+(?:\.\d+)*\.?|[a-z]\.)\s+/, '')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function sectionPresent(section: string, headings: ReadonlySet<string>): boolean {
  const key = normaliseHeading(section);
  const names = SECTION_SYNONYMS[key] ?? [key];
  return names.some((n) => headings.has(n));
}

export function aliasesOf(config: Config): Record<string, string> {
  const out: Record<string, string> = { ...DEFAULT_KEY_ALIASES };
  for (const [a, c] of Object.entries(config.documents.keyAliases)) out[a.toLowerCase()] = c;
  return out;
}

function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function article(t: string): string {
  return /^[aeiou]/i.test(t) ? `an ${t}` : `a ${t}`;
}

/**
 * Runs the document rules on one process document. `fm` is the front matter body range from
 * `frontMatterRange` (undefined when there is none) with its YAML as parsed by analyzeYaml.
 */
export function checkDocument(
  text: string,
  lines: LineIndex,
  fm: { start: number; end: number; doc: Document } | undefined,
  config: Config,
  r: Reporter,
  facts: BodyFacts,
  host?: FileHost,
  uri = '',
): void {
  const eol = lines.eol;
  const front = fm ? readFrontMatter(text, lines, fm) : undefined;
  const body = facts;
  const h1 = body.headings.find((h) => h.level === 1);

  if (!front) {
    reportFrontMatterMissing(text, lines, h1, r, undefined, uri);
  } else if (!front.broken && front.entries.length === 0 && text.slice(front.start, front.end).trim() === '') {
    reportFrontMatterMissing(text, lines, h1, r, { start: 0, end: lines.lineStarts[front.closeLine + 1] ?? text.length }, uri);
  }
  const aliases = aliasesOf(config);
  // Aliases the repository configured are its chosen spelling: accepted silently.
  const configured = new Set(Object.keys(config.documents.keyAliases).map((k) => k.toLowerCase()));
  const byKey = new Map<string, FmEntry>();
  if (front && !front.broken) {
    for (const e of front.entries) {
      const canonical = canonicalKey(e.key, aliases);
      if (canonical && !byKey.has(canonical)) byKey.set(canonical, e);
      checkEntry(e, canonical, aliases, lines, r, configured);
    }
  }
  const type = scalarString(byKey.get('type')?.value ?? null)?.toLowerCase();

  // approver-missing
  if (front && !front.broken && (type === 'policy' || type === 'standard')) {
    const a = byKey.get('approver');
    if (!a) {
      const owner = byKey.get('owner');
      const at = owner ? lines.lineStarts[owner.lastLine + 1] : lines.lineStarts[front.closeLine];
      const typeEntry = byKey.get('type')!;
      r.add(
        approverMissing.id,
        typeEntry.keyStart,
        lines.lineEnd(typeEntry.line),
        `This ${type} names no approver: an auditor will ask who approved it for use (ISO 27001 clause 5.2 and 7.5.2). Add 'approver:'.`,
        [{ title: "Insert 'approver:'", edits: [r.edit(at, at, `approver: ${eol}`)], isPreferred: true }],
      );
    } else if (isEmptyValue(a.value)) {
      r.add(approverMissing.id, a.keyStart, lines.lineEnd(a.line), `'${a.key}' is empty: an auditor will ask who approved this ${type} for use.`);
    }
  }

  // owner-missing, owner-shared and the review rules, shared with inventories
  if (front && !front.broken && front.map && front.entries.length) {
    const anchorEntry = byKey.get('type') ?? front.entries[0];
    const target = new Reporter(lines);
    checkOwnership(
      {
        mapping: new YamlMapping(front.map, front.start, target),
        kind: 'document',
        subject: type ? `This ${type}` : 'This document',
        anchor: { start: anchorEntry.keyStart, end: lines.lineEnd(anchorEntry.line) },
        today: todayOf(config),
        eol,
        aliases,
        reportInvalidDates: false,
        defaultCadence: 'annual',
      },
      target,
    );
    // A record is evidence kept as it was: it has an owner but no review cycle of its own.
    for (const f of target.findings) if (type !== 'record' || !f.ruleId.startsWith('review-')) r.findings.push(f);
  }

  // section-missing and evidence-missing
  const headingNames = new Set(body.headings.filter((h) => h.level > 1 || h !== h1).map((h) => h.norm ?? normaliseHeading(h.text)));
  if (type) {
    const required = config.documents.requiredSections[type] ?? DEFAULT_REQUIRED_SECTIONS[type] ?? [];
    const evidenceGap = (type === 'procedure' || type === 'runbook') && !sectionPresent('Evidence', headingNames) && !body.mentionsRecords;
    // evidence-missing reports a missing Evidence section on its own; do not report it twice.
    const missing = required.filter((s) => !sectionPresent(s, headingNames) && !(evidenceGap && normaliseHeading(s) === 'evidence'));
    if (missing.length) {
      const anchor = h1 ?? { start: byKey.get('type')!.keyStart, end: lines.lineEnd(byKey.get('type')!.line) };
      const end = text.length;
      const lead = end === 0 || /\n$/.test(text) ? '' : eol;
      const added = missing.map((s) => `## ${s}${eol}`).join(eol);
      r.add(
        sectionMissing.id,
        anchor.start,
        anchor.end,
        `This ${type} lacks ${missing.length === 1 ? 'the section' : 'the sections'} ${missing.map((s) => `'${s}'`).join(', ')}: an auditor reading ${article(type)} expects ${missing.length === 1 ? 'it' : 'them'} to find what it covers, who does what and how it is kept current.`,
        [{ title: `Append ${missing.length === 1 ? 'section' : 'sections'} ${missing.join(', ')}`, edits: [r.edit(end, end, `${lead}${eol}${added}`)], isPreferred: true }],
        { missing },
      );
    }
    if (evidenceGap) {
      const anchor = h1 ?? { start: byKey.get('type')!.keyStart, end: lines.lineEnd(byKey.get('type')!.line) };
      const end = text.length;
      const lead = end === 0 || /\n$/.test(text) ? '' : eol;
      r.add(
        evidenceMissing.id,
        anchor.start,
        anchor.end,
        `This ${type} says nothing of the records it produces: an auditor will ask what evidence shows it was followed (tickets, logs, sign-offs). Add an Evidence section.`,
        [{ title: 'Append an Evidence section', edits: [r.edit(end, end, `${lead}${eol}## Evidence${eol}`)] }],
      );
    }
  }

  // Body references (needed for controls-missing and control-unlisted).

  // An empty front matter block is reported once, by front-matter-missing, whose fix fills it in.
  if (front && !front.broken && front.entries.length) {
    const controls = byKey.get('controls');
    const listed = new Set<string>();
    if (controls && controls.value) {
      const items = isSeq(controls.value) ? controls.value.items : [controls.value];
      for (const item of items) {
        if (!isScalar(item) || item.value === null) continue;
        for (const ref of scanReferences(String(item.value), { frameworks: config.frameworks, mode: 'list' })) {
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

  // placeholder: in the body, reported per section by lang/markdown-body.ts; here, front matter values
  // ("owner: TODO" inserted by a quick fix and never filled in).
  if (front && !front.broken) {
    for (const e of front.entries) {
      const v = e.value;
      const items = v && isSeq(v) ? v.items : v ? [v] : [];
      for (const item of items) {
        if (!isScalar(item) || typeof item.value !== 'string' || !item.range) continue;
        const s0 = front.start + item.range[0];
        const src = text.slice(s0, trimEnd(text, front.start + item.range[1]));
        for (const m of [...src.matchAll(PLACEHOLDER_WORDS), ...src.matchAll(PLACEHOLDER_MARKUP)]) {
          r.add(placeholder.id, s0 + m.index!, s0 + m.index! + m[0].length, `'${m[0]}' in '${e.key}' is placeholder text: an auditor reads it as a field nobody filled in.`);
        }
      }
    }
  }

  // link-broken: anchors of this document, and relative links to files (and their headings) via the host
  let slugs: Set<string> | undefined; // built on the first in-document anchor link only
  const ownSlugs = () => {
    if (!slugs) {
      slugs = headingSlugs(body.headings);
      for (const a of body.htmlAnchors) slugs.add(a);
    }
    return slugs;
  };
  for (const l of body.links) checkLink(l, ownSlugs, r, host, uri);
}

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
    const near = fixable ? closest(anchor, slugs) : undefined;
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
  const near = fixable ? closest(anchor, theirSlugs) : undefined;
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


function decodeAnchor(a: string): string {
  try {
    return decodeURIComponent(a);
  } catch {
    return a;
  }
}


/** ISO/IEC 27002 clause X and ISO/IEC 27001 Annex A.X are the same control. */
function keysFor(framework: string, id: string): string[] {
  if (framework === 'iso27001' && id.startsWith('A.')) return [`iso27001:${id}`, `iso27002:${id.slice(2)}`];
  if (framework === 'iso27002') return [`iso27002:${id}`, `iso27001:A.${id}`];
  return [`${framework}:${id}`];
}

const DATE_MEANING: Record<string, string> = {
  last_reviewed: 'when this document was last reviewed',
  next_review: 'when the next review is due',
  effective_date: 'when this document took effect',
};

export function canonicalKey(key: string, aliases: Record<string, string>): string | undefined {
  const k = key.toLowerCase();
  if (k in FRONT_MATTER_KEYS) return k;
  return aliases[k];
}

function checkEntry(e: FmEntry, canonical: string | undefined, aliases: Record<string, string>, lines: LineIndex, r: Reporter, configured: ReadonlySet<string> = new Set()): void {
  if (!canonical) {
    const near = closest(e.key, [...Object.keys(FRONT_MATTER_KEYS), ...Object.keys(aliases)]);
    const target = near ? canonicalKey(near, aliases)! : undefined;
    r.add(
      frontMatterInvalid.id,
      e.keyStart,
      e.keyEnd,
      `Unknown front matter key '${e.key}'${target ? ` (did you mean '${target}'?)` : ''}: tools and auditors will not read it as part of the document's control record.`,
      target ? [{ title: `Rename to '${target}'`, edits: [r.edit(e.keyStart, e.keyEnd, target)], isPreferred: true, safe: true }] : [],
      { key: e.key, ...(target ? { suggestion: target } : {}) },
    );
    return;
  }
  if (canonical !== e.key && !configured.has(e.key.toLowerCase())) {
    r.add(
      frontMatterInvalid.id,
      e.keyStart,
      e.keyEnd,
      `'${e.key}' is read as '${canonical}'; write '${canonical}' so every tool and reviewer finds the field.`,
      [{ title: `Rename to '${canonical}'`, edits: [r.edit(e.keyStart, e.keyEnd, canonical)], isPreferred: true, safe: true }],
      { key: e.key, canonical },
    );
  }
  checkValue(e, canonical, lines, r);
}

function checkValue(e: FmEntry, canonical: string, lines: LineIndex, r: Reporter): void {
  const v = e.value;
  if (!v || (isScalar(v) && v.value === null)) return; // empty: the *-missing rules speak for it
  const kind = FRONT_MATTER_KEYS[canonical];
  const [s, t] = v.range ? [v.range[0], v.range[1]] : [0, 0];
  const fmStart = e.base;
  const at = (msg: string, fixes: Fix[] = []) =>
    r.add(frontMatterInvalid.id, fmStart + s, Math.max(fmStart + s + 1, trimEnd(lines.text, fmStart + t)), msg, fixes, { key: e.key });
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
      if (!isStr && !isSeq(v)) at(`'controls' must be a list of control references such as [ISO27001:A.5.16, CSF:PR.AA-01].`);
      break;
    case 'date': {
      const d = isScalar(v) ? v.value : undefined;
      const str = d instanceof Date ? d.toISOString().slice(0, 10) : typeof d === 'string' ? d.trim() : undefined;
      if (!str || !validDate(str)) {
        at(`'${e.key}' must be a date written YYYY-MM-DD (ISO 8601): an auditor cannot tell ${DATE_MEANING[canonical] ?? 'the date'} from '${lines.text.slice(fmStart + s, trimEnd(lines.text, fmStart + t))}'.`);
      }
      break;
    }
    case 'type':
    case 'status': {
      const allowed: readonly string[] = kind === 'type' ? DOCUMENT_TYPES : DOCUMENT_STATUSES;
      const val = isScalar(v) ? String(v.value) : undefined;
      if (val === undefined) {
        at(`'${e.key}' must be one of ${allowed.join(', ')}.`);
        break;
      }
      if (allowed.includes(val.toLowerCase())) break;
      const near = closest(val, allowed);
      at(
        `Unknown ${kind} '${val}'${near ? ` (did you mean '${near}'?)` : ''}: expected one of ${allowed.join(', ')}.`,
        near ? [{ title: `Change to '${near}'`, edits: [r.edit(fmStart + s, trimEnd(lines.text, fmStart + t), near)], isPreferred: true, safe: true }] : [],
      );
      break;
    }
  }
}

/** End of an entry's value text (a trailing comment is not part of it), or just after `key:` when empty. */
function valueEndOf(text: string, e: FmEntry): number {
  const v = e.value;
  if (v && v.range && !(isScalar(v) && v.value === null)) return trimEnd(text, e.base + v.range[1]);
  const colon = text.indexOf(':', e.keyEnd);
  return colon >= 0 ? colon + 1 : e.keyEnd;
}

function appendControlFix(text: string, lines: LineIndex, front: FrontMatter, controls: FmEntry, ids: string[], r: Reporter): Fix | undefined {
  const v = controls.value as Node;
  const fmStart = front.start;
  const id = ids.join(', ');
  const title = `Add ${id} to 'controls'`;
  if (isSeq(v) && v.range) {
    const [s, e] = v.range;
    const src = text.slice(fmStart + s, fmStart + e);
    if (src.trimStart().startsWith('[')) {
      const close = fmStart + s + src.lastIndexOf(']');
      let p = close;
      while (p > fmStart + s && /\s/.test(text[p - 1])) p--;
      const empty = text[p - 1] === '[';
      return { title, edits: [r.edit(p, p, empty ? id : `, ${id}`)], isPreferred: true, safe: true };
    }
    const last = v.items[v.items.length - 1] as Node | undefined;
    if (!last || !last.range) return undefined;
    const lastLine = lines.positionAt(trimEnd(text, fmStart + last.range[1])).line;
    const itemLine = lines.positionAt(fmStart + last.range[0]).line;
    const dash = /^(\s*-\s*)/.exec(lines.lineText(itemLine));
    const at = lines.lineEnd(lastLine);
    const lead = dash ? dash[1] : '  - ';
    return { title, edits: [r.edit(at, at, ids.map((x) => `${lines.eol}${lead}${x}`).join(''))], isPreferred: true, safe: true };
  }
  if (isScalar(v) && v.range && typeof v.value === 'string') {
    const at = trimEnd(text, fmStart + v.range[1]);
    const quoted = /["']/.test(text[at - 1]);
    const p = quoted ? at - 1 : at;
    return { title, edits: [r.edit(p, p, `, ${id}`)], isPreferred: true, safe: true };
  }
  return undefined;
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

export { githubSlug };
