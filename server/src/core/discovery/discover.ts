/**
 * Which files discovery reads and with which reader (docs/discovery.md). Pure: a workspace-relative path, the
 * text and the readers in, a DiscoveryResult out. The Terraform reader needs a parser the core does not load
 * (web-tree-sitter and its grammar): the adapters inject it (`readers.terraform`); without it `.tf` files are
 * skipped, and Terraform counts as not discovered (no nhi-undeployed about `terraform:` sources).
 */
import type { Config } from '../config';
import { matchesAny } from '../glob';
import { looksLikeManifest, readKubernetes } from './kubernetes';
import { isWorkflowPath, readWorkflow } from './workflows';
import type { DiscoveryResult, InfraOrigin } from './types';

/** The readers an adapter provides (the Terraform reader is given when the grammar is loaded). */
export interface DiscoveryReaders {
  terraform?: (text: string) => DiscoveryResult;
}

/** Infrastructure files larger than this are not read. */
export const MAX_INFRA_CHARS = 2 * 1024 * 1024;

/**
 * The origin of an infrastructure file by its workspace-relative path, when discovery reads it: enabled, named by
 * `discovery.include`, not by `discovery.exclude` nor `ignoreGlobs`. A YAML file may still turn out not to be a
 * manifest (see discoverFile).
 */
export function infraOrigin(rel: string, config: Config): InfraOrigin | undefined {
  const d = config.discovery;
  if (!d?.enabled || rel.startsWith('../') || rel === '..' || /^[a-z]+:/i.test(rel) || rel.startsWith('/')) return undefined;
  if (!matchesAny(rel, d.include) || matchesAny(rel, d.exclude) || matchesAny(rel, config.ignoreGlobs)) return undefined;
  if (/\.tf$/i.test(rel)) return 'terraform';
  if (isWorkflowPath(rel)) return 'github';
  if (/\.ya?ml$/i.test(rel)) return 'k8s';
  return undefined;
}

/**
 * What one infrastructure file declares, or undefined when it is none: not included, a YAML file that is no
 * manifest, a `.tf` file without a Terraform reader. Never throws.
 */
export function discoverFile(rel: string, text: string, config: Config, readers: DiscoveryReaders = {}): DiscoveryResult | undefined {
  const origin = infraOrigin(rel, config);
  if (!origin || text.length > MAX_INFRA_CHARS || text.slice(0, 8192).includes('\u0000')) return undefined;
  try {
    if (origin === 'terraform') return readers.terraform ? readers.terraform(text) : undefined;
    if (origin === 'github') return readWorkflow(text, rel);
    if (!looksLikeManifest(text)) return undefined;
    return readKubernetes(text);
  } catch (e) {
    // (The readers do not throw; should one, the file gets one problem rather than the server going down.)
    return { origin, identities: [], problems: [{ kind: 'malformed', message: `This file could not be read (${(e as Error)?.message?.split('\n')[0] ?? String(e)}).`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
  }
}
