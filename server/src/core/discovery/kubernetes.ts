/**
 * Kubernetes manifests (docs/discovery.md): the non-human identities a (multi-document) YAML file declares.
 * A document is a manifest when it has `apiVersion` and `kind` at its top level; others are ignored.
 *
 * - ServiceAccount: a service account; with a workload-identity annotation (IRSA `eks.amazonaws.com/role-arn`,
 *   GKE `iam.gke.io/gcp-service-account`, Azure `azure.workload.identity/client-id`) a federated workload identity.
 * - Secret: of type `kubernetes.io/service-account-token` (a long-lived token), tls, ssh-auth, docker config,
 *   basic-auth, or an Opaque secret with a key that names a credential (token, password, api key, private key ...).
 * - ExternalSecret (External Secrets Operator) and SecretProviderClass (Secrets Store CSI driver): a credential
 *   held in an external store (Vault or a cloud secrets manager, when the file says which).
 *
 * A file with Helm/Go templates (`{{`) is not read: one `templated` problem, never a guess. Malformed YAML:
 * one `malformed` problem. Source refs: `k8s:<namespace|default>/<Kind>/<name>`.
 */
import { parseAllDocuments, type Document } from 'yaml';
import { LineIndex } from '../text';
import { MAX_YAML_DEPTH, mayNestDeep, scanDeepValues } from '../lang/fast-yaml';
import type { DeclaredIdentity, DiscoveryProblem, DiscoveryResult, SuggestedEntry } from './types';
import { entries, get, items, path, span, text as scalarOf } from './yaml-nodes';

const PARSE = { prettyErrors: false, uniqueKeys: false, logLevel: 'silent', keepSourceTokens: false } as const;

/** Annotations that federate a service account to a cloud identity, with the platform each names. */
const WORKLOAD_ANNOTATIONS: readonly { key: string; platform: string }[] = [
  { key: 'eks.amazonaws.com/role-arn', platform: 'aws' },
  { key: 'iam.gke.io/gcp-service-account', platform: 'gcp' },
  { key: 'azure.workload.identity/client-id', platform: 'azure' },
];

/** Keys of an Opaque secret that hold a credential, and the inventory type each suggests (first match wins). */
const CREDENTIAL_KEYS: readonly { re: RegExp; type: string; credential: string }[] = [
  { re: /(?:^|[_.-])(?:ssh|id_rsa|id_ed25519)|private[_.-]?key/i, type: 'ssh-key', credential: 'static-secret' },
  { re: /\.(?:pem|crt|p12|pfx)$|(?:^|[_.-])cert(?:ificate)?(?:$|[_.-])/i, type: 'certificate', credential: 'certificate' },
  { re: /api[_.-]?key|access[_.-]?key|secret[_.-]?key/i, type: 'api-key', credential: 'api-key' },
  { re: /token|password|passwd|secret|credential|auth/i, type: 'token', credential: 'static-secret' },
];

/** Secret types (`type:`) that always hold a credential. */
const SECRET_TYPES: Record<string, { type: string; credential: string }> = {
  'kubernetes.io/service-account-token': { type: 'token', credential: 'static-secret' },
  'kubernetes.io/tls': { type: 'certificate', credential: 'certificate' },
  'kubernetes.io/ssh-auth': { type: 'ssh-key', credential: 'static-secret' },
  'kubernetes.io/dockerconfigjson': { type: 'token', credential: 'static-secret' },
  'kubernetes.io/dockercfg': { type: 'token', credential: 'static-secret' },
  'kubernetes.io/basic-auth': { type: 'token', credential: 'static-secret' },
};

/** SecretStore providers (`spec.provider.<name>`) and SecretProviderClass providers, as inventory `secret_store` values. */
const STORE_OF_PROVIDER: Record<string, string> = {
  vault: 'vault',
  aws: 'cloud-secrets-manager',
  gcpsm: 'cloud-secrets-manager',
  gcp: 'cloud-secrets-manager',
  azurekv: 'cloud-secrets-manager',
  azure: 'cloud-secrets-manager',
  ibm: 'cloud-secrets-manager',
  akeyless: 'vault',
  doppler: 'cloud-secrets-manager',
  onepassword: 'vault',
  kubernetes: 'k8s-secret',
};

/** Helm/Go template actions. */
const TEMPLATE = /\{\{/;

/** Does the text look like a Kubernetes manifest: `apiVersion:` and `kind:` at the top level of some document? */
export function looksLikeManifest(text: string): boolean {
  return /^apiVersion[ \t]*:/m.test(text) && /^kind[ \t]*:/m.test(text);
}

export function readKubernetes(text: string): DiscoveryResult {
  const out: DiscoveryResult = { origin: 'k8s', identities: [], problems: [] };
  const lines = new LineIndex(text);
  const m = TEMPLATE.exec(text);
  if (m) {
    const lineEnd = lines.lineEnd(lines.positionAt(m.index).line);
    out.problems.push({
      kind: 'templated',
      message: 'This file holds Helm/Go templates ({{ … }}): the identities it declares depend on values known only when it is rendered, so it was not read. Document them from the rendered manifests, or list the file in discovery.exclude.',
      range: lines.range(m.index, lineEnd),
    });
    return out;
  }
  if (mayNestDeep(text) && scanDeepValues(text).length) {
    out.problems.push({ kind: 'malformed', message: `This manifest nests values more than ${MAX_YAML_DEPTH} levels deep: it was not read.`, range: lines.range(0, lines.lineEnd(0)) });
    return out;
  }
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, PARSE) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [docs];
  } catch (e) {
    out.problems.push({ kind: 'malformed', message: `This manifest could not be read (${(e as Error).message.split('\n')[0]}).`, range: lines.range(0, lines.lineEnd(0)) });
    return out;
  }
  // Stores declared in this file, by name: what an ExternalSecret's secretStoreRef names.
  const stores = new Map<string, string>();
  for (const doc of docs) {
    const root = doc.contents;
    const kind = scalarOf(get(root, 'kind'));
    if (kind !== 'SecretStore' && kind !== 'ClusterSecretStore') continue;
    const name = scalarOf(path(root, 'metadata', 'name'));
    const provider = entries(path(root, 'spec', 'provider'))[0]?.key;
    const store = provider ? STORE_OF_PROVIDER[provider] : undefined;
    if (name && store) stores.set(`${kind}/${name}`, store);
  }
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const at = Math.min(err.pos[0], text.length);
      out.problems.push({ kind: 'malformed', message: `This manifest is not valid YAML (${err.message.split('\n')[0]}): it was not read past this point.`, range: lines.range(at, Math.max(at, lines.lineEnd(lines.positionAt(at).line))) });
      break;
    }
    const id = readDocument(doc, lines, stores);
    if (id) out.identities.push(id);
  }
  return out;
}


