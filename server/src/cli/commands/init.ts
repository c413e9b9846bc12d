/**
 * `isms init [folder]`: a commented `.isms.yaml` for the repository it finds (the frameworks its files
 * reference, where its documents and inventories are, globs for folders whose files are not recognised by
 * default) and an `owners.yaml` skeleton with the owners already used. Never overwrites either file.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig, DEFAULT_FRAMEWORKS, DEFAULT_OWNERS_FILE, FRAMEWORK_IDS, type FrameworkId } from '../../core/config';
import { FRAMEWORKS } from '../../core/catalog/frameworks';
import { scanReferences } from '../../core/refs/scan';
import { UsageError, type Command } from '../args';
import type { Out } from '../io';
import { collect } from '../files';
import { checker } from '../check-files';
import { infraOrigin } from '../../core/discovery/discover';
import type { InfraOrigin } from '../../core/discovery/types';

export const initCommand: Command = {
  name: 'init',
  synopsis: 'init [folder]',
  summary: 'write a commented .isms.yaml and an owners.yaml skeleton for the repository',
  usage: ['init [folder]'],
  description: [
    'Reads the Markdown and YAML files under the folder (default: the current one) with the engine and writes',
    'two files there: .isms.yaml, with the frameworks the files reference, where the process documents and NHI',
    'inventories are, and documentGlobs/inventoryGlobs for folders whose files are not recognised by default;',
    'and owners.yaml, one entry per owner the files name (id, a name to fill in, the email when the owner is',
    'an address, active: true). Neither file is overwritten: if one exists, nothing is written (exit 2).',
  ],
  options: {},
  notes: ['Example:', '  isms init && isms check'],
  exitCodes: 'Exit codes: 0 written, 2 usage error or a file exists.',
  run: (args, io) => runInit(args.positionals, io),
};

/** What init found in a folder. */
export interface Survey {
  frameworks: FrameworkId[];
  /** Folders (root-relative, '.' for the root) with recognised documents / inventories, and how many. */
  documents: Map<string, number>;
  inventories: Map<string, number>;
  /** Globs suggested for files not recognised by default. */
  documentGlobs: string[];
  inventoryGlobs: string[];
  owners: string[];
  /** Infrastructure files that discovery reads by default (Terraform, workflows, Kubernetes manifests), by origin. */
  infrastructure: Map<InfraOrigin, number>;
}

export function survey(root: string): Survey {
  const all = { ...defaultConfig(), frameworks: [...FRAMEWORK_IDS] };
  const service = checker(root, all);
  const { files } = collect([root], root, all);
  const frameworks = new Set<FrameworkId>();
  const documents = new Map<string, number>();
  const inventories = new Map<string, number>();
  const documentGlobs = new Set<string>();
  const inventoryGlobs = new Set<string>();
  const infrastructure = new Map<InfraOrigin, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const rel = relative(root, f).split('\\').join('/');
    const dir = rel.includes('/') ? dirname(rel) : '.';
    const origin = infraOrigin(rel, all);
    // (A YAML file under k8s/, deploy/, … counts when it is a manifest: apiVersion and kind at its top level.)
    if (origin && (origin !== 'k8s' || (/^apiVersion\s*:/m.test(text) && /^kind\s*:/m.test(text)))) {
      bump(infrastructure, origin);
      if (origin !== 'k8s') continue;
    }
    const file = { uri: pathToFileURL(f).href, text, version: 1 };
    service.indexFile(file);
    const a = service.analysis(file);
    // (A bare SP 800-53 ID such as AC-2 is too often something else: only a prefixed one counts.)
    for (const r of a.refs) if (r.status === 'ok' && (r.framework !== 'sp800-53' || r.prefixed)) frameworks.add(r.framework);
    if (a.kind === 'process-document') bump(documents, dir);
    else if (a.kind === 'inventory') bump(inventories, dir);
    else if (/\.(md|markdown)$/i.test(rel) && !/(^|\/)(README|CHANGELOG|CONTRIBUTING|LICENSE)[^/]*$/i.test(rel) && scanReferences(text.slice(0, 1 << 20), { frameworks: [...FRAMEWORK_IDS], mode: 'prose' }).some((r) => r.status === 'ok' && r.prefixed)) {
      documentGlobs.add(`${dir === '.' ? '' : dir + '/'}*.md`);
    } else if (/\.ya?ml$/i.test(rel) && /^identities\s*:/m.test(text)) {
      inventoryGlobs.add(`${dir === '.' ? '' : dir + '/'}*${rel.endsWith('.yml') ? '.yml' : '.yaml'}`);
    }
  }
  const ordered = FRAMEWORK_IDS.filter((id) => frameworks.has(id));
  return {
    frameworks: ordered.length ? ordered : [...DEFAULT_FRAMEWORKS],
    documents,
    inventories,
    documentGlobs: [...documentGlobs].sort(),
    inventoryGlobs: [...inventoryGlobs].sort(),
    owners: service.owners(),
    infrastructure,
  };
}

