/**
 * What one file offers as evidence: each process document and each identity of an inventory, with the controls it
 * lists, the controls its body cites, its owner, its last review and why it is not fresh evidence (if it is not).
 * Plain data (it crosses from the CLI's worker threads), computed from an analysis and its findings: the rules have
 * already judged ownership, reviews and rotation, so this reads their verdicts instead of judging again.
 */
import type { TextSource } from '../text';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { Analysis } from '../analysis/analyze';
import type { FrameworkId } from '../config';
import { refIds, type ControlRef } from '../refs/scan';
import type { Finding } from '../types';
import { catalog } from '../catalog/catalog';
import { scanListItem } from '../lang/yaml-controls';
import { fastParseDocument, PARSE_OPTIONS, shallowYaml } from '../lang/fast-yaml';
import type { Config } from '../config';
import { todayOf } from '../dates';
import { recordedHistory, type RecordedHistory } from '../lang/history';
import { readComponent } from '../lang/opencontrol';
import { isPlaceholderValue } from '../lang/words';

export interface EvidenceSource {
  kind: 'document' | 'identity';
  /** The file (as the host names it) and the 0-based line of the document's title or the identity's id. */
  uri: string;
  line: number;
  /** The document's title (else its file name) or the identity's id. */
  name: string;
  /** The document type (policy, runbook ...) or the identity type. */
  type?: string;
  owners: string[];
  lastReviewed?: string;
  /**
   * The history the SOC 2 period matrix counts occurrences with (coverage/soc2.ts): review and rotation dates on
   * record (last_reviewed / last_rotated and the `reviews` / `rotations` lists, none after today), and the review
   * and rotation cadences in days (core/dates.ts). Rotation only for a long-lived secret; absent when none is known.
   */
  reviews?: string[];
  rotations?: string[];
  reviewCadenceDays?: number;
  rotationCadenceDays?: number;
  /** Why it is not fresh evidence: empty when it is. */
  problems: string[];
  /** `framework:id` of the controls it lists (front matter `controls`, an identity's `controls`). */
  listed: string[];
  /** Controls its body cites, with the 0-based line of the first citation. */
  cited: { key: string; line: number }[];
}

/** The problems a finding of these rules makes for the evidence it concerns. */
const PROBLEM: Record<string, string> = {
  'owner-missing': 'no owner',
  'owner-shared': 'no single owner',
  'review-overdue': 'review overdue',
  'review-date-missing': 'no review recorded',
  'review-cadence-missing': 'no review cadence',
  'nhi-rotation-overdue': 'rotation overdue',
  'nhi-rotation-missing': 'no rotation cadence',
  'nhi-expired': 'expired',
  'nhi-offboarding-missing': 'no offboarding',
  'evidence-unresolved': 'evidence unresolved',
  'evidence-stale': 'evidence stale',
};

/** The problem a finding makes, if any (an offboarding that names a document of another type is said, not a problem). */
function problemOf(f: Finding): string | undefined {
  if (f.ruleId === 'nhi-offboarding-missing' && f.data?.notRunbook) return undefined;
  return PROBLEM[f.ruleId];
}

/**
 * `framework:id` keys a reference stands for, for coverage: ISO/IEC 27002 clause X and 27001 Annex A.X are one
 * control; an SP 800-53 enhancement counts for its control.
 */
export function coverageKeys(framework: FrameworkId, id: string): string[] {
  if (framework === 'iso27001' && id.startsWith('A.')) return [`iso27001:${id}`, `iso27002:${id.slice(2)}`];
  if (framework === 'iso27002') return [`iso27002:${id}`, `iso27001:A.${id}`];
  if (framework === 'sp800-53') return [`sp800-53:${id.replace(/\s*\(\d+\)$/, '')}`];
  return [`${framework}:${id}`];
}

/** The coverage keys of a controls list item, by frameworks and item text: inventories repeat the same few items. */
const itemKeys = new WeakMap<readonly FrameworkId[], Map<string, string[]>>();
function listItemKeys(item: string, frameworks: readonly FrameworkId[]): readonly string[] {
  let byText = itemKeys.get(frameworks);
  if (!byText || byText.size >= 10_000) itemKeys.set(frameworks, (byText = new Map()));
  let keys = byText.get(item);
  if (!keys) byText.set(item, (keys = keysOf(scanListItem(item, 0, frameworks))));
  return keys;
}

function keysOf(refs: readonly ControlRef[]): string[] {
  const out = new Set<string>();
  for (const r of refs) if (r.status === 'ok') for (const id of refIds(r)) for (const k of coverageKeys(r.framework, id)) out.add(k);
  return [...out];
}

