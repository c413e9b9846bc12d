/**
 * `isms discover [paths...]`: the non-human identities the infrastructure code under the paths declares that no
 * inventory documents (docs/discovery.md), as inventory entries ready to paste (YAML), as JSON, or appended to an
 * inventory (`--write FILE`, keeping its comments and formatting).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { UsageError, didYouMean, nameEdits, type Command } from '../args';
import { VERSION, type Out } from '../io';
import { checkProject } from './check';
import { appendEntriesEdit, entryFields, entryText, matchKey, suggestedId } from '../../core/discovery/reconcile';
import type { DeclaredIdentity } from '../../core/discovery/types';
import { classify } from '../../core/analysis/analyze';
import { LineIndex } from '../../core/text';
import { decode } from '../files';

const FORMATS = ['yaml', 'json'] as const;

export const discoverCommand: Command = {
  name: 'discover',
  synopsis: 'discover [paths...]',
  summary: 'the identities infrastructure code declares that no inventory documents, as entries to add',
  usage: ['discover [paths...] [--format yaml|json] [--write FILE] [--config FILE]'],
  description: [
    'Reads the infrastructure files under the paths (default: the current folder): Kubernetes manifests, GitHub',
    'Actions workflows and, when the Terraform reader is available, Terraform (discovery in .isms.yaml says which',
    'files; docs/discovery.md). Every identity they declare that no inventory of the project documents (matched on',
    '`source:`, `id` or `name`) is printed as an inventory entry ready to paste under `identities:`, pre-filled',
    'from the code, with owner and purpose left as TODO; grouped by the inventory the entry belongs in',
    '(discovery.inventory, else the one documenting most of that folder, else the nearest one up the tree).',
    'The inventories of the whole project are read, also those outside the paths given.',
  ],
  options: {
    format: { type: 'string', value: '<yaml|json>', description: 'YAML entries to paste (the default), or JSON: every missing identity with its file, line, source ref and entry' },
    write: { type: 'string', value: '<file>', description: "append the missing entries to this inventory's identities list, keeping its comments and formatting" },
    config: { type: 'string', value: '<file>', description: 'read this configuration instead of the .isms.yaml found; its folder is the project root' },
  },
  exitCodes: 'Exit codes: 0 every declared identity is documented (or --write added the missing ones), 1 some are missing, 2 usage or configuration error, 3 a file could not be read.',
  notes: ['Examples:', '  isms discover', '  isms discover deploy/ --format json', '  isms discover --write identities/platform.nhi.yaml'],
  run: (args, io) => runDiscover(args.values, args.positionals, io),
};

interface Missing {
  d: DeclaredIdentity;
  /** The infrastructure file, relative to the current folder; its line (1-based). */
  file: string;
  line: number;
  /** The inventory it belongs in (relative to the current folder), if the project has one. */
  inventory?: string;
  id: string;
}

