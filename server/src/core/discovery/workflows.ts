/**
 * GitHub Actions workflows (docs/discovery.md): every repository or organisation secret a workflow reads
 * (`secrets.NAME` or `secrets['NAME']` in a `${{ … }}` expression, or in an `if:` condition, which is an
 * expression without the braces), and OIDC: `permissions: id-token: write` at the workflow or a job level, a
 * federated identity the workflow can exchange for cloud credentials.
 *
 * `GITHUB_TOKEN` is not reported: GitHub creates it for each job and revokes it when the job ends; there is
 * nothing to inventory or offboard (its permissions are the workflow's `permissions:`).
 *
 * Source refs: `github:secrets.NAME` (one per secret, whatever the workflow reading it) and
 * `github:<workflow path>#oidc` (one per workflow, the path relative to the workspace root).
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { LineIndex } from '../text';
import { MAX_YAML_DEPTH, mayNestDeep, scanDeepValues } from '../lang/fast-yaml';
import type { DeclaredIdentity, DiscoveryResult } from './types';
import { get, span, text as scalarOf } from './yaml-nodes';

const PARSE = { prettyErrors: false, uniqueKeys: false, logLevel: 'silent', keepSourceTokens: false } as const;

/** The secrets GitHub provides itself (not an identity anyone created). */
export const BUILT_IN_SECRETS: ReadonlySet<string> = new Set(['GITHUB_TOKEN']);

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;
const SECRET_REF = /\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*(['"])([A-Za-z_][A-Za-z0-9_-]*)\2\s*\])/g;

/** Is a workspace-relative path a workflow file (`.github/workflows/*.yml|yaml`, at any depth of a monorepo)? */
export function isWorkflowPath(rel: string): boolean {
  return /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(rel);
}

/** The identities a workflow declares; `rel` is the workflow's path relative to the workspace root (its OIDC source ref). */
export function readWorkflow(text: string, rel: string): DiscoveryResult {
  const out: DiscoveryResult = { origin: 'github', identities: [], problems: [] };
  const lines = new LineIndex(text);
  if (mayNestDeep(text) && scanDeepValues(text).length) {
    out.problems.push({ kind: 'malformed', message: `This workflow nests values more than ${MAX_YAML_DEPTH} levels deep: it was not read.`, range: lines.range(0, lines.lineEnd(0)) });
    return out;
  }
  let doc;
  try {
    doc = parseDocument(text, PARSE);
  } catch (e) {
    out.problems.push({ kind: 'malformed', message: `This workflow could not be read (${(e as Error).message.split('\n')[0]}).`, range: lines.range(0, lines.lineEnd(0)) });
    return out;
  }
  const err = doc.errors[0];
  if (err) {
    const at = Math.min(err.pos[0], text.length);
    out.problems.push({ kind: 'malformed', message: `This workflow is not valid YAML (${err.message.split('\n')[0]}): it was not read.`, range: lines.range(at, Math.max(at, lines.lineEnd(lines.positionAt(at).line))) });
    return out;
  }
  const root = doc.contents;
  if (!isMap(root)) return out;

  // Secrets: in every scalar value, the expressions it holds (an `if:` value is an expression as a whole).
  const secrets = new Map<string, DeclaredIdentity>();
  const reads = (value: Node, isCondition: boolean) => {
    const s = span(value);
    if (!s || !isScalar(value)) return;
    const src = text.slice(s[0], s[1]);
    const found = (expr: string, at: number) => {
      for (const m of expr.matchAll(SECRET_REF)) {
        const name = m[1] ?? m[3];
        if (BUILT_IN_SECRETS.has(name.toUpperCase())) continue;
        const key = name.toUpperCase();
        if (secrets.has(key)) continue;
        const start = at + m.index!;
        secrets.set(key, {
          origin: 'github',
          source: `github:secrets.${name}`,
          names: [name],
          label: `GitHub Actions secret ${name}`,
          range: lines.range(start, start + m[0].length),
          focus: lines.range(start, start + m[0].length),
          entry: { type: 'ci-cd-token', platform: 'github-actions', credential: 'static-secret', secret_store: 'ci-secret', purpose: `Secret ${name} read by the GitHub Actions workflow ${rel}` },
        });
      }
    };
    if (src.includes('${{')) for (const e of src.matchAll(EXPRESSION)) found(e[0], s[0] + e.index!);
    else if (isCondition) found(src, s[0]);
  };
  const walk = (node: unknown, depth: number) => {
    if (depth > MAX_YAML_DEPTH) return;
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const key = isScalar(p.key) ? String(p.key.value) : undefined;
        if (isScalar(p.value)) reads(p.value as Node, key === 'if');
        else walk(p.value, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const i of node.items) {
        if (isScalar(i)) reads(i as Node, false);
        else walk(i, depth + 1);
      }
    }
  };
  walk(root, 0);

  // OIDC: id-token: write at the workflow level, else the first job that asks for it.
  let oidc: Node | undefined;
  const idToken = (perms: unknown) => {
    const v = get(perms, 'id-token');
    return scalarOf(v) === 'write' ? v : undefined;
  };
  oidc = idToken(get(root, 'permissions'));
  const jobs = get(root, 'jobs');
  if (!oidc && isMap(jobs)) {
    for (const p of jobs.items) {
      oidc = idToken(get(p.value, 'permissions'));
      if (oidc) break;
    }
  }
  const found = oidc ? span(oidc) : undefined;
  if (found) {
    const workflowName = scalarOf(get(root, 'name'));
    out.identities.push({
      origin: 'github',
      source: `github:${rel}#oidc`,
      names: [],
      label: `GitHub Actions OIDC of ${rel}`,
      range: lines.range(found[0], found[1]),
      focus: lines.range(found[0], found[1]),
      entry: {
        type: 'workload-identity',
        platform: 'github-actions',
        credential: 'federated',
        secret_store: 'none',
        purpose: `OIDC token of the GitHub Actions workflow ${workflowName ? `'${workflowName}' (${rel})` : rel}, exchanged for cloud credentials`,
      },
    });
  }
  out.identities.push(...[...secrets.values()].sort((a, b) => a.focus.start.line - b.focus.start.line || a.focus.start.character - b.focus.start.character));
  out.identities.sort((a, b) => a.focus.start.line - b.focus.start.line || a.focus.start.character - b.focus.start.character);
  return out;
}
