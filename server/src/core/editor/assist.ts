/**
 * Completion and hover for the fields of front matter and inventories, and for section headings of
 * process documents. Pure: text, position, field tables and workspace facts in; plain items out.
 * Control IDs are completed by the service (they need the catalog search).
 */
import type { Config } from '../config';
import { catalog } from '../catalog/catalog';
import { todayOf } from '../dates';
import type { LineIndex } from '../text';
import type { Range } from '../types';
import { aliasesOf, canonicalKey, DEFAULT_REQUIRED_SECTIONS } from '../lang/document-schema';
import { CADENCE_VALUES, DOCUMENT_TYPE_DOCS, FRONT_MATTER_FIELDS, type FieldKind, type FieldSpec } from './fields';
import { IDENTITY_FIELDS, TOP_LEVEL_FIELDS, type InventoryField } from '../lang/inventory-schema';
import { yamlContext, type YamlContext } from './yaml-context';

export interface AssistItem {
  label: string;
  kind: 'key' | 'value' | 'section';
  detail?: string;
  documentation?: string;
  /** Snippet syntax ($1, ${1:placeholder}) in newText. */
  snippet?: boolean;
  sortText?: string;
  range: Range;
  newText: string;
}

/** Facts from the workspace that completion offers (owners already used, ...). */
export interface WorkspaceFacts {
  owners: readonly string[];
  /** The active entries of the owners registry (offered first), with what the detail shows. */
  registry?: readonly { id: string; detail: string }[];
}

export interface FieldTable {
  /** The fields of the mapping at `path` (keys outermost first, '-' for a list item). */
  fieldsAt(path: string[]): readonly FieldSpec[] | undefined;
  /** The canonical key of a key as written (aliases resolved). */
  canonical(key: string, path: string[]): string | undefined;
}

/** The inventory's keys (lang/inventory-schema.ts) as field specs. */
function inventorySpec(f: InventoryField): FieldSpec {
  const kind: FieldKind =
    f.key === 'owner' || f.key === 'approved_by' || f.key === 'revoked_by' ? 'owner' : f.type === 'string-or-strings' ? 'strings' : f.type === 'owner-history' ? 'list' : (f.type as FieldKind);
  return {
    key: f.key,
    kind: f.key === 'defaults' ? 'map' : f.key === 'identities' ? 'list' : kind,
    values: f.type === 'cadence' ? CADENCE_VALUES : f.type === 'boolean' ? ['false', 'true'] : f.values,
    description: f.description,
    evidence: f.why,
    controls: f.controls,
    placeholder: f.example,
  };
}

/** The keys of a `previous_owners` entry (the mover record): whom it was handed over from, and until when. */
const PREVIOUS_OWNER_FIELDS: readonly FieldSpec[] = [
  { key: 'owner', kind: 'owner', description: 'The earlier owner (an owners registry id, e-mail or name).', evidence: 'Ownership handed over is evidence that nobody was left accountable for an identity whose owner moved or left (NHI1).', controls: ['CSF:PR.AA-01', 'ISO27001:A.5.16'] },
  { key: 'until', kind: 'date', description: 'The last day they owned it (YYYY-MM-DD).', evidence: 'Dates the handover, so an auditor can compare it with the day the person moved or left (ISO 27001 A.5.18).', controls: ['ISO27001:A.5.18'] },
];

let inventoryFields: { top: FieldSpec[]; identity: FieldSpec[]; defaults: FieldSpec[] } | undefined;

export function inventoryTable(): FieldTable {
  inventoryFields ??= {
    top: TOP_LEVEL_FIELDS.map(inventorySpec),
    identity: IDENTITY_FIELDS.map(inventorySpec),
    defaults: IDENTITY_FIELDS.filter((f) => f.inheritable).map(inventorySpec),
  };
  const t = inventoryFields;
  return {
    fieldsAt: (path) => {
      if (path.length === 0) return t.top;
      if (path.length === 1 && path[0] === 'defaults') return t.defaults;
      if (path.length === 2 && path[0] === 'identities' && path[1] === '-') return t.identity;
      if (path.length === 4 && path[0] === 'identities' && path[1] === '-' && path[2] === 'previous_owners' && path[3] === '-') return PREVIOUS_OWNER_FIELDS;
      return undefined;
    },
    canonical: (key) => key,
  };
}