async function runDiscover(values: Record<string, string | boolean | undefined>, positionals: string[], io: Out): Promise<number> {
  const format = (values.format as string | undefined) ?? 'yaml';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be yaml or json, not '${format}'${didYouMean(format, FORMATS, undefined, nameEdits(format))}`, 'discover');
  const write = values.write as string | undefined;
  if (write === '') throw new UsageError('--write needs the path of an inventory', 'discover');
  if (write !== undefined && format === 'json') throw new UsageError('--write and --format json exclude each other', 'discover');
  const run = await checkProject(values, positionals, io, 'discover');
  if (typeof run === 'number') return run;
  const { service, config } = run;
  if (!config.discovery.enabled) {
    io.err('isms: discovery is turned off (discovery.enabled: false in .isms.yaml): nothing was read.');
    return 0;
  }
  const cwd = (p: string) => relative(process.cwd(), p).split('\\').join('/') || p;
  const complete = service.discoveryIsComplete;
  if (!complete) io.err('isms: some files of the project could not be read (see above): an identity listed below may be documented in one of them.');
  let declared = 0;
  let undocumented = 0;
  const problems: { file: string; line: number; kind: string; message: string }[] = [];
  const missing: Missing[] = [];
  const seen = new Set<string>();
  const taken = new Set<string>();
  for (const o of run.outcomes) {
    if (!o.discovery) continue;
    for (const p of o.discovery.problems) problems.push({ file: cwd(o.uri), line: p.range.start.line + 1, kind: p.kind, message: p.message });
    for (const d of o.discovery.identities) {
      declared++;
      if (service.index.documenting(d).length) continue;
      undocumented++;
      if (seen.has(matchKey(d.source))) continue;
      seen.add(matchKey(d.source));
      const target = service.targetInventory(o.uri, d);
      const id = suggestedId(d, (x) => service.index.hasId(x) || taken.has(x));
      taken.add(id);
      missing.push({ d, file: cwd(o.uri), line: d.focus.start.line + 1, ...(target ? { inventory: cwd(target.uri) } : {}), id });
    }
  }
  for (const p of problems) io.err(`isms: ${p.file}:${p.line}: not read (${p.kind}): ${p.message}`);
  if (format === 'json') {
    const json = {
      version: VERSION,
      declared,
      documented: declared - undocumented,
      missing: missing.map((m) => ({
        source: m.d.source,
        label: m.d.label,
        file: m.file,
        line: m.line,
        ...(m.inventory ? { inventory: m.inventory } : {}),
        entry: Object.fromEntries(entryFields(m.d, m.id).map(([k, v]) => [k, yamlScalar(v)])),
      })),
      skipped: problems,
    };
    io.out(JSON.stringify(json, null, 2));
    return missing.length ? 1 : run.notChecked ? 3 : 0;
  }
  if (write !== undefined) return writeEntries(write, missing, config, io);
  if (!missing.length) {
    io.err(`isms: ${declared} ${declared === 1 ? 'identity' : 'identities'} declared in infrastructure code, all documented in an inventory.`);
    return run.notChecked ? 3 : 0;
  }
  const groups = new Map<string, Missing[]>();
  for (const m of missing) {
    const k = m.inventory ?? '';
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  const out: string[] = [];
  for (const [inv, list] of groups) {
    if (out.length) out.push('');
    out.push(inv ? `# Add under identities: in ${inv} (or run: isms discover --write ${inv})` : '# No inventory in the project: start one with `isms new inventory` and add these under identities:');
    for (const m of list) {
      out.push(`# ${m.d.label}, declared in ${m.file}:${m.line}`);
      out.push(entryText(entryFields(m.d, m.id), 0, 2, '\n').replace(/\n$/, ''));
    }
  }
  io.out(out.join('\n'));
  io.err(`isms: ${missing.length} of ${declared} ${declared === 1 ? 'identity' : 'identities'} declared in infrastructure code ${missing.length === 1 ? 'is' : 'are'} in no inventory.`);
  return 1;
}

/** A field value as JSON: the YAML scalar it was written as (quoted strings unquoted, flow lists as lists). */
function yamlScalar(v: string): unknown {
  if (/^\[.*\]$/.test(v)) return v.slice(1, -1).split(',').map((x) => yamlScalar(x.trim()));
  if (/^".*"$/.test(v)) return JSON.parse(v);
  return v;
}

/** `--write FILE`: the missing entries appended to the inventory FILE (comments and formatting kept). */
function writeEntries(file: string, missing: readonly Missing[], config: Parameters<typeof classify>[2], io: Out): number {
  const path = resolve(file);
  if (!existsSync(path)) {
    io.err(`isms: --write ${file}: no such file (create the inventory first, e.g. isms new inventory)`);
    return 2;
  }
  const text = decode(readFileSync(path));
  if (classify(path, text, config, relative(process.cwd(), path).split('\\').join('/')) !== 'inventory') {
    io.err(`isms: --write ${file}: not an NHI inventory (a *.nhi.yaml file, one with kind: nhi-inventory, or one inventoryGlobs names)`);
    return 2;
  }
  if (!missing.length) {
    io.err(`isms: nothing to add to ${file}: every identity declared in infrastructure code is documented.`);
    return 0;
  }
  const edit = appendEntriesEdit(text, missing.map((m) => entryFields(m.d, m.id)));
  if (!edit) {
    io.err(`isms: --write ${file}: its identities list cannot be appended to without changing its style (a flow list, or a YAML error): add the entries by hand (isms discover prints them)`);
    return 2;
  }
  const lines = new LineIndex(text);
  const next = text.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + text.slice(lines.offsetAt(edit.range.end));
  const bom = readFileSync(path).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? '\ufeff' : '';
  try {
    writeFileSync(path, bom + next);
  } catch (e) {
    io.err(`isms: cannot write ${file}: ${(e as Error).message}`);
    return 2;
  }
  io.err(`isms: added ${missing.length} ${missing.length === 1 ? 'entry' : 'entries'} to ${file} (owner and purpose left as TODO):`);
  for (const m of missing) io.err(`  ${m.id}  ${m.d.source}  (${m.file}:${m.line})`);
  return 0;
}