function readDocument(doc: Document.Parsed, lines: LineIndex, stores: Map<string, string>): DeclaredIdentity | undefined {
  const root = doc.contents;
  const kind = scalarOf(get(root, 'kind'));
  const apiVersion = scalarOf(get(root, 'apiVersion'));
  if (!kind || !apiVersion) return undefined;
  const nameNode = path(root, 'metadata', 'name');
  const name = scalarOf(nameNode);
  if (!name) return undefined;
  const namespace = scalarOf(path(root, 'metadata', 'namespace')) || 'default';
  const nameSpan = span(nameNode)!;
  const docSpan = span(root) ?? nameSpan;
  const base = {
    origin: 'k8s' as const,
    source: `k8s:${namespace}/${kind}/${name}`,
    label: `Kubernetes ${kind} ${namespace}/${name}`,
    range: lines.range(docSpan[0], docSpan[1]),
    focus: lines.range(nameSpan[0], nameSpan[1]),
  };
  const names = [name, `${namespace}/${name}`];
  const platform = 'kubernetes';
  switch (kind) {
    case 'ServiceAccount': {
      const annotations = path(root, 'metadata', 'annotations');
      for (const a of WORKLOAD_ANNOTATIONS) {
        const v = scalarOf(get(annotations, a.key))?.trim();
        if (!v) continue;
        names.push(v);
        const role = /^arn:aws[\w-]*:iam::\d*:role\/(?:.*\/)?([^/]+)$/.exec(v);
        if (role) names.push(role[1]);
        const purpose = `Kubernetes service account federated to ${a.platform === 'aws' ? `the AWS IAM role ${v}` : a.platform === 'gcp' ? `the Google service account ${v}` : `the Azure application (client ID ${v})`}`;
        return { ...base, names, entry: { type: 'workload-identity', platform, credential: 'federated', secret_store: 'none', purpose } };
      }
      return { ...base, names, entry: { type: 'service-account', platform } };
    }
    case 'Secret': {
      if (!apiVersion.startsWith('v1')) return undefined;
      const type = scalarOf(get(root, 'type')) ?? 'Opaque';
      let known = SECRET_TYPES[type];
      if (type === 'kubernetes.io/service-account-token') {
        const sa = scalarOf(path(root, 'metadata', 'annotations', 'kubernetes.io/service-account.name'));
        if (sa) names.push(sa);
      }
      if (!known && (type === 'Opaque' || !type.startsWith('kubernetes.io/'))) {
        const keys = [...entries(get(root, 'data')), ...entries(get(root, 'stringData'))].map((e) => e.key);
        for (const c of CREDENTIAL_KEYS) {
          if (keys.some((k) => c.re.test(k))) {
            known = { type: c.type, credential: c.credential };
            break;
          }
        }
      }
      if (!known) return undefined;
      const entry: SuggestedEntry = { type: known.type, platform, credential: known.credential, secret_store: 'k8s-secret' };
      return { ...base, names, entry };
    }
    case 'ExternalSecret': {
      const spec = get(root, 'spec');
      const ref = get(spec, 'secretStoreRef');
      const storeKind = scalarOf(get(ref, 'kind')) ?? 'SecretStore';
      const storeName = scalarOf(get(ref, 'name'));
      const store = storeName ? stores.get(`${storeKind}/${storeName}`) : undefined;
      const target = scalarOf(path(spec, 'target', 'name'));
      if (target && target !== name) names.push(target);
      const keys: string[] = [];
      for (const d of items(get(spec, 'data'))) {
        const k = scalarOf(path(d, 'remoteRef', 'key'));
        if (k) keys.push(k);
      }
      for (const d of items(get(spec, 'dataFrom'))) {
        const k = scalarOf(path(d, 'extract', 'key')) ?? scalarOf(path(d, 'find', 'name', 'regexp'));
        if (k) keys.push(k);
      }
      const entry: SuggestedEntry = { type: 'token', platform, credential: 'static-secret', ...(store ? { secret_store: store } : {}) };
      if (keys.length) entry.purpose = `Kubernetes secret synced from ${[...new Set(keys)].slice(0, 5).join(', ')}${storeName ? ` (${storeKind} ${storeName})` : ''}`;
      return { ...base, names, entry };
    }
    case 'SecretProviderClass': {
      const provider = scalarOf(path(root, 'spec', 'provider'));
      const store = provider ? STORE_OF_PROVIDER[provider] : undefined;
      const entry: SuggestedEntry = { type: 'token', platform, credential: 'static-secret', ...(store ? { secret_store: store } : {}) };
      if (provider) entry.purpose = `Secrets mounted from the ${provider} provider (Secrets Store CSI driver)`;
      return { ...base, names, entry };
    }
  }
  return undefined;
}