export function frontMatterTable(config: Config): FieldTable {
  const aliases = aliasesOf(config);
  return {
    fieldsAt: (path) => (path.length === 0 ? FRONT_MATTER_FIELDS : undefined),
    canonical: (key) => canonicalKey(key, aliases),
  };
}

function fieldOf(table: FieldTable, path: string[], key: string): FieldSpec | undefined {
  const canonical = table.canonical(key, path) ?? key;
  return table.fieldsAt(path)?.find((f) => f.key === canonical);
}

/** Completion items for fields in YAML lines [firstLine, lastLine], or undefined when not at a field. */
export function completeFields(
  lines: LineIndex,
  offset: number,
  firstLine: number,
  lastLine: number,
  table: FieldTable,
  config: Config,
  facts: WorkspaceFacts,
): { ctx: YamlContext; items: AssistItem[] } | undefined {
  let ctx = yamlContext(lines, offset, firstLine, lastLine);
  if (!ctx) return undefined;
  // "- |" directly under a key whose items are mappings (identities): a new item's first key.
  if (ctx.kind === 'value' && ctx.inList && table.fieldsAt([...ctx.path, ctx.key, '-'])) {
    ctx = { kind: 'key', path: [...ctx.path, ctx.key, '-'], prefix: ctx.prefix, start: ctx.start, siblings: new Set() };
  }
  const range = lines.range(ctx.start, offset);
  const items: AssistItem[] = [];
  if (ctx.kind === 'key') {
    const fields = table.fieldsAt(ctx.path);
    if (!fields) return { ctx, items };
    const present = new Set([...ctx.siblings].map((k) => table.canonical(k, ctx.path) ?? k));
    fields.forEach((f, i) => {
      if (present.has(f.key)) return;
      items.push({
        label: f.key,
        kind: 'key',
        detail: f.kind === 'enum' && f.values ? f.values.join(' | ') : f.kind,
        documentation: fieldMarkdown(f),
        snippet: true,
        sortText: String(i).padStart(3, '0'),
        range,
        newText: `${f.key}: ${valueSnippet(f, config)}`,
      });
    });
    return { ctx, items };
  }
  const f = fieldOf(table, ctx.path, ctx.key);
  if (!f) return { ctx, items };
  const values: { v: string; detail?: string }[] = [];
  if (f.values) values.push(...f.values.map((v) => ({ v })));
  if (f.kind === 'date') values.push({ v: todayOf(config), detail: 'today' });
  if (f.kind === 'owner') {
    const listed = new Set<string>();
    for (const o of facts.registry ?? []) {
      values.push({ v: o.id, detail: o.detail });
      listed.add(o.id.toLowerCase());
    }
    values.push(...facts.owners.filter((v) => !listed.has(v.toLowerCase())).map((v) => ({ v, detail: 'owner used in this workspace' })));
  }
  values.forEach(({ v, detail }, i) =>
    items.push({
      label: v,
      kind: 'value',
      detail: detail ?? f.key,
      documentation: f.key === 'type' ? DOCUMENT_TYPE_DOCS[v] : undefined,
      sortText: String(i).padStart(4, '0'),
      range,
      newText: v,
    }),
  );
  return { ctx, items };
}

function valueSnippet(f: FieldSpec, config: Config): string {
  switch (f.kind) {
    case 'enum':
    case 'cadence':
      return f.values?.length ? `\${1|${f.values.join(',')}|}` : '$1';
    case 'date':
      return `\${1:${todayOf(config)}}`;
    case 'controls':
    case 'strings':
      return '[$1]';
    case 'map':
    case 'list':
      return '';
    case 'history':
      return f.key === 'rotations' ? `[\${1:${todayOf(config)}}]` : `[{date: \${1:${todayOf(config)}}, by: \${2}, outcome: \${3}}]`;
    case 'boolean':
      return '${1|false,true|}';
    default:
      return f.placeholder ? `\${1:${f.placeholder}}` : '$1';
  }
}

