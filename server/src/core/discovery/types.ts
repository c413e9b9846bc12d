/**
 * Discovery (docs/discovery.md): the non-human identities a repository's infrastructure code declares
 * (Kubernetes manifests, Terraform, GitHub Actions workflows), read with positions, to be reconciled
 * with the inventories. The readers are pure: text (and, for Terraform, a syntax tree the adapter
 * parsed with tree-sitter) in, plain data out.
 */
import type { Range } from '../types';

/** The kinds of infrastructure code discovery reads. */
export type InfraOrigin = 'terraform' | 'k8s' | 'github';

/**
 * The inventory fields a declaration says something about: the pre-filled part of the entry that the
 * "Add to inventory" fix and `isms discover` write. Values use the inventory schema's vocabularies
 * (lang/inventory-schema.ts: NHI_TYPES, CREDENTIALS, SECRET_STORES, PRIVILEGES); a field the code does
 * not say is absent, never guessed.
 */
export interface SuggestedEntry {
  type: string;
  platform?: string;
  credential?: string;
  secret_store?: string;
  privilege?: string;
  scopes?: string[];
  purpose?: string;
}

/** One identity declared in infrastructure code. */
export interface DeclaredIdentity {
  origin: InfraOrigin;
  /**
   * The canonical source reference an inventory entry's `source:` names, e.g.
   * `terraform:aws_iam_access_key.ci_deploy`, `k8s:payments/ServiceAccount/api`,
   * `github:secrets.NPM_TOKEN`. Stable: built from the declaration, never from its position.
   */
  source: string;
  /** Names an inventory entry's `id` or `name` may use for it (the resource name, the account name ...). */
  names: string[];
  /** Short human label for messages and hovers: "Terraform aws_iam_access_key.ci_deploy". */
  label: string;
  /** The whole declaration (a Terraform block, a Kubernetes document, a workflow's first read of the secret). */
  range: Range;
  /** Where a finding about it is reported: the block's header, the manifest's `metadata.name`, the `secrets.X` expression. */
  focus: Range;
  entry: SuggestedEntry;
  /**
   * The source reference of the identity this one is a credential of, where the code links them: an
   * access key's user (`terraform:aws_iam_user.ci`), a service account key's account, an application
   * password's application, a service principal's application. Absent when there is none or it is not
   * declared in the same file.
   */
  belongsTo?: string;
}

/** Something a reader could not read, reported as at most one finding per file. */
export interface DiscoveryProblem {
  /** `templated`: Helm/Go templates or Terraform interpolation that decides the identity; skipped, not guessed. `malformed`: a parse error. */
  kind: 'templated' | 'malformed';
  message: string;
  range: Range;
}

/** What one infrastructure file declares. */
export interface DiscoveryResult {
  origin: InfraOrigin;
  identities: DeclaredIdentity[];
  problems: DiscoveryProblem[];
}

/**
 * A Terraform/HCL syntax node as web-tree-sitter gives it, reduced to what the reader uses, so that the
 * core needs no import of the parser (the adapters load web-tree-sitter and the wasm grammar and pass trees in).
 */
export interface HclNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly hasError: boolean;
  readonly isMissing: boolean;
  readonly childCount: number;
  readonly namedChildCount: number;
  child(index: number): HclNode | null;
  namedChild(index: number): HclNode | null;
  /**
   * All children (named ones) at once, where the tree offers them (web-tree-sitter does: one call into the
   * wasm instead of one per child, several times faster for the reader). Optional: `child(i)` is the fallback.
   */
  readonly children?: readonly (HclNode | null)[];
  readonly namedChildren?: readonly (HclNode | null)[];
}

/**
 * Parses HCL text (Terraform) into a tree; provided by the adapters (node/hcl.ts), absent where the grammar is not loaded.
 * The tree lives in WebAssembly memory, owned by the function: the root it returns is valid until its next call
 * (read it at once, synchronously; node/hcl.ts deletes the previous tree at each call).
 */
export type HclParse = (text: string) => HclNode | undefined;
