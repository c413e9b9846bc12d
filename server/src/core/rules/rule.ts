/**
 * A rule unit: one rule, or a small family that shares one check (the three rotation rules), in one file
 * under rules/<area>/ with its metadata, messages, check and fixes. It declares what it reads by the
 * visitors it has: the driver of each input (core/analysis) runs the units that read it, and caches their
 * findings with that input (see rules/context.ts). The registry (rules/registry.ts) lists the units.
 */
import type { RuleMeta } from './meta';
import type { ControlsListContext, DefaultsContext, InfrastructureContext, InventoryContext, InventoryIdentityContext, SectionContext, SourcesContext, SuppressionsContext, TextContext, YamlContext } from './context';
import type { IdentityContext } from './nhi/context';
import type { DocumentContext } from './document/context';

export interface RuleUnit {
  /** The rules the unit reports. */
  meta: readonly RuleMeta[];
  /** Parse errors of a YAML text (an inventory part, a front matter block). */
  yaml?(c: YamlContext): void;
  /** One `controls:` value in YAML. */
  controlsList?(c: ControlsListContext): void;
  /** The raw text of an inventory part, a front matter block or a Markdown section. */
  text?(c: TextContext): void;
  /** The `defaults:` of an inventory. */
  defaults?(c: DefaultsContext): void;
  /** One identity of an inventory. */
  identity?(c: IdentityContext): void;
  /** Every identity of an inventory at once. */
  inventory?(c: InventoryContext): void;
  /**
   * One identity of an inventory as the inventory-wide units see it (its summary, where it is), with the FileHost's
   * answers: for a unit whose findings on an identity depend on nothing else (rules/context.ts InventoryIdentityContext
   * says what that means). The driver runs it only for the identities that changed since the file's last analysis.
   */
  inventoryIdentity?(c: InventoryIdentityContext): void;
  /** One section of a Markdown body. */
  section?(c: SectionContext): void;
  /** A process document as a whole: front matter and the facts of every section. */
  document?(c: DocumentContext): void;
  /** An infrastructure file's declared identities, reconciled with the workspace's inventories (docs/discovery.md). */
  infrastructure?(c: InfrastructureContext): void;
  /** The `source:` values of an inventory, against what the workspace's infrastructure code declares. */
  sources?(c: SourcesContext): void;
  /** The suppression directives of a file, with what each covered among its final findings. */
  suppressions?(c: SuppressionsContext): void;
}

/** The inputs a unit can read (the names of its visitors). */
export type RuleInput = Exclude<keyof RuleUnit, 'meta'>;