export function evidenceOf(a: Analysis, findings: readonly Finding[], source: TextSource, config: Config): EvidenceSource[] {
  // (An inventory's evidence is read from its analysis: its text is made one string only for the other kinds.)
  if (a.kind === 'inventory') return identityEvidence(a, findings, config);
  if (a.kind === 'process-document') return [documentEvidence(a, findings, source.toString(), todayOf(config))];
  if (a.kind === 'component') return [componentEvidence(a, findings, source.toString(), config)];
  return [];
}

/**
 * An OpenControl component as evidence (docs/coverage.md, "OpenControl components"): a document of type `component`
 * named by its `name`, owned by its `responsible_role`. It lists the controls of its `satisfies` entries that claim an
 * implementation (status complete or partial, or none given); an entry `planned` or `none` only speaks of its control
 * (cited, at its line). Not fresh: no responsible role, `documentation_complete: false`, open errors. It has no review
 * cadence of its own, so no review is due.
 */
function componentEvidence(a: Analysis, findings: readonly Finding[], text: string, config: Config): EvidenceSource {
  let c: ReturnType<typeof readComponent> | undefined;
  try {
    // (Values nested deeper than the YAML library survives are blanked first, as the analysis does.)
    c = readComponent(shallowYaml(text)?.text ?? text, config);
  } catch {
    c = undefined;
  }
  const listed = new Set<string>();
  const cited = new Map<string, number>();
  for (const e of c?.entries ?? []) {
    if (!e.framework || !e.control) continue;
    const item = c!.list.items.find((it) => it?.s === e.control!.s);
    const keys = keysOf(item?.found ?? []);
    if (e.implemented) for (const k of keys) listed.add(k);
    else for (const k of keys) if (!cited.has(k)) cited.set(k, a.lines.positionAt(e.control.s).line);
  }
  for (const k of listed) cited.delete(k);
  const problems = new Set<string>();
  if (!c?.responsibleRole || isPlaceholderValue(c.responsibleRole)) problems.add('no owner');
  if (c?.documentationComplete === false) problems.add('documentation incomplete');
  for (const f of findings) if (f.severity === 'error') problems.add('open errors');
  return {
    kind: 'document',
    uri: a.uri,
    line: c?.nameLine ?? 0,
    name: c?.name ?? a.uri.split(/[\\/]/).pop() ?? a.uri,
    type: 'component',
    owners: c?.responsibleRole && !isPlaceholderValue(c.responsibleRole) ? [c.responsibleRole] : [],
    problems: [...problems],
    listed: [...listed],
    cited: [...cited].map(([key, line]) => ({ key, line })),
  };
}

/** historyFields assigned to `e`, in the same order. */
function addHistory(e: EvidenceSource, h: RecordedHistory | undefined): void {
  if (!h) return;
  if (h.reviews.length) e.reviews = h.reviews;
  if (h.rotations.length) e.rotations = h.rotations;
  if (h.reviewCadenceDays !== undefined) e.reviewCadenceDays = h.reviewCadenceDays;
  if (h.rotationCadenceDays !== undefined) e.rotationCadenceDays = h.rotationCadenceDays;
}

/** The history fields of an evidence source, present only when known. */
function historyFields(h: RecordedHistory | undefined): Pick<EvidenceSource, 'reviews' | 'rotations' | 'reviewCadenceDays' | 'rotationCadenceDays'> {
  if (!h) return {};
  return {
    ...(h.reviews.length ? { reviews: h.reviews } : {}),
    ...(h.rotations.length ? { rotations: h.rotations } : {}),
    ...(h.reviewCadenceDays !== undefined ? { reviewCadenceDays: h.reviewCadenceDays } : {}),
    ...(h.rotationCadenceDays !== undefined ? { rotationCadenceDays: h.rotationCadenceDays } : {}),
  };
}

function documentEvidence(a: Analysis, findings: readonly Finding[], text: string, today: string): EvidenceSource {
  const fm = a.frontMatter;
  const inFm = (r: ControlRef) => fm !== undefined && r.start >= fm.start && r.end <= fm.end;
  const listed = keysOf(a.refs.filter(inFm));
  const cited = new Map<string, number>();
  for (const r of a.refs) {
    if (inFm(r) || r.status !== 'ok') continue;
    for (const id of refIds(r)) for (const k of coverageKeys(r.framework, id)) if (!cited.has(k)) cited.set(k, a.lines.positionAt(r.start).line);
  }
  const values = fm ? frontMatterValues(text.slice(fm.start, fm.end), today) : {};
  const problems = new Set<string>();
  const status = values.status?.toLowerCase();
  if (status === 'draft') problems.add('draft');
  if (status === 'retired') problems.add('retired');
  for (const f of findings) {
    if (PROBLEM[f.ruleId] && f.ruleId !== 'nhi-offboarding-missing') problems.add(PROBLEM[f.ruleId]);
    if (f.severity === 'error') problems.add('open errors');
  }
  const h1 = a.headings?.find((h) => h.level === 1);
  const name = values.title ?? h1?.text ?? a.uri.split(/[\\/]/).pop() ?? a.uri;
  return {
    kind: 'document',
    uri: a.uri,
    line: h1?.line ?? 0,
    name,
    ...(values.type ? { type: values.type.toLowerCase() } : {}),
    owners: values.owners ?? [],
    ...(values.lastReviewed ? { lastReviewed: values.lastReviewed } : {}),
    ...(values.type?.toLowerCase() === 'record' ? {} : historyFields(values.history)),
    problems: [...problems],
    listed,
    cited: [...cited].map(([key, line]) => ({ key, line })),
  };
}

