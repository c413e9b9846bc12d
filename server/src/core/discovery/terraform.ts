/**
 * Terraform discovery (docs/discovery.md#terraform): the identities a `.tf` file declares, read from
 * the tree-sitter syntax tree the adapter parsed (node/hcl.ts) and the text it was parsed from.
 *
 * Only `resource` blocks are identities (`data` blocks are read for the policy documents roles
 * reference; `module` blocks are not followed). Values are read where the code writes them as
 * literals; an interpolated or computed value is never guessed from (it stays unknown). Policies,
 * attachments, role grants and secret stores are resolved within the same file only.
 */
import { LineIndex } from '../text';
import type { DeclaredIdentity, DiscoveryProblem, DiscoveryResult, HclNode, SuggestedEntry } from './types';

// ---------------------------------------------------------------------------------------------
// Values of expressions

/** A value the code computes (a reference, a call, an interpolation ...): its source text and, for a reference, its path. */
class Unknown {
  constructor(
    readonly raw: string,
    readonly ref?: readonly string[],
  ) {}
}

type Value = string | number | boolean | null | Unknown | Value[] | { [key: string]: Value };

function isObject(v: Value | undefined): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** A list's items, or the value alone (IAM policies write one item or a list alike). */
function items(v: Value | undefined): Value[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function children(node: HclNode): HclNode[] {
  const all = node.children;
  if (all) return all.filter((c): c is HclNode => c !== null);
  const out: HclNode[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    if (c) out.push(c);
  }
  return out;
}

function namedChildren(node: HclNode): HclNode[] {
  const all = node.namedChildren;
  if (all) return all.filter((c): c is HclNode => c !== null && c.type !== 'comment');
  const out: HclNode[] = [];
  for (let i = 0; i < node.namedChildCount; i++) {
    const c = node.namedChild(i);
    if (c && c.type !== 'comment') out.push(c);
  }
  return out;
}

/** HCL's string escapes (\n \" \\ \uNNNN ...) and the template escapes $${ and %%{. */
function unescape(raw: string): string {
  if (raw.indexOf('\\') < 0 && raw.indexOf('$${') < 0 && raw.indexOf('%%{') < 0) return raw;
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/gs, (m, e: string | undefined) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    switch (e![0]) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
      case 'U': {
        const cp = parseInt(e!.slice(1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      default:
        return e!;
    }
  });
}

class Reader {
  private lines: LineIndex | undefined;

  constructor(readonly text: string) {}

  src(node: HclNode): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  /** `end` moved back over whitespace, not before `min`. */
  trimEnd(end: number, min: number): number {
    while (end > min && /\s/.test(this.text[end - 1])) end--;
    return end;
  }

  range(start: number, end: number) {
    this.lines ??= new LineIndex(this.text);
    return this.lines.range(start, end);
  }

  /** The literal text of a string_lit or quoted template without interpolation; undefined otherwise. */
  literalString(node: HclNode): string | undefined {
    let out = '';
    for (const c of children(node)) {
      if (c.type === 'quoted_template_start' || c.type === 'quoted_template_end') continue;
      if (c.type === 'template_literal' || c.type === 'escape_sequence') out += this.src(c);
      else return undefined;
    }
    return unescape(out);
  }

  /** The reference an expression is (`aws_iam_user.ci.name`: ['aws_iam_user', 'ci', 'name']), if it is one. */
  private reference(parts: HclNode[]): string[] | undefined {
    if (parts[0]?.type !== 'variable_expr') return undefined;
    const path = [this.src(parts[0])];
    for (const p of parts.slice(1)) {
      if (p.type !== 'get_attr') break; // an index or splat ends the path that names a resource's attribute
      const id = namedChildren(p).find((c) => c.type === 'identifier');
      if (!id) break;
      path.push(this.src(id));
    }
    return path;
  }

  value(node: HclNode | undefined): Value {
    if (!node) return new Unknown('');
    switch (node.type) {
      case 'expression': {
        const parts = namedChildren(node);
        const ref = this.reference(parts);
        if (ref) return new Unknown(this.src(node), ref);
        if (parts.length === 1) return this.value(parts[0]);
        return new Unknown(this.src(node));
      }
      case 'literal_value':
      case 'collection_value':
      case 'template_expr':
        return this.value(namedChildren(node)[0]);
      case 'string_lit':
        return this.literalString(node) ?? new Unknown(this.src(node));
      case 'numeric_lit': {
        const n = Number(this.src(node));
        return Number.isFinite(n) ? n : new Unknown(this.src(node));
      }
      case 'bool_lit':
        return this.src(node) === 'true';
      case 'null_lit':
        return null;
      case 'tuple':
        return namedChildren(node)
          .filter((c) => c.type === 'expression')
          .map((c) => this.value(c));
      case 'object': {
        const out: { [key: string]: Value } = {};
        for (const el of namedChildren(node)) {
          if (el.type !== 'object_elem') continue;
          const [k, v] = namedChildren(el).filter((c) => c.type === 'expression');
          const key = this.objectKey(k);
          if (key !== undefined && !Object.prototype.hasOwnProperty.call(out, key)) out[key] = this.value(v);
        }
        return out;
      }
      case 'quoted_template': {
        const lit = this.literalString(node);
        if (lit !== undefined) return lit;
        const parts = namedChildren(node).filter((c) => c.type !== 'quoted_template_start' && c.type !== 'quoted_template_end');
        // "${aws_iam_user.ci.name}" is the reference itself
        if (parts.length === 1 && parts[0].type === 'template_interpolation') {
          const inner = namedChildren(parts[0]).find((c) => c.type === 'expression');
          const v = inner ? this.value(inner) : undefined;
          if (v instanceof Unknown) return new Unknown(this.src(node), v.ref);
        }
        return new Unknown(this.src(node));
      }
      case 'heredoc_template': {
        const body = this.heredocBody(node);
        if (body === undefined) return new Unknown(this.src(node));
        const computed = namedChildren(node).some((c) => c.type === 'template_interpolation' || c.type === 'template_directive');
        return computed ? new Unknown(body) : unescape(body);
      }
      default:
        return new Unknown(this.src(node));
    }
  }

  /** The text between a heredoc's opening line and its closing marker. */
  private heredocBody(node: HclNode): string | undefined {
    const ids = namedChildren(node).filter((c) => c.type === 'heredoc_identifier');
    if (ids.length < 2) return undefined;
    let start = ids[0].endIndex;
    const nl = this.text.indexOf('\n', start);
    if (nl >= 0 && nl < ids[ids.length - 1].startIndex) start = nl + 1;
    return this.text.slice(start, ids[ids.length - 1].startIndex);
  }

  /** An object key: a bare word or a literal string; undefined for a computed key. */
  private objectKey(k: HclNode | undefined): string | undefined {
    if (!k) return undefined;
    const parts = namedChildren(k);
    if (parts.length === 1 && parts[0].type === 'variable_expr') return this.src(parts[0]);
    const v = this.value(k);
    return typeof v === 'string' ? v : undefined;
  }

  /** Every reference inside an expression (interpolations, calls and lists included), as paths. */
  refsIn(node: HclNode | undefined, out: string[][] = []): string[][] {
    if (!node) return out;
    if (node.type === 'expression') {
      const ref = this.reference(namedChildren(node));
      if (ref) {
        out.push(ref);
        return out;
      }
    }
    for (const c of namedChildren(node)) this.refsIn(c, out);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

interface Block {
  kind: string; // resource, data, ...
  type: string; // aws_iam_user
  name: string; // ci_deploy
  node: HclNode;
  /** End of the header (the last label). */
  headerEnd: number;
  /** End of the block: its node's, or, when the parser's recovery nested the blocks after it inside it, the end of its own text. */
  end: number;
  attrs: Map<string, HclNode>;
  blocks: { name: string; block: BlockBody }[];
}

interface BlockBody {
  attrs: Map<string, HclNode>;
  blocks: { name: string; block: BlockBody }[];
}

function readBody(r: Reader, body: HclNode | undefined): BlockBody {
  const attrs = new Map<string, HclNode>();
  const blocks: { name: string; block: BlockBody }[] = [];
  if (body) {
    for (const c of namedChildren(body)) {
      if (c.type === 'attribute') {
        const parts = namedChildren(c);
        const id = parts[0];
        const expr = parts.find((p) => p.type === 'expression');
        if (id?.type === 'identifier' && expr && !attrs.has(r.src(id))) attrs.set(r.src(id), expr);
      } else if (c.type === 'block') {
        const parts = namedChildren(c);
        if (parts[0]?.type === 'identifier') blocks.push({ name: r.src(parts[0]), block: readBody(r, parts.find((p) => p.type === 'body')) });
      }
    }
  }
  return { attrs, blocks };
}

/** A `resource "T" "N" {` or `data "T" "N" {` block, with its attributes; undefined for other blocks. */
function readBlock(r: Reader, node: HclNode): Block | undefined {
  const parts = namedChildren(node);
  const kind = parts[0]?.type === 'identifier' ? r.src(parts[0]) : '';
  if (kind !== 'resource' && kind !== 'data') return undefined;
  const labels: string[] = [];
  let headerEnd = parts[0].endIndex;
  for (const p of parts.slice(1)) {
    if (p.type === 'string_lit') {
      const s = r.literalString(p);
      if (s === undefined) return undefined;
      labels.push(s);
    } else if (p.type === 'identifier') labels.push(r.src(p));
    else break;
    headerEnd = p.endIndex;
  }
  if (labels.length !== 2 || !labels[0] || !labels[1]) return undefined;
  const { attrs, blocks } = readBody(r, parts.find((p) => p.type === 'body'));
  return { kind, type: labels[0], name: labels[1], node, headerEnd, end: node.endIndex, attrs, blocks };
}

/**
 * The resource and data blocks of the file: those at the top level, and, after a syntax error, those
 * the parser's recovery put inside an ERROR node or inside the block left open before them.
 */
function collectBlocks(r: Reader, node: HclNode, out: Block[], inBroken: boolean): void {
  for (const c of namedChildren(node)) {
    if (c.type === 'block') {
      const b = readBlock(r, c);
      if (b) out.push(b);
      // A block left open swallows the blocks after it; Terraform has no nested resource blocks.
      if (c.hasError) {
        const before = out.length;
        collectBlocks(r, c, out, true);
        if (b && out.length > before) b.end = r.trimEnd(out[before].node.startIndex, b.headerEnd);
      }
    } else if (c.type === 'body' || c.type === 'ERROR' || (inBroken && c.type !== 'attribute')) {
      collectBlocks(r, c, out, inBroken || c.type === 'ERROR');
    }
  }
}

/** The first ERROR or MISSING node (in text order), where a file's syntax error is reported. */
function firstError(node: HclNode): HclNode | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const c of children(node)) {
    const e = firstError(c);
    if (e) return e;
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// IAM policies

interface PolicyFacts {
  /** Whether the document could be read at all. */
  read: boolean;
  services: string[];
  /** Federated principals (OIDC providers; SAML ones are people signing in). */
  federated: string[];
  saml: boolean;
  /** A principal the code computes: the role is kept, its kind unknown. */
  unknownPrincipal: boolean;
  actions: string[];
  /** An Allow of every action on every resource. */
  admin: boolean;
}

function statementsOf(doc: Value): Value[] {
  return isObject(doc) ? items(doc.Statement) : [];
}

function strings(v: Value | undefined): string[] {
  return items(v).filter((x): x is string => typeof x === 'string');
}

function policyFacts(doc: Value | undefined): PolicyFacts {
  const f: PolicyFacts = { read: false, services: [], federated: [], saml: false, unknownPrincipal: false, actions: [], admin: false };
  if (!isObject(doc)) return f;
  f.read = true;
  for (const st of statementsOf(doc)) {
    if (!isObject(st)) {
      f.unknownPrincipal = true;
      continue;
    }
    if (st.Effect === 'Deny') continue;
    const actions = items(st.Action);
    for (const a of actions) if (typeof a === 'string' && !f.actions.includes(a)) f.actions.push(a);
    if (actions.includes('*') && items(st.Resource).includes('*')) f.admin = true;
    if (actions.some((a) => typeof a === 'string' && /AssumeRoleWithSAML/i.test(a))) f.saml = true;
    const p = st.Principal;
    if (p === undefined || p === '*') continue; // "*": anyone, no workload of its own
    if (!isObject(p)) {
      f.unknownPrincipal = true;
      continue;
    }
    // The key says the kind of principal (a computed value of a known key is still that kind).
    for (const [key, v] of Object.entries(p)) {
      for (const id of items(v)) {
        const text = typeof id === 'string' ? id : id instanceof Unknown ? id.raw : undefined;
        if (text === undefined) continue;
        if (key === 'Service') f.services.push(text);
        else if (key === 'Federated') {
          if (/saml-provider|aws_iam_saml_provider/i.test(text)) f.saml = true;
          else f.federated.push(text);
        }
      }
    }
  }
  return f;
}

/** A `data "aws_iam_policy_document"` block as the JSON document it renders. */
function policyDocumentOf(r: Reader, b: Block): Value {
  const Statement: Value[] = [];
  for (const { name, block } of b.blocks) {
    if (name !== 'statement') continue;
    const st: { [key: string]: Value } = {};
    const effect = r.value(block.attrs.get('effect'));
    if (typeof effect === 'string') st.Effect = effect;
    const actions = block.attrs.get('actions');
    if (actions) st.Action = r.value(actions);
    const resources = block.attrs.get('resources');
    if (resources) st.Resource = r.value(resources);
    const principal: { [key: string]: Value } = {};
    let computed = false;
    for (const p of block.blocks) {
      if (p.name !== 'principals') continue;
      const type = r.value(p.block.attrs.get('type'));
      if (typeof type !== 'string') {
        computed = true;
        continue;
      }
      principal[type] = [...items(principal[type]), ...items(r.value(p.block.attrs.get('identifiers')))];
    }
    if (computed) st.Principal = new Unknown('principals');
    else if (Object.keys(principal).length) st.Principal = principal;
    Statement.push(st);
  }
  return { Statement };
}

// ---------------------------------------------------------------------------------------------
// What each resource type declares

interface Kind {
  entry: SuggestedEntry;
  /** Attributes whose literal values are names of the identity. */
  names: string[];
  /** The attributes naming the identity this credential belongs to, and that identity's resource types. */
  parent?: { attrs: string[]; types: string[] };
  /** The attributes of this resource that hold its secret (where a store resource referencing them keeps it). */
  secret?: string[];
}

const KINDS: Record<string, Kind> = {
  aws_iam_user: { entry: { type: 'service-account', platform: 'aws' }, names: ['name'] },
  aws_iam_access_key: {
    entry: { type: 'api-key', platform: 'aws', credential: 'static-secret' },
    names: [],
    parent: { attrs: ['user'], types: ['aws_iam_user'] },
    secret: ['secret', 'ses_smtp_password_v4', 'encrypted_secret'],
  },
  aws_iam_role: { entry: { type: 'workload-identity', platform: 'aws' }, names: ['name'] },
  google_service_account: { entry: { type: 'service-account', platform: 'gcp' }, names: ['account_id', 'display_name'] },
  google_service_account_key: {
    entry: { type: 'api-key', platform: 'gcp', credential: 'static-secret' },
    names: [],
    parent: { attrs: ['service_account_id'], types: ['google_service_account'] },
    secret: ['private_key'],
  },
  azuread_application: { entry: { type: 'oauth-app', platform: 'azure' }, names: ['display_name'] },
  azuread_service_principal: {
    entry: { type: 'service-principal', platform: 'azure' },
    names: [],
    parent: { attrs: ['client_id', 'application_id'], types: ['azuread_application'] },
  },
  azuread_application_password: {
    entry: { type: 'api-key', platform: 'azure', credential: 'static-secret' },
    names: ['display_name'],
    parent: { attrs: ['application_id', 'application_object_id'], types: ['azuread_application'] },
    secret: ['value'],
  },
  azuread_service_principal_password: {
    entry: { type: 'api-key', platform: 'azure', credential: 'static-secret' },
    names: ['display_name'],
    parent: { attrs: ['service_principal_id'], types: ['azuread_service_principal'] },
    secret: ['value'],
  },
  azuread_application_certificate: {
    entry: { type: 'certificate', platform: 'azure', credential: 'certificate' },
    names: [],
    parent: { attrs: ['application_id', 'application_object_id'], types: ['azuread_application'] },
  },
  github_actions_secret: { entry: { type: 'ci-cd-token', platform: 'github', credential: 'static-secret', secret_store: 'ci-secret' }, names: ['secret_name'] },
  github_actions_environment_secret: {
    entry: { type: 'ci-cd-token', platform: 'github', credential: 'static-secret', secret_store: 'ci-secret' },
    names: ['secret_name'],
  },
  github_actions_organization_secret: {
    entry: { type: 'ci-cd-token', platform: 'github', credential: 'static-secret', secret_store: 'ci-secret' },
    names: ['secret_name'],
  },
};

/** Resource types that keep a secret written into them, and the store each is. */
const STORES: Record<string, string> = {
  aws_secretsmanager_secret_version: 'cloud-secrets-manager',
  aws_ssm_parameter: 'cloud-secrets-manager',
  google_secret_manager_secret_version: 'cloud-secrets-manager',
  azurerm_key_vault_secret: 'cloud-secrets-manager',
  vault_generic_secret: 'vault',
  vault_kv_secret: 'vault',
  vault_kv_secret_v2: 'vault',
  kubernetes_secret: 'k8s-secret',
  kubernetes_secret_v1: 'k8s-secret',
  github_actions_secret: 'ci-secret',
  github_actions_environment_secret: 'ci-secret',
  github_actions_organization_secret: 'ci-secret',
  local_file: 'plaintext',
  local_sensitive_file: 'plaintext',
};

type Level = 'admin' | 'privileged' | 'read-only' | undefined;

/** What a grant of a named policy or role says about privilege (only the names that say it plainly). */
function levelOfName(name: string): Level {
  switch (name) {
    case 'AdministratorAccess':
    case 'roles/owner':
    case 'Owner':
    case 'Global Administrator':
      return 'admin';
    case 'PowerUserAccess':
    case 'IAMFullAccess':
    case 'roles/editor':
    case 'Contributor':
    case 'User Access Administrator':
      return 'privileged';
    case 'ReadOnlyAccess':
    case 'ViewOnlyAccess':
    case 'SecurityAudit':
    case 'roles/viewer':
    case 'Reader':
      return 'read-only';
    default:
      return undefined;
  }
}

interface Grant {
  scope?: string;
  level: Level;
  /** Actions an inline policy allows (their scopes). */
  actions?: string[];
}

/** The privilege the grants say together: the highest named level; read-only only when every grant says read-only. */
function privilegeOf(grants: Grant[]): string | undefined {
  if (grants.some((g) => g.level === 'admin')) return 'admin';
  if (grants.some((g) => g.level === 'privileged')) return 'privileged';
  if (grants.length && grants.every((g) => g.level === 'read-only')) return 'read-only';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The reader

const EMPTY = (): DiscoveryResult => ({ origin: 'terraform', identities: [], problems: [] });

/**
 * The identities `text` declares, read from `root` (its tree-sitter tree; undefined where the parser is
 * not loaded: nothing is read). After a syntax error the well-formed blocks are still read, and the
 * first error is the one `malformed` problem. Never throws.
 */
export function readTerraform(text: string, root: HclNode | undefined): DiscoveryResult {
  if (!root) return EMPTY();
  try {
    return read(text, root);
  } catch {
    return EMPTY();
  }
}

function read(text: string, root: HclNode): DiscoveryResult {
  const r = new Reader(text);
  const problems: DiscoveryProblem[] = [];
  if (root.hasError) {
    const e = firstError(root) ?? root;
    const line = r.range(e.startIndex, e.startIndex).start.line;
    problems.push({
      kind: 'malformed',
      message: `Terraform syntax error (line ${line + 1}): identities declared after it may not be read.`,
      range: r.range(e.startIndex, Math.max(e.endIndex, e.startIndex)),
    });
  }
  const blocks: Block[] = [];
  collectBlocks(r, root, blocks, false);

  const byAddress = new Map<string, Block>();
  for (const b of blocks) {
    const address = b.kind === 'data' ? `data.${b.type}.${b.name}` : `${b.type}.${b.name}`;
    if (!byAddress.has(address)) byAddress.set(address, b);
  }
  const resources = blocks.filter((b) => b.kind === 'resource');
  const literal = (b: Block, attr: string): string | undefined => {
    const v = r.value(b.attrs.get(attr));
    return typeof v === 'string' && v ? v : undefined;
  };
  /** The resource of the given types an attribute names: by reference (type.name.attr) or by its literal name. */
  const target = (expr: HclNode | undefined, types: string[], nameAttrs: string[] = ['name']): Block | undefined =>
    expr ? targetOf(r.value(expr), types, nameAttrs) : undefined;
  const targetOf = (v: Value, types: string[], nameAttrs: string[] = ['name']): Block | undefined => {
    if (v instanceof Unknown) {
      const ref = v.ref;
      if (ref && ref.length >= 2 && types.includes(ref[0])) return byAddress.get(`${ref[0]}.${ref[1]}`);
      return undefined;
    }
    if (typeof v !== 'string') return undefined;
    return resources.find((b) => types.includes(b.type) && nameAttrs.some((a) => literal(b, a) === v));
  };

  // Grants: attachments, inline policies, role bindings, by the address of the identity they grant to.
  const grants = new Map<string, Grant[]>();
  const grant = (to: Block | undefined, g: Grant) => {
    if (!to) return;
    const key = `${to.type}.${to.name}`;
    const list = grants.get(key) ?? [];
    list.push(g);
    grants.set(key, list);
  };
  const policyGrant = (policyArn: HclNode | undefined): Grant | undefined => {
    const v = r.value(policyArn);
    if (typeof v === 'string') {
      const name = v.slice(v.lastIndexOf('/') + 1);
      return name ? { scope: name, level: /^arn:aws[\w-]*:iam::aws:policy\//.test(v) ? levelOfName(name) : undefined } : undefined;
    }
    if (v instanceof Unknown && v.ref && v.ref[0] === 'aws_iam_policy' && v.ref.length >= 2) {
      const p = byAddress.get(`aws_iam_policy.${v.ref[1]}`);
      if (!p) return { scope: v.ref[1], level: undefined };
      const facts = policyFacts(policyDocument(r, p.attrs.get('policy'), byAddress));
      return { scope: literal(p, 'name') ?? p.name, level: facts.admin ? 'admin' : undefined };
    }
    return undefined;
  };
  const inlineGrant = (policy: HclNode | undefined): Grant | undefined => {
    const facts = policyFacts(policyDocument(r, policy, byAddress));
    return facts.read ? { level: facts.admin ? 'admin' : undefined, actions: facts.actions } : undefined;
  };
  for (const b of resources) {
    switch (b.type) {
      case 'aws_iam_user_policy_attachment':
      case 'aws_iam_role_policy_attachment': {
        const isUser = b.type === 'aws_iam_user_policy_attachment';
        const g = policyGrant(b.attrs.get('policy_arn'));
        if (g) grant(target(b.attrs.get(isUser ? 'user' : 'role'), [isUser ? 'aws_iam_user' : 'aws_iam_role']), g);
        break;
      }
      case 'aws_iam_policy_attachment': {
        const g = policyGrant(b.attrs.get('policy_arn'));
        if (!g) break;
        for (const [attr, type] of [
          ['users', 'aws_iam_user'],
          ['roles', 'aws_iam_role'],
        ] as const) {
          const list = b.attrs.get(attr);
          if (list) for (const e of items(r.value(list))) grant(targetOf(e, [type]), g);
        }
        break;
      }
      case 'aws_iam_user_policy':
      case 'aws_iam_role_policy': {
        const isUser = b.type === 'aws_iam_user_policy';
        const g = inlineGrant(b.attrs.get('policy'));
        if (g) grant(target(b.attrs.get(isUser ? 'user' : 'role'), [isUser ? 'aws_iam_user' : 'aws_iam_role']), g);
        break;
      }
      case 'google_project_iam_member':
      case 'google_project_iam_binding':
      case 'google_folder_iam_member':
      case 'google_folder_iam_binding':
      case 'google_organization_iam_member':
      case 'google_organization_iam_binding': {
        const role = literal(b, 'role');
        const g: Grant = { scope: role, level: role ? levelOfName(role) : undefined };
        const members = [...r.refsIn(b.attrs.get('member')), ...r.refsIn(b.attrs.get('members'))];
        for (const ref of members) if (ref[0] === 'google_service_account' && ref.length >= 2) grant(byAddress.get(`${ref[0]}.${ref[1]}`), g);
        break;
      }
      case 'azurerm_role_assignment': {
        const role = literal(b, 'role_definition_name');
        const g: Grant = { scope: role, level: role ? levelOfName(role) : undefined };
        for (const ref of r.refsIn(b.attrs.get('principal_id'))) {
          if (ref[0] === 'azuread_service_principal' && ref.length >= 2) grant(byAddress.get(`${ref[0]}.${ref[1]}`), g);
        }
        break;
      }
    }
  }

  // Secret stores: a store resource whose attributes reference a credential's secret.
  const stores = new Map<string, string>();
  for (const b of resources) {
    const store = STORES[b.type];
    if (!store) continue;
    for (const expr of b.attrs.values()) {
      for (const ref of r.refsIn(expr)) {
        const kind = KINDS[ref[0]];
        if (!kind?.secret || ref.length < 3 || !kind.secret.includes(ref[2])) continue;
        const key = `${ref[0]}.${ref[1]}`;
        if (!stores.has(key)) stores.set(key, store);
      }
    }
  }

  const identities: DeclaredIdentity[] = [];
  const declared = new Set<string>();
  for (const b of resources) {
    const kind = KINDS[b.type];
    const address = `${b.type}.${b.name}`;
    if (!kind || declared.has(address)) continue;
    const entry: SuggestedEntry = { ...kind.entry };
    const names = [b.name];
    for (const attr of kind.names) {
      const v = literal(b, attr);
      if (v) names.push(v);
    }
    let parent: Block | undefined;
    if (kind.parent) {
      for (const attr of kind.parent.attrs) {
        parent = target(b.attrs.get(attr), kind.parent.types, KINDS[kind.parent.types[0]]?.names ?? ['name']);
        if (parent) break;
      }
    }
    if (b.type === 'azuread_service_principal' && parent) {
      // A service principal shows under its application's name.
      const n = literal(parent, 'display_name');
      if (n) names.push(n);
    }
    if (b.type === 'aws_iam_role') {
      const facts = policyFacts(policyDocument(r, b.attrs.get('assume_role_policy'), byAddress));
      const known = facts.read && !facts.unknownPrincipal;
      // Assumed only by people (SAML sign-in) or other accounts' principals: not a workload's identity.
      if (known && !facts.services.length && !facts.federated.length) continue;
      if (facts.federated.length) entry.credential = 'federated';
      else if (facts.services.length) entry.credential = 'managed-identity';
      const managed = b.attrs.get('managed_policy_arns');
      if (managed) for (const e of items(r.value(managed))) if (typeof e === 'string') grant(b, { scope: e.slice(e.lastIndexOf('/') + 1), level: /^arn:aws[\w-]*:iam::aws:policy\//.test(e) ? levelOfName(e.slice(e.lastIndexOf('/') + 1)) : undefined });
      for (const { name, block } of b.blocks) if (name === 'inline_policy') {
        const g = inlineGrant(block.attrs.get('policy'));
        if (g) grant(b, g);
      }
    }
    const store = stores.get(address);
    if (store && !entry.secret_store) entry.secret_store = store;
    // A credential carries the privileges of the identity it belongs to.
    const g = [...(grants.get(address) ?? []), ...(parent ? grants.get(`${parent.type}.${parent.name}`) ?? [] : [])];
    const privilege = privilegeOf(g);
    if (privilege) entry.privilege = privilege;
    const scopes: string[] = [];
    for (const x of g) for (const s of [x.scope, ...(x.actions ?? [])]) if (s && !scopes.includes(s)) scopes.push(s);
    if (scopes.length) entry.scopes = scopes;
    const description = literal(b, 'description');
    if (description) entry.purpose = description;
    declared.add(address);
    identities.push({
      origin: 'terraform',
      source: `terraform:${address}`,
      names: [...new Set(names)],
      label: `Terraform ${address}`,
      range: r.range(b.node.startIndex, b.end),
      focus: r.range(b.node.startIndex, b.headerEnd),
      entry,
      ...(parent ? { belongsTo: `terraform:${parent.type}.${parent.name}` } : {}),
    });
  }
  return { origin: 'terraform', identities, problems };
}

/**
 * The policy document an attribute holds: `jsonencode({...})`, a JSON string or heredoc (interpolations
 * inside JSON strings are kept as text), or a `data.aws_iam_policy_document.X.json` of the same file.
 */
function policyDocument(r: Reader, expr: HclNode | undefined, byAddress: Map<string, Block>): Value | undefined {
  if (!expr) return undefined;
  const parts = namedChildren(expr);
  if (parts.length === 1 && parts[0].type === 'function_call') {
    const fn = namedChildren(parts[0]);
    if (fn[0] && r.src(fn[0]) === 'jsonencode') {
      const args = fn.find((c) => c.type === 'function_arguments');
      const arg = args ? namedChildren(args).filter((c) => c.type === 'expression') : [];
      return arg.length === 1 ? r.value(arg[0]) : undefined;
    }
    return undefined;
  }
  const v = r.value(expr);
  if (v instanceof Unknown && v.ref) {
    const ref = v.ref;
    if (ref[0] === 'data' && ref[1] === 'aws_iam_policy_document' && ref.length >= 3) {
      const b = byAddress.get(`data.aws_iam_policy_document.${ref[2]}`);
      return b ? policyDocumentOf(r, b) : undefined;
    }
    return undefined;
  }
  const json = typeof v === 'string' ? v : v instanceof Unknown && !v.ref ? v.raw : undefined;
  if (json === undefined) return undefined;
  try {
    return fromJson(JSON.parse(json));
  } catch {
    return undefined;
  }
}

/** Parsed JSON as a Value ("${...}" inside a string stays text; a string that is only an interpolation is unknown). */
function fromJson(j: unknown): Value {
  if (typeof j === 'string') return /^\$\{[^}]*\}$/.test(j) ? new Unknown(j) : j;
  if (typeof j === 'number' || typeof j === 'boolean' || j === null) return j;
  if (Array.isArray(j)) return j.map(fromJson);
  if (typeof j === 'object') {
    const out: { [key: string]: Value } = {};
    for (const [k, v] of Object.entries(j as Record<string, unknown>)) out[k] = fromJson(v);
    return out;
  }
  return new Unknown(String(j));
}
