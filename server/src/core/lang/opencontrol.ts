/**
 * OpenControl components (`component.yaml`, schema v3.x of github.com/opencontrol/schemas): a YAML file describing one
 * part of a system and the controls it satisfies.
 *
 * ```yaml
 * name: Audit Policy
 * schema_version: 3.1.0
 * responsible_role: Security Team
 * documentation_complete: true
 * satisfies:
 *   - standard_key: NIST-800-53
 *     control_key: AU-2 (3)
 *     implementation_status: complete
 *     narrative:
 *       - text: ...
 * ```
 *
 * A `control_key` is a control reference when its `standard_key` names a framework we hold (docs/opencontrol.md):
 * NIST SP 800-53 without a revision or revision 5 (OpenControl writes enhancements `AC-2 (1)`), ISO/IEC 27001 and
 * 27002, the SOC 2 criteria (TSC), NIST CSF, OWASP NHI. Any other standard (PCI DSS, FedRAMP baselines, an older
 * SP 800-53 revision, a fictional one) is not ours to judge: its keys are left alone. Pure: text in, facts out.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { Config, FrameworkId } from '../config';
import { FRAMEWORKS, frameworkOfName } from '../catalog/frameworks';
import { scanReferences, type ControlRef } from '../refs/scan';
import { PARSE_OPTIONS } from './fast-yaml';
import type { ControlsItem, ControlsList } from './yaml-controls';

/** The implementation statuses of schema v3 (`implementation_status`, `implementation_statuses`). */
export const IMPLEMENTATION_STATUSES = ['complete', 'partial', 'planned', 'none'] as const;

/** Statuses that say the control is not implemented (yet): the component speaks of it, it is no evidence of it. */
const NOT_IMPLEMENTED = new Set(['planned', 'none']);

/**
 * Whether a YAML text is an OpenControl component: a top-level `satisfies:` whose entries have `control_key` and
 * `standard_key` (looked for in the first 64 KB; any file name, as compliance-masonry reads them).
 */
export function looksLikeComponent(text: string): boolean {
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  return /^satisfies[ \t]*:/m.test(head) && /(?:^|[\s{,])control_key[ \t]*:/m.test(head) && /(?:^|[\s{,])standard_key[ \t]*:/m.test(head);
}

/**
 * The framework a `standard_key` names, or undefined when it is not one we hold. SP 800-53 is ours without a revision
 * (`NIST-800-53`, OpenControl's "latest") or as revision 5; rev3 and rev4 are other catalogs (IDs withdrawn or renumbered
 * since), so their keys are not judged. A name that only contains "800-53" (`FRIST-800-53`, `FedRAMP-800-53-moderate`)
 * is not SP 800-53 either.
 */
export function standardFramework(standardKey: string): FrameworkId | undefined {
  const k = standardKey.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (/80053/.test(k)) return /^(?:nist)?(?:sp)?80053(?:r(?:ev(?:ision)?)?5)?$/.test(k) ? 'sp800-53' : undefined;
  return frameworkOfName(standardKey);
}

export interface ComponentEntry {
  /** The `standard_key` as written, and the framework it names (undefined: not ours). */
  standard: string;
  framework?: FrameworkId;
  /** The `control_key` scalar: its source text and offsets in the YAML text. */
  control?: { src: string; s: number; e: number };
  /** `implementation_status` and `implementation_statuses`, lower-cased. */
  statuses: string[];
  /** Whether the entry claims the control is implemented (no status, or one other than planned and none). */
  implemented: boolean;
}

export interface Component {
  doc: Document.Parsed;
  /** `name` (else `key`) and the line of its key (0-based), when given. */
  name?: string;
  nameLine?: number;
  responsibleRole?: string;
  documentationComplete?: boolean;
  entries: ComponentEntry[];
  /** The `control_key`s of the entries whose standard is ours, as a controls list the control rules judge. */
  list: ControlsList;
  /** Every reference of `list`, in order. */
  refs: ControlRef[];
}

/** The references of a `control_key` (at `at`) read in `framework`'s catalog: `AC-2 (1)` under NIST-800-53 is SP800-53:AC-2(1). */
export function componentRefs(src: string, at: number, framework: FrameworkId, frameworks: readonly FrameworkId[]): ControlRef[] {
  const opts = { frameworks, mode: 'list' as const };
  // (A key written with its own prefix, `ISO27001:A.5.15`, is read as written.)
  if (/^["']?[A-Za-z0-9 .-]+:\S/.test(src)) return scanReferences(src, opts, undefined, at);
  const prefix = `${FRAMEWORKS[framework].prefix}:`;
  return scanReferences(prefix + src, opts, undefined, at - prefix.length).map((r) => (r.start < at ? { ...r, start: at, raw: r.raw.slice(at - r.start) } : r));
}

function text(n: unknown): string | undefined {
  if (!isScalar(n) || n.value === null || n.value === undefined || typeof n.value === 'object') return undefined;
  const s = String(n.value).trim();
  return s || undefined;
}

function lineAt(src: string, offset: number): number {
  let n = 0;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) n++;
  return n;
}

/** Reads a component (a YAML text whose offsets are the document's). Never throws: what it cannot read is left out. */
export function readComponent(yamlText: string, config: Pick<Config, 'frameworks'>): Component {
  const doc = parseDocument(yamlText, PARSE_OPTIONS);
  const out: Component = { doc, entries: [], list: { key: 'control_key', value: null, items: [] }, refs: [] };
  const root = doc.contents;
  if (!isMap(root)) return out;
  for (const key of ['name', 'key']) {
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === key);
    const v = pair && text(pair.value);
    if (v && out.name === undefined) {
      out.name = v;
      if (isScalar(pair!.key) && pair!.key.range) out.nameLine = lineAt(yamlText, pair!.key.range[0]);
    }
  }
  const role = text(root.get('responsible_role', true));
  if (role) out.responsibleRole = role;
  const complete = root.get('documentation_complete', true);
  if (isScalar(complete) && typeof complete.value === 'boolean') out.documentationComplete = complete.value;
  const satisfies = root.get('satisfies', true);
  if (!isSeq(satisfies)) return out;
  for (const item of satisfies.items as Node[]) {
    if (!isMap(item)) continue;
    const standard = text(item.get('standard_key', true)) ?? '';
    const framework = standard ? standardFramework(standard) : undefined;
    const statuses: string[] = [];
    const one = text(item.get('implementation_status', true));
    if (one) statuses.push(one.toLowerCase());
    const many = item.get('implementation_statuses', true);
    if (isSeq(many)) for (const s of many.items) if (text(s)) statuses.push(text(s)!.toLowerCase());
    const entry: ComponentEntry = { standard, ...(framework ? { framework } : {}), statuses, implemented: !statuses.length || statuses.some((s) => !NOT_IMPLEMENTED.has(s)) };
    const key = item.get('control_key', true) as Node | undefined;
    if (isScalar(key) && key.range && key.value !== null) {
      const [s, e] = key.range;
      entry.control = { src: yamlText.slice(s, e), s, e };
      if (framework) {
        // (A quoted key, `"AC-2 (1)"`, is read inside its quotes.)
        const q = /^(["'])(.*)\1$/s.exec(entry.control.src);
        const found = q ? componentRefs(q[2], s + 1, framework, config.frameworks) : componentRefs(entry.control.src, s, framework, config.frameworks);
        const it: ControlsItem = { s, e, src: entry.control.src, empty: false, found };
        out.list.items.push(it);
        for (const r of found) out.refs.push(r);
      }
    }
    out.entries.push(entry);
  }
  return out;
}