function identityEvidence(a: Analysis, findings: readonly Finding[], config: Config): EvidenceSource[] {
  const out: EvidenceSource[] = [];
  // The findings about each identity (by id), in their order.
  const about = new Map<unknown, Finding[]>();
  for (const f of findings) {
    const id = f.data?.identity;
    if (id === undefined) continue;
    const list = about.get(id);
    if (list) list.push(f);
    else about.set(id, [f]);
  }
  for (const x of a.identities ?? []) {
    const problems = new Set<string>();
    for (const f of (x.id !== undefined && about.get(x.id)) || []) {
      const p = problemOf(f);
      if (p) problems.add(p);
      if (f.severity === 'error') problems.add('open errors');
    }
    if (x.owners.length === 0) problems.add('no owner');
    const listed = new Set<string>();
    for (const c of x.controls) for (const k of listItemKeys(c, config.frameworks)) listed.add(k);
    // (Assigned in order, the optional fields only when set: an inventory has many identities.)
    const e = { kind: 'identity', uri: a.uri, line: (x.idRange ?? x.range).start.line, name: x.id ?? x.name ?? `identity on line ${x.range.start.line + 1}` } as EvidenceSource;
    if (x.type) e.type = x.type;
    e.owners = x.owners;
    if (x.lastReviewed) e.lastReviewed = x.lastReviewed;
    addHistory(e, x.history);
    e.problems = [...problems];
    e.listed = [...listed];
    e.cited = [];
    out.push(e);
  }
  return out;
}

/** The few front matter values coverage reports (the rules have judged them already). */
function frontMatterValues(yamlText: string, today: string): { title?: string; type?: string; status?: string; owners?: string[]; lastReviewed?: string; history?: RecordedHistory } {
  let doc;
  try {
    // (The fast reader builds exactly the library's nodes, or gives up: most front matter is plain block YAML.)
    doc = fastParseDocument(yamlText) ?? parseDocument(yamlText, PARSE_OPTIONS);
  } catch {
    return {};
  }
  const map = doc.contents;
  if (!isMap(map)) return {};
  const get = (...keys: string[]): Node | undefined => {
    for (const p of map.items) if (isScalar(p.key) && keys.includes(String(p.key.value).toLowerCase())) return p.value as Node;
    return undefined;
  };
  const str = (n: Node | undefined) => (n && isScalar(n) && n.value !== null ? (n.value instanceof Date ? n.value.toISOString().slice(0, 10) : String(n.value).trim()) : undefined);
  const ownerNode = get('owner', 'owners', 'owner_team', 'owner_email', 'maintainer', 'maintainers') ?? get('owner_contact', 'owner_slack');
  const owners = ownerNode && isSeq(ownerNode) ? ownerNode.items.map((i) => str(i as Node)).filter((x): x is string => !!x) : str(ownerNode) ? [str(ownerNode)!] : [];
  const LAST = ['last_reviewed', 'last_reviewed_on', 'reviewed', 'last_review', 'reviewed_on', 'last_reviewed_at', 'last_review_date', 'reviewed_at', 'review_date'];
  const CADENCE = ['review_cadence', 'review_frequency', 'review_interval', 'review_cycle', 'review_in'];
  // The history as the rules read it (lang/history.ts); only the value of each entry is looked at.
  const entry = (keys: string[]) => {
    const value = get(...keys);
    return value === undefined ? undefined : { value };
  };
  const history = recordedHistory((k) => entry(k === 'last_reviewed' ? LAST : k === 'review_cadence' ? CADENCE : [k]), undefined, today, false);
  const last = history.reviews[history.reviews.length - 1];
  return {
    title: str(get('title', 'name')),
    type: str(get('type', 'document_type', 'doc_type')),
    status: str(get('status')),
    owners,
    ...(last ? { lastReviewed: last } : {}),
    history,
  };
}

/** The catalog title of a `framework:id` key. */
export function titleOf(key: string): string {
  const i = key.indexOf(':');
  return catalog().get(key.slice(0, i) as FrameworkId, key.slice(i + 1))?.title ?? '';
}