const q = (s: string) => JSON.stringify(s);

const INFRA_ORDER: readonly InfraOrigin[] = ['terraform', 'github', 'k8s'];
const INFRA_NAMES: Record<InfraOrigin, string> = { terraform: 'Terraform files', github: 'GitHub Actions workflows', k8s: 'Kubernetes manifests' };

/** The commented .isms.yaml of a survey. */
export function configText(s: Survey): string {
  const where = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([d, n]) => `#   ${d === '.' ? '(root)' : d + '/'}: ${n}`);
  const out = [
    '# .isms.yaml: settings of ISMS Author, read by `isms check` and the VS Code extension alike.',
    '# Written by `isms init`; every setting is described in docs/configuration.md.',
    '',
    '# The frameworks whose control references are checked and offered. Found in the files:',
    ...(s.frameworks.map((id) => `#   ${id}: ${FRAMEWORKS[id].name}`)),
    `frameworks: [${s.frameworks.join(', ')}]`,
    '',
    '# Per-rule severities (error, warning, info, hint, off), for example:',
    '# rules: { control-legacy: error, placeholder: off }',
    '',
    '# Process documents found (by folder):',
    ...(s.documents.size ? where(s.documents) : ['#   none yet']),
    '# Markdown files with control references that are not recognised as process documents by default:',
    s.documentGlobs.length ? `documentGlobs: [${s.documentGlobs.map(q).join(', ')}]` : '# documentGlobs: ["policies/**/*.md"]',
    '',
    '# NHI inventories found (by folder):',
    ...(s.inventories.size ? where(s.inventories) : ['#   none yet']),
    '# YAML files with `identities:` that are not recognised as inventories by default:',
    s.inventoryGlobs.length ? `inventoryGlobs: [${s.inventoryGlobs.map(q).join(', ')}]` : '# inventoryGlobs: ["identities/*.yaml"]',
    '',
    '# Discovery: identities that infrastructure code declares (Terraform, GitHub Actions workflows, Kubernetes',
    '# manifests) are matched with the inventories: nhi-undocumented where no inventory lists one, nhi-undeployed',
    '# where an entry\'s source is no longer declared (docs/discovery.md). Infrastructure files found:',
    ...(s.infrastructure.size ? INFRA_ORDER.filter((o) => s.infrastructure.has(o)).map((o) => `#   ${INFRA_NAMES[o]}: ${s.infrastructure.get(o)}`) : ['#   none yet']),
    '# Where `isms discover --write` and the quick fix add entries, and what to leave out, for example:',
    '# discovery: { inventory: identities/platform.nhi.yaml, exclude: ["sandbox/**"] }',
    '# (discovery: { enabled: false } turns it off.)',
    '',
    '# Folders the CLI and the editor skip:',
    '# ignoreGlobs: ["drafts/**"]',
    '',
    '# The SOC 2 Type II period (isms soc2, review-period-gap):',
    '# audit_period: 2026-01-01..2026-12-31',
    '',
    '# Thresholds of the NHI rules (days):',
    '# nhi: { staleAfterDays: 90, maxRotationDays: 90 }',
    '',
  ];
  return out.join('\n');
}

/** The owners.yaml skeleton: one entry per owner (id, name to fill in, email when the owner is an address, active). */
export function ownersText(owners: readonly string[]): string {
  const out = [
    '# owners.yaml: the people and teams that own documents and identities (written by `isms init`).',
    '# Each owner: id, name, email, optional slack, team, manager, and active: true or left_on: YYYY-MM-DD.',
    'owners:',
  ];
  if (!owners.length) out.push('  # - id: platform-team', '  #   name: Platform team', '  #   email: platform@example.com', '  #   active: true');
  for (const o of owners) {
    out.push(`  - id: ${q(o)}`, `    name: ${q('TODO: name of ' + o)}`);
    if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(o)) out.push(`    email: ${q(o)}`);
    out.push('    active: true');
  }
  out.push('');
  return out.join('\n');
}

function runInit(positionals: string[], io: Out): number {
  if (positionals.length > 1) throw new UsageError(`init takes one folder, not ${positionals.length}`, 'init');
  const root = resolve(positionals[0] ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`not a folder: ${positionals[0]}`, 'init');
  const targets = [join(root, '.isms.yaml'), join(root, DEFAULT_OWNERS_FILE)];
  const there = targets.filter((t) => existsSync(t));
  if (there.length) {
    for (const t of there) io.err(`isms: ${relative(process.cwd(), t) || t} exists; not overwritten (nothing written)`);
    return 2;
  }
  const s = survey(root);
  writeFileSync(targets[0], configText(s));
  writeFileSync(targets[1], ownersText(s.owners));
  for (const t of targets) io.out(`wrote ${relative(process.cwd(), t) || t}`);
  return 0;
}