/** Hover text of a field: what it holds, what it proves, the controls that ask for it. */
export function fieldMarkdown(f: FieldSpec, writtenAs?: string): string {
  const cat = catalog();
  const parts = [`**${f.key}**${writtenAs && writtenAs !== f.key ? ` (written as \`${writtenAs}\`)` : ''} — ${f.description}`];
  if (f.values?.length) parts.push(`Values: ${f.values.map((v) => `\`${v}\``).join(', ')}`);
  if (f.evidence) parts.push(`*Why it matters:* ${f.evidence}`);
  if (f.controls?.length) {
    parts.push(
      'Evidence for:\n' +
        f.controls
          .map((ref) => {
            const c = cat.resolve(ref);
            return `- ${ref}${c ? ` ${c.title}` : ''}`;
          })
          .join('\n'),
    );
  }
  return parts.join('\n\n');
}

/** Hover on a key (or a `type:` value) in YAML lines [firstLine, lastLine]. */
export function hoverField(lines: LineIndex, offset: number, firstLine: number, lastLine: number, table: FieldTable): { contents: string; start: number; end: number } | undefined {
  const pos = lines.positionAt(offset);
  if (pos.line < firstLine || pos.line > lastLine) return undefined;
  const text = lines.lineText(pos.line);
  const m = /^(\s*)(-\s+)?([A-Za-z_][\w.-]*)\s*:\s*(.*?)\s*(?:#.*)?$/.exec(text);
  if (!m) return undefined;
  const keyCol = m[1].length + (m[2]?.length ?? 0);
  const lineStart = lines.lineStarts[pos.line];
  // The path of this key: a fake context at the key's own column.
  const ctx = yamlContext(lines, lineStart + keyCol, firstLine, lastLine);
  const path = ctx?.kind === 'key' ? ctx.path : [];
  const f = fieldOf(table, path, m[3]);
  if (!f) return undefined;
  if (pos.character >= keyCol && pos.character <= keyCol + m[3].length) {
    return { contents: fieldMarkdown(f, m[3]), start: lineStart + keyCol, end: lineStart + keyCol + m[3].length };
  }
  const vCol = text.indexOf(m[4], keyCol + m[3].length + 1);
  if (f.key === 'type' && m[4] && pos.character >= vCol && pos.character <= vCol + m[4].length) {
    const t = m[4].replace(/^["']|["']$/g, '').toLowerCase();
    const doc = DOCUMENT_TYPE_DOCS[t];
    if (doc) {
      const sections = DEFAULT_REQUIRED_SECTIONS[t];
      return {
        contents: doc + (sections ? `\n\nRequired sections: ${sections.join(', ')}.` : ''),
        start: lineStart + vCol,
        end: lineStart + vCol + m[4].length,
      };
    }
  }
  return undefined;
}

/** Heading completion: at "## |" offer the sections the document type still lacks. */
export function completeSections(lines: LineIndex, offset: number, missing: readonly string[]): AssistItem[] {
  const pos = lines.positionAt(offset);
  const before = lines.source.slice(lines.lineStarts[pos.line], offset);
  const m = /^ {0,3}(#{1,6})[ \t]+([^#]*)$/.exec(before);
  if (!m && !/^ {0,3}#{0,6}$/.test(before)) return [];
  const hashes = m ? m[1] : before.trim() || '';
  const start = m ? offset - m[2].length : lines.lineStarts[pos.line];
  const range = lines.range(start, offset);
  return missing.map((s, i) => ({
    label: s,
    kind: 'section',
    detail: 'required section',
    documentation: `The document type asks for a '${s}' section.`,
    sortText: String(i).padStart(3, '0'),
    range,
    newText: m ? s : `${hashes.length >= 2 ? hashes : '##'} ${s}`,
  }));
}
