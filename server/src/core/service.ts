/**
 * The engine's facade, in editor terms. The LSP adapter and the CLI each build one with their own
 * Workspace; neither adds checks of its own.
 */
import { catalog, type Control } from './catalog/catalog';
import { FRAMEWORKS } from './catalog/frameworks';
import { DEFAULT_OWNERS_FILE, defaultConfig, type Config, type FrameworkId } from './config';
import { analyze, attachAnalysis, classify, forgetGuards, isBinary, warm, type Analysis, type DetachedAnalysis } from './analysis/analyze';
import { KeptInOrder, placedBefore, runLists, shiftFinding, WOULD_BLOCK, type FindingRun } from './chunks';

/** Files smaller than this are analysed in one go (a few milliseconds). */
const WARM_MIN_CHARS = 64 * 1024;
/** A part of an inventory parsed at once from this size up is worth parsing on another thread (see needsWorker). */
export const OFFLOAD_MIN_CHARS = 128 * 1024;
import { forgetInventory, mergeSorted, runsPatchOf, type IdentitySummary } from './analysis/inventory';
import { forgetBody } from './analysis/body';
import { factsOf, scanFacts, WorkspaceIndex } from './workspace-index';
import { compareRuleIds, ruleMeta } from './rules/registry';
import type { FileHost, Finding, Fix, Position, Range, Severity, TextEdit } from './types';
import type { ControlRef } from './refs/scan';
import { comparePos, LineIndex, PieceText, rangeContains, rangesOverlap, sourceOf, type SourceFile, type TextChange, type TextSource } from './text';
import { compareFindings, type RawFinding } from './report';
import { unmatchedGlobs, type ConfigDiagnostic } from './config-file';
import { completeConfig, configDiagnostics, hoverConfig, isConfigFile } from './editor/config-assist';
import { completeOwners, hoverOwners, ownersDiagnostics, type OwnersDiagnostic } from './editor/owners-assist';
import { nameAt, nameOccurrences, NameIndex, renameEdits, scanNames, type NameKind } from './editor/names';
import { templateFor, type TemplateKind } from './templates';
import { yamlValue } from './lang/yaml-mapping';
import { completeFields, completeSections, frontMatterTable, hoverField, inventoryTable, type AssistItem, type FieldTable } from './editor/assist';
import { foldingFromOutline, inventoryOutline, markdownOutline, yamlOutline, type FoldingRange, type OutlineSymbol } from './editor/outline';
import { sectionMissing, evidenceMissing } from './rules/document/sections';
import { nhiOffboardingMissing, offboardingFixes } from './rules/nhi/offboarding-missing';
import { nhiRevokedInUse } from './rules/nhi/lifecycle';
import { citation } from './rules/nhi/context';
import { evidenceOf, type EvidenceSource } from './coverage/evidence';
import { EvidenceIndex } from './evidence-index';
import { coverage, coverageControls, type CoverageReport } from './coverage/model';
import type { StatesReport } from './coverage/incremental';
import type { ReportSlice } from './coverage/slice';
import { findSecrets, maskSecret, secretInline } from './rules/secrets/secret-inline';
import { maskSecrets } from './editor/outline';
import { documentOwner, readDirectives, suppressionPlacer, type SuppressionDirective } from './lang/suppressions';
import { applySuppressions, type SuppressionRecord } from './analysis/suppress';
import { todayOf } from './dates';
import { findOwner, ownerLeft, type OwnerEntry, type OwnerRegistry } from './lang/owners';
import { isPlaceholderValue } from './lang/words';
import { discoverFile, type DiscoveryReaders } from './discovery/discover';
import type { DeclaredIdentity, DiscoveryResult } from './discovery/types';
import { appendEdit, appendPoint, chooseInventory, declaredFact, entryFields, matchKey, suggestedId, type AppendPoint } from './discovery/reconcile';
import { unitsReading } from './rules/registry';
import type { InfrastructureContext, SourcesContext } from './rules/context';
import { controlReferences, countsTitle, pathLinks, referenceCounter, refKey, refRanges, workspaceSymbols, type FileEvidence, type NavLocation, type PathLink, type WorkspaceSymbolItem } from './editor/navigation';

/** How many lines around what a message or hover is about are searched for the secrets it may quote. */
const SECRET_WINDOW = 64;

/** What the engine needs from its host. Paths are URIs or workspace-relative paths, used as keys. */
export interface Workspace {
  /** Path relative to the workspace root with forward slashes, for glob matching. */
  relativePath(uri: string): string;
  /** Answers questions about other files (link targets); without it, links to files are not checked. */
  files?: FileHost;
  /**
   * Every file is checked once (the CLI): analyse each whole, without the per-chunk caches an editor
   * needs for keystrokes. Same findings (tested), less memory.
   */
  oneShot?: boolean;
  /**
   * Analyses are not indexed (no facts kept per file): the CLI's parallel check, whose threads only check files and
   * whose main thread indexes the facts of every outcome.
   */
  unindexed?: boolean;
}

export interface CompletionItem {
  label: string;
  kind: 'control' | 'value' | 'key' | 'section' | 'snippet';
  detail?: string;
  documentation?: string;
  /**
   * Set instead of `documentation` where that is long (controls): pass it to `resolveCompletion` for
   * the documentation of the one item the user looks at, so a list of hundreds stays small.
   */
  resolve?: string;
  filterText?: string;
  sortText?: string;
  textEdit: TextEdit;
  /** newText uses snippet syntax ($1, ${1|a,b|}). */
  snippet?: boolean;
}

export interface Hover {
  contents: string;
  range: Range;
}

export interface CodeAction {
  title: string;
  kind: 'quickfix' | 'source.fixAll';
  edits: TextEdit[];
  /** A file the action creates first (path relative to the file the action is for; see Fix.create). */
  create?: { path: string; text: string };
  /** Edits of other files (see Fix.elsewhere). */
  elsewhere?: { uri: string; edits: TextEdit[] }[];
  isPreferred?: boolean;
  /** The findings the action resolves. */
  findings: Finding[];
}

export interface CatalogItem {
  ref: string;
  framework: FrameworkId;
  frameworkName: string;
  id: string;
  title: string;
  detail?: string;
}

export class IsmsService {
  /** The last analysis of each file, and where the file has changed since (noteChange). */
  private cache = new Map<string, { text: TextSource; analysis: Analysis; change?: TextChange }>();
  private generation = 0;
  /** The last outline of each document. */
  private outlines = new Map<string, { text: TextSource; symbols: OutlineSymbol[] }>();
  /** Cross-file facts: owners and identity IDs of every file analysed or indexed. */
  readonly index = new WorkspaceIndex();
  /** Owners and identity IDs named by each file indexed from disk (editor/names.ts scanNames): navigation's index. */
  readonly names = new NameIndex();
  private checked = new WeakMap<Analysis, Finding[]>();
  private withSeverity = new WeakMap<object, Finding | null>();
  /** Each open file's runs at its last checkRuns, with the configured severities. */
  private keptRuns = new Map<string, KeptInOrder<readonly RawFinding[], FindingRun<Finding>>>();
  /** checkRuns of each analysis, with the cross-file findings it merged. */
  private runsMemo = new WeakMap<Analysis, { extra: Finding[]; runs: FindingRun<Finding>[] }>();
  /** Each file's runs at its last checkRuns (`src`, the analysis's) and what was made of them (`placed`, `nonEmpty`). */
  private lastPlaced = new Map<string, { src: readonly FindingRun[]; placed: FindingRun<Finding>[]; nonEmpty: number; patched: boolean }>();
  /** A cross-file finding relative to the run it joined (while it joins a run at the same line). */
  private extraPlaced = new WeakMap<Finding, { line: number; finding: Finding }>();
  private idChange = false;
  /** nhi-id-duplicate findings per file and identity summary, valid while other files' IDs are unchanged. */
  private duplicates = new Map<string, { version: number; byIdentity: WeakMap<IdentitySummary, Finding | null> }>();
  /** The literal secrets of each analysis (its secret-inline findings), by line. */
  private secrets = new WeakMap<Analysis, { line: number; value: string }[]>();
  /** The suppression directives of each analysis, and its findings after them (with the cross-file findings they saw). */
  private directiveMemo = new WeakMap<Analysis, SuppressionDirective[]>();
  /** Analyses whose text has no "isms-" (so no suppression directive), known without reading it when only a change was new. */
  private noMarker = new WeakSet<Analysis>();
  private suppressedMemo = new WeakMap<Analysis, { extra: Finding[]; result: { findings: Finding[]; records: SuppressionRecord[] } }>();

  /** The discovery readers the host provides (the Terraform reader when its grammar is loaded). */
  private readers: DiscoveryReaders = {};
  /** Every inventory and infrastructure file of the workspace is indexed (setDiscoveryComplete). */
  private discoveryComplete = false;
  /** What each analysed infrastructure file declares, by text. */
  private discoveries = new Map<string, { text: string; result: DiscoveryResult | undefined }>();
  /** The discovery findings of each infrastructure file, per result and index version. */
  private infraMemo = new Map<string, { result: DiscoveryResult; version: number; complete: boolean; cross: boolean; findings: Finding[] }>();
  private sourcesMemo = new WeakMap<readonly IdentitySummary[], { version: number; complete: boolean; findings: Finding[] }>();
  /** Where entries go in each inventory (per its text: appendPoint parses it). */
  private appendPoints = new Map<string, { text: string; point: AppendPoint | undefined }>();
  /** The source refs declared per folder, and the inventories with their sources (per index stamp). */
  private targetsMemo?: { stamp: string; folders: Map<string, Set<string>>; inventories: { uri: string; rel: string; sources: string[] }[] };
  /** The workspace-relative folder of each infrastructure file (relativePath is a host call: asked once per URI). */
  private folderOfUri = new Map<string, string>();

  /** True once after an analysis or indexing changed some file's identity IDs. */
  takeIdChange(): boolean {
    const c = this.idChange;
    this.idChange = false;
    return c;
  }

  private registry?: OwnerRegistry;
  private userConfig: Config;

  constructor(
    private readonly workspace: Workspace,
    private config: Config = defaultConfig(),
  ) {
    this.userConfig = config;
    if (config.ownerRegistry) this.registry = config.ownerRegistry;
  }

  /**
   * The owners registry as read by the host (lang/owners.ts readOwners; undefined: none). It travels in the config the
   * drivers key their caches on (rules/ownership/owner-registry.ts): when its text changed, the configuration is applied
   * again (every analysis is redone, as for a change of .isms.yaml). Returns true when it changed.
   */
  setOwners(registry: OwnerRegistry | undefined): boolean {
    if (registry?.key === this.registry?.key && registry?.uri === this.registry?.uri) return false;
    this.registry = registry;
    this.setConfig(this.userConfig);
    return true;
  }

  /** The owners registry in use, if any. */
  ownerRegistry(): OwnerRegistry | undefined {
    return this.registry;
  }

  /** The registry entry an owner value names (id, email, name, Slack handle): where it is written (go to definition). */
  ownerEntry(name: string): { uri: string; line: number; entry: OwnerEntry } | undefined {
    const reg = this.registry;
    const entry = reg ? findOwner(reg, name) : undefined;
    return reg && entry ? { uri: reg.uri, line: entry.line, entry } : undefined;
  }

  setConfig(config: Config): void {
    this.userConfig = config;
    if (this.registry) config = { ...config, ownerRegistry: this.registry };
    else if (config.ownerRegistry) config = { ...config, ownerRegistry: undefined };
    // (Settings are sent again on every change of any of them: the evidence of the workspace is read again only
    // when the configuration really changed.)
    const same = JSON.stringify(config) === JSON.stringify(this.config);
    this.config = config;
    this.generation++;
    this.cache.clear();
    this.outlines.clear();
    this.duplicates.clear();
    this.discoveries.clear();
    this.infraMemo.clear();
    if (!same) this.evidenceIndex.markAllStale();
    this.withSeverity = new WeakMap();
    this.keptRuns.clear();
    this.lastPlaced.clear();
  }

  getConfig(): Config {
    return this.config;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.keptRuns.delete(uri);
    this.lastPlaced.delete(uri);
    this.discoveries.delete(uri);
    this.infraMemo.delete(uri);
    this.duplicates.delete(uri);
    this.outlines.delete(uri);
    forgetInventory(uri);
    forgetBody(uri);
    forgetGuards(uri);
  }

  /**
   * An editor tells where a file changed: [start, oldEnd) of its text became `text` (offsets of the
   * text before this change). The next analysis then re-indexes lines and re-cuts chunks around the
   * change only. Optional, and checked: a change that does not match the texts is ignored.
   */
  noteChange(uri: string, start: number, oldEnd: number, text: string): void {
    const hit = this.cache.get(uri);
    if (!hit) return;
    const newEnd = start + text.length;
    const c = hit.change;
    if (!c) {
      hit.change = { start, oldEnd, newEnd };
      return;
    }
    // Merge with the earlier changes: one region of the analysed text, in the coordinates of both.
    hit.change = {
      start: Math.min(c.start, start),
      oldEnd: c.oldEnd + Math.max(0, oldEnd - c.newEnd),
      newEnd: Math.max(c.newEnd, oldEnd) + newEnd - oldEnd,
    };
  }

  analysis(file: SourceFile, inlineLimit?: number): Analysis {
    const hit = this.cache.get(file.uri);
    const src = sourceOf(file);
    if (hit && hit.text === src) return hit.analysis;
    // Where the text changed since: from the pieces of two versions of an editor's document (exact by construction),
    // else the change the host noted, checked against both texts (a wrong note costs a whole analysis, never a wrong one).
    let change: TextChange | undefined;
    if (hit && hit.text instanceof PieceText && src instanceof PieceText) change = PieceText.changeBetween(hit.text, src);
    if (change && change.start === change.oldEnd && change.start === change.newEnd) {
      hit!.text = src; // (the same text, another version)
      return hit!.analysis;
    }
    if (!change && hit?.change && changeHolds(hit.text.toString(), file.text, hit.change)) change = hit.change;
    const prev = hit && change ? { text: hit.text, lines: hit.analysis.lines, change } : undefined;
    const a = this.keep(file, analyze(file, this.config, this.workspace.relativePath(file.uri), this.workspace.files, { whole: this.workspace.oneShot, prev, inlineLimit }));
    // (No "isms-" in the last text and none where it changed - the rest is the same text: no directive now, without
    // reading the whole text again on every keystroke.)
    if (prev && hit && this.noMarker.has(hit.analysis) && src.slice(Math.max(0, prev.change.start - 4), prev.change.newEnd + 4).indexOf('isms-') < 0) this.noMarker.add(a);
    return a;
  }

  /** Keeps `a` as the analysis of this text and indexes its facts. */
  private keep(file: SourceFile, a: Analysis): Analysis {
    const prev = this.cache.get(file.uri)?.analysis;
    this.cache.set(file.uri, { text: sourceOf(file), analysis: a });
    if (this.workspace.unindexed) return a;
    const facts = factsOf(a, prev);
    if (a.kind === 'other') {
      const d = this.discovery(file);
      if (d) facts.infra = { origin: d.origin, identities: d.identities.map(declaredFact), problems: d.problems.length };
    }
    if (this.index.set(file.uri, facts)) this.idChange = true;
    return a;
  }

  // ---- Discovery (docs/discovery.md): identities declared in infrastructure code vs the inventories. ----

  /** The readers of the infrastructure files (the adapters give the Terraform reader once its grammar is loaded). */
  setDiscoveryReaders(readers: DiscoveryReaders): void {
    this.readers = readers;
    this.discoveries.clear();
    this.infraMemo.clear();
    for (const [uri, hit] of this.cache) if (hit.analysis.kind === 'other') this.cache.delete(uri);
  }

  /**
   * The host has indexed every inventory and infrastructure file of the workspace (the server's walk is done; the
   * CLI read the project's inventories): the cross-file discovery rules report only then, never on a partial index.
   */
  setDiscoveryComplete(complete: boolean): void {
    this.discoveryComplete = complete;
  }

  get discoveryIsComplete(): boolean {
    return this.discoveryComplete;
  }

  /** What an infrastructure file declares, or undefined when it is none (discovery/discover.ts); kept per text. */
  discovery(file: SourceFile): DiscoveryResult | undefined {
    const hit = this.discoveries.get(file.uri);
    if (hit && hit.text === file.text) return hit.result;
    const result = discoverFile(this.workspace.relativePath(file.uri), file.text, this.config, this.readers);
    this.discoveries.set(file.uri, { text: file.text, result });
    return result;
  }

  /**
   * The discovery findings of an infrastructure file: its own (discovery-skipped), and with `cross` those that
   * depend on the inventories (nhi-undocumented, once the workspace is complete). Kept per result and index version.
   */
  discoveryFindings(uri: string, d: DiscoveryResult, cross = true): Finding[] {
    const version = this.index.discoveryVersion;
    const memo = this.infraMemo.get(uri);
    if (memo && memo.result === d && memo.version === version && memo.complete === this.discoveryComplete && memo.cross === cross) return memo.findings;
    const out: Finding[] = [];
    const texts = new Map<string, string | undefined>();
    const ctx: InfrastructureContext = {
      result: d,
      complete: cross && this.discoveryComplete,
      documentedBy: (x) => this.index.documenting(x).map((e) => ({ path: this.workspace.relativePath(e.uri), entry: e.entry, by: e.by })),
      addFix: (x) => this.addToInventoryFix(uri, x, texts),
      add: (ruleId, range, message, fixes = [], data) => {
        const severity = this.severity(ruleId, data?.severity);
        if (severity) out.push({ ruleId, severity, message: maskSecrets(message), range, fixes, ...(data ? { data } : {}) });
      },
    };
    for (const u of unitsReading('infrastructure')) u.infrastructure!(ctx);
    out.sort((x, y) => comparePos(x.range.start, y.range.start) || x.ruleId.localeCompare(y.ruleId));
    this.infraMemo.set(uri, { result: d, version, complete: this.discoveryComplete, cross, findings: out });
    return out;
  }

  /** The inventory an entry for `d` (declared in `infraUri`) goes to (reconcile.ts chooseInventory). */
  targetInventory(infraUri: string, d?: DeclaredIdentity): { uri: string; path: string } | undefined {
    const folderOf = (uri: string) => {
      let f = this.folderOfUri.get(uri);
      if (f === undefined) {
        f = this.workspace.relativePath(uri).split('/').slice(0, -1).join('/');
        if (this.folderOfUri.size > 100_000) this.folderOfUri.clear();
        this.folderOfUri.set(uri, f);
      }
      return f;
    };
    const stamp = this.index.discoveryStamp;
    if (this.targetsMemo?.stamp !== stamp) {
      // The source refs declared per folder, and the inventories' sources (until some file's facts change).
      const folders = new Map<string, Set<string>>();
      for (const f of this.index.infraFiles(false)) {
        const k = folderOf(f.uri);
        let set = folders.get(k);
        if (!set) folders.set(k, (set = new Set()));
        for (const x of f.infra.identities) set.add(matchKey(x.source));
      }
      const inventories = this.index.inventories().map((i) => ({ uri: i.uri, rel: this.workspace.relativePath(i.uri), sources: i.entries.flatMap((e) => e.sources) }));
      this.targetsMemo = { stamp, folders, inventories };
    }
    const list = this.targetsMemo.inventories;
    if (!list.length) return undefined;
    const rel = this.workspace.relativePath(infraUri);
    const folderSources = new Set(this.targetsMemo.folders.get(folderOf(infraUri)));
    if (d) folderSources.add(matchKey(d.source));
    const chosen = chooseInventory(rel, list, folderSources, this.config.discovery?.inventory);
    const t = list.find((l) => l.rel === chosen);
    return t ? { uri: t.uri, path: t.rel } : undefined;
  }

  /** The text of an inventory: as analysed (an open document), else from the host. */
  inventoryText(uri: string): string | undefined {
    const hit = this.cache.get(uri);
    if (hit) return hit.text.toString();
    const name = uri.split(/[\\/]/).pop() ?? '';
    let base = name;
    try {
      if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) base = decodeURIComponent(name);
    } catch {
      /* as written */
    }
    return this.workspace.files?.readText(uri, base);
  }

  /** "Add <label> to <inventory>": the entry appended to the target inventory's identities (an edit of that file). */
  private addToInventoryFix(infraUri: string, d: DeclaredIdentity, texts: Map<string, string | undefined>): Fix | undefined {
    const target = this.targetInventory(infraUri, d);
    if (!target) return undefined;
    if (!texts.has(target.uri)) texts.set(target.uri, this.inventoryText(target.uri));
    const text = texts.get(target.uri);
    if (text === undefined) return undefined;
    let memo = this.appendPoints.get(target.uri);
    if (memo?.text !== text) {
      this.appendPoints.set(target.uri, (memo = { text, point: appendPoint(text) }));
      if (this.appendPoints.size > 64) this.appendPoints.delete(this.appendPoints.keys().next().value!);
    }
    if (!memo.point) return undefined;
    const id = suggestedId(d, (x) => this.index.hasId(x));
    return { title: `Add ${d.label} to ${target.path}`, edits: [], elsewhere: [{ uri: target.uri, edits: [appendEdit(memo.point, [entryFields(d, id)])] }] };
  }

  /** nhi-undeployed and the other units reading an inventory's `source:` values (once the workspace is complete). */
  private sourcesFindings(identities: readonly IdentitySummary[]): Finding[] {
    if (!this.discoveryComplete || !identities.some((i) => i.sources?.length)) return [];
    const version = this.index.discoveryVersion;
    const memo = this.sourcesMemo.get(identities);
    if (memo && memo.version === version && memo.complete === this.discoveryComplete) return memo.findings;
    const out: Finding[] = [];
    const ctx: SourcesContext = {
      identities,
      complete: this.discoveryComplete,
      status: (source) => this.index.declares(source),
      add: (ruleId, range, message, fixes = [], data) => {
        const severity = this.severity(ruleId, data?.severity);
        if (severity) out.push({ ruleId, severity, message: maskSecrets(message), range, fixes, ...(data ? { data } : {}) });
      },
    };
    for (const u of unitsReading('sources')) u.sources!(ctx);
    this.sourcesMemo.set(identities, { version, complete: this.discoveryComplete, findings: out });
    return out;
  }

  /** Is the analysis of this very text at hand (check, hover and code actions answer without analysing)? */
  ready(file: SourceFile): boolean {
    return this.cache.get(file.uri)?.text === sourceOf(file);
  }

  /**
   * Analyses the file unless that means parsing one part of OFFLOAD_MIN_CHARS or more at once (an
   * inventory that cannot be cut into identities: YAML anchors or aliases, a line the cut cannot place;
   * or a long part after the identities), which blocks for about 0.7 s per MB. Returns true in that
   * case: a host with threads then runs analyzeDetached elsewhere and hands the result to `adopt`.
   * Cheap when the analysis is at hand or incremental.
   */
  needsWorker(file: SourceFile): boolean {
    if (this.ready(file) || sourceOf(file).length < OFFLOAD_MIN_CHARS) return false;
    try {
      this.analysis(file, OFFLOAD_MIN_CHARS);
      return false;
    } catch (e) {
      if (e === WOULD_BLOCK) return true;
      throw e;
    }
  }

  /** The configuration's generation: a detached analysis started under another one is not adopted. */
  get configGeneration(): number {
    return this.generation;
  }

  /** Takes an analysis of `file` computed elsewhere (analyzeDetached, same configuration) as this text's analysis. */
  adopt(file: SourceFile, detached: DetachedAnalysis, generation: number): boolean {
    if (generation !== this.generation) return false;
    this.keep(file, attachAnalysis(file, detached));
    return true;
  }

  /**
   * What completion and the outline need: the analysis, or for an inventory whose analysis would block
   * (needsWorker) a shell with its kind and lines, which is all they read of an inventory's.
   */
  private view(file: SourceFile): Analysis {
    if (!this.needsWorker(file)) return this.analysis(file);
    return attachAnalysis(file, { kind: 'inventory', findings: [], refs: [] });
  }

  /**
   * Prepares a large file's analysis a slice at a time (see analyze.ts `warm`); true when ready. Small
   * files and files already analysed at this text are ready at once.
   */
  warm(file: SourceFile, stop: () => boolean): boolean {
    const hit = this.cache.get(file.uri);
    const src = sourceOf(file);
    if ((hit && hit.text === src) || src.length < WARM_MIN_CHARS) return true;
    // A keystroke or a small paste changes a chunk or two: analyse at once. Opening a file or pasting a
    // large block is what warming is for.
    if (hit && Math.abs(hit.text.length - src.length) < WARM_MIN_CHARS) return true;
    return warm(file, this.config, this.workspace.relativePath(file.uri), stop);
  }

  /**
   * The problems of a `.isms.yaml` (core/config-file.ts), with warnings for its documentGlobs, inventoryGlobs and
   * ignoreGlobs that match none of `files` (workspace-relative, what ignoreGlobs left out included) when the host
   * knows the workspace's files.
   */
  /**
   * Whether `uri` is the owners registry: the file `owners:` of .isms.yaml names (root-relative), else `owners.yaml`
   * at the root, or the registry the host read.
   */
  isOwnersRegistry(uri: string): boolean {
    if (this.registry?.uri === uri) return true;
    return this.workspace.relativePath(uri) === (this.config.owners ?? DEFAULT_OWNERS_FILE).replace(/^\.\//, '');
  }

  /** The problems of the open owners registry (docs/owners.md), each on its line. */
  ownersProblems(file: SourceFile): OwnersDiagnostic[] {
    return ownersDiagnostics(new LineIndex(file.text), file.uri);
  }

  configProblems(file: SourceFile, files?: readonly string[]): ConfigDiagnostic[] {
    const out = configDiagnostics(file.text);
    if (files && !out.some((d) => d.path === '')) out.push(...unmatchedGlobs(file.text, files));
    return out;
  }

  /** Findings with the configured severities, sorted by position; rules set to 'off' are dropped. */
  check(file: SourceFile, options: { workspace?: boolean } = {}): Finding[] {
    const a = this.analysis(file);
    if (a.kind === 'other') {
      const d = this.discovery(file);
      if (!d) return [];
      const found = this.discoveryFindings(file.uri, d, options.workspace !== false);
      return options.workspace === false ? found.slice() : this.suppressedOf(a, [], found).findings;
    }
    const own = this.ownFindings(a);
    if (options.workspace === false) return own.slice();
    const extra = a.kind === 'inventory' ? this.workspaceFindings(file.uri, a.identities ?? []) : [];
    return this.suppressedOf(a, own, extra).findings;
  }

  /**
   * The findings check() gives that an editor shows (not suppressed), as runs (chunks.ts FindingRun: ranges relative to
   * each run's line), in check()'s order. An inventory's identity keeps its run, and the findings in it, wherever a line
   * break moves it: the LSP adapter adds the line where it makes diagnostics, and a line break makes no new finding
   * object for the identities below it. Without runs (other files; a file with suppression directives): one run at
   * line 0, check()'s list. Shared, not to be mutated.
   */
  checkRuns(file: SourceFile): FindingRun<Finding>[] {
    const a = this.analysis(file);
    if (!a.runs || a.kind !== 'inventory' || this.directivesOf(a).length) return [{ line: 0, findings: this.check(file).filter((f) => !f.suppressed) }];
    const extra = this.workspaceFindings(file.uri, a.identities ?? []);
    const memo = this.runsMemo.get(a);
    if (memo && memo.extra.length === extra.length && memo.extra.every((f, i) => f === extra[i])) return memo.runs;
    // (Per run of the file's last check: a run that neither changed nor moved is the same object; one that moved keeps
    // its findings with the configured severities.)
    let kept = this.keptRuns.get(file.uri);
    if (!kept) this.keptRuns.set(file.uri, (kept = new KeptInOrder()));
    const src = a.runs;
    // After a typed character the runs are the last ones with a few replaced (runsPatchOf): only those are looked at.
    const patch = runsPatchOf(src);
    const last = this.lastPlaced.get(file.uri);
    let placed: FindingRun<Finding>[];
    let nonEmpty = 0;
    const patched = !!patch && !!last && patch.last === last.src && last.placed.length === src.length;
    if (patched) {
      placed = last!.placed.slice();
      nonEmpty = last!.nonEmpty;
      for (let k = 0; k < patch!.at.length; k++) {
        const i = patch!.at[k];
        const raw = src[i].findings;
        const old = last!.src[i].findings === raw ? last!.placed[i] : undefined;
        const run = old && old.line === src[i].line ? old : { line: src[i].line, findings: old?.findings ?? this.severed(raw) };
        nonEmpty += (run.findings.length ? 1 : 0) - (placed[i].findings.length ? 1 : 0);
        placed[i] = run;
      }
    } else {
      // (After patched checks, the kept runs are those of the last check: walked from there.)
      if (last?.patched) kept.reset(runLists(last.src), last.placed);
      placed = kept.map(runLists(src), (raw, old, i) => (old && old.line === src[i].line ? old : { line: src[i].line, findings: old?.findings ?? this.severed(raw) }));
      for (let i = 0; i < placed.length; i++) if (placed[i].findings.length) nonEmpty++;
    }
    this.lastPlaced.set(file.uri, { src, placed, nonEmpty, patched });
    const runs: FindingRun<Finding>[] = nonEmpty === placed.length ? placed : new Array(nonEmpty);
    if (runs !== placed) for (let i = 0, at = 0; i < placed.length; i++) if (placed[i].findings.length) runs[at++] = placed[i];
    const out = extra.length ? this.withExtra(runs, extra) : runs;
    if (!out) return [{ line: 0, findings: this.check(file).filter((f) => !f.suppressed) }];
    this.runsMemo.set(a, { extra, runs: out });
    return out;
  }

  /** A run's findings with the configured severities (rules set to 'off' left out). */
  private severed(findings: readonly RawFinding[]): Finding[] {
    const out: Finding[] = [];
    for (const f of findings) {
      const sev = this.severity(f.ruleId, f.data?.severity);
      if (sev) out.push(severityApplied(f, sev));
    }
    return out;
  }

  /**
   * `runs` with the cross-file findings (sorted, in file coordinates) merged in, each into the last run starting at or
   * before its line (equal ones after the run's own, as check()'s stable sort puts them); undefined when the runs would
   * then be out of order.
   */
  private withExtra(runs: FindingRun<Finding>[], extra: readonly Finding[]): FindingRun<Finding>[] | undefined {
    const out = runs.slice();
    const joining = new Map<number, Finding[]>();
    for (const e of extra) {
      const line = e.range.start.line;
      let lo = -1;
      let hi = out.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (out[mid].line <= line) lo = mid;
        else hi = mid - 1;
      }
      if (lo < 0) {
        out.unshift({ line: 0, findings: [] });
        for (const [k, list] of [...joining].reverse()) {
          joining.delete(k);
          joining.set(k + 1, list);
        }
        lo = 0;
      }
      const at = out[lo].line;
      let p = this.extraPlaced.get(e);
      if (!p || p.line !== at) this.extraPlaced.set(e, (p = { line: at, finding: at === 0 ? e : (shiftFinding(e, -at) as Finding) }));
      let list = joining.get(lo);
      if (!list) joining.set(lo, (list = []));
      list.push(p.finding);
    }
    for (const [k, list] of joining) out[k] = { line: out[k].line, findings: mergeSorted(out[k].findings, list) };
    for (let k = 1; k < out.length; k++) {
      const x = out[k - 1];
      const y = out[k];
      if (x.findings.length && y.findings.length && !placedBefore(x.findings[x.findings.length - 1], x.line, y.findings[0], y.line)) return undefined;
    }
    return out.filter((r) => r.findings.length);
  }

  /** The findings of one analysis (no cross-file ones) with the configured severities, sorted; shared, not to be mutated. */
  private ownFindings(a: Analysis): Finding[] {
    // Severities applied and sorted once per analysis (the config is fixed for an analysis's lifetime).
    let own = this.checked.get(a);
    if (!own) {
      own = [];
      // (A one-shot check sees each finding once: nothing to reuse, so nothing is kept per finding.)
      const reuse = !this.workspace.oneShot;
      for (const f of a.findings) {
        // Unchanged chunks hand back the same finding objects: so does this, and the adapters can
        // reuse what they derived from them (LSP diagnostics).
        let c = reuse ? this.withSeverity.get(f) : undefined;
        if (c === undefined) {
          const sev = this.severity(f.ruleId, f.data?.severity);
          // (Messages, fix titles and data come masked from the drivers: analysis/mask.ts.)
          c = sev ? severityApplied(f, sev) : null;
          if (reuse) this.withSeverity.set(f, c);
        }
        if (c) own.push(c);
      }
      own.sort(compareFindings); // (nearly sorted: each chunk's findings come sorted, in file order)
      this.checked.set(a, own);
    }
    return own;
  }

  /**
   * The findings of an analysis with the cross-file ones, after its suppression directives (once per
   * analysis while the cross-file findings are the same objects).
   */
  private suppressedOf(a: Analysis, own: Finding[], extra: Finding[]): { findings: Finding[]; records: SuppressionRecord[] } {
    const memo = this.suppressedMemo.get(a);
    if (memo && memo.extra.length === extra.length && memo.extra.every((f, i) => f === extra[i])) return { findings: memo.result.findings.slice(), records: memo.result.records };
    const all = extra.length ? own.concat(extra).sort(compareFindings) : own;
    const result = this.suppress(all, this.directivesOf(a));
    this.suppressedMemo.set(a, { extra, result });
    return { findings: result.findings.slice(), records: result.records };
  }

  /**
   * Applies suppression directives to a file's final findings (analysis/suppress.ts): check() does it, and the
   * CLI once it has added the cross-file findings to what its worker threads found.
   */
  suppress(findings: readonly Finding[], directives: readonly SuppressionDirective[]): { findings: Finding[]; records: SuppressionRecord[] } {
    return applySuppressions(findings, directives, { today: todayOf(this.config), severity: (id, d) => this.severity(id, d) });
  }

  /** The suppression directives of a file, each with the owner of what it covers (`isms exceptions`). */
  directives(file: SourceFile): SuppressionDirective[] {
    return this.directivesOf(this.analysis(file));
  }

  /** The suppressions of a file as an auditor samples them: each with its state and owner. */
  suppressions(file: SourceFile): SuppressionRecord[] {
    const a = this.analysis(file);
    this.check(file);
    return this.suppressedMemo.get(a)?.result.records ?? [];
  }

  private directivesOf(a: Analysis): SuppressionDirective[] {
    let out = this.directiveMemo.get(a);
    if (out) return out;
    if (this.noMarker.has(a) || a.lines.text.indexOf('isms-') < 0) {
      // (No directive without its marker: readDirectives' own first test.)
      this.noMarker.add(a);
      this.directiveMemo.set(a, (out = []));
      return out;
    }
    // (An infrastructure file's directives are YAML or HCL `#` comments, read as an inventory's.)
    out = readDirectives(a.kind === 'other' ? { lines: a.lines, kind: 'inventory' } : a);
    if (out.length) {
      const docOwner = a.kind === 'process-document' && a.frontMatter ? documentOwner(a.lines, a.frontMatter) : undefined;
      const ids = a.identities ?? [];
      for (const d of out) {
        if (a.kind === 'inventory') {
          // The identities the directive's lines reach (in file order: from the first that ends at or after them).
          let lo = 0;
          let hi = ids.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (ids[mid].range.end.line < d.from) lo = mid + 1;
            else hi = mid;
          }
          const owners = new Set<string>();
          for (let k = lo; k < ids.length && ids[k].range.start.line <= d.to && owners.size < 20; k++) ids[k].owners.forEach((o) => owners.add(o));
          if (owners.size) d.owner = maskSecrets([...owners].join(', '));
        } else if (docOwner) d.owner = maskSecrets(docOwner);
      }
    }
    this.directiveMemo.set(a, out);
    return out;
  }

  /**
   * Findings that depend on other files: an identity ID declared in another inventory of the workspace
   * (nhi-id-duplicate). The CLI calls it once every file is indexed; check() calls it for the editor.
   */
  workspaceFindings(uri: string, identities: readonly IdentitySummary[]): Finding[] {
    const undeployed = this.sourcesFindings(identities);
    const out: Finding[] = [];
    this.revokedInUseAcross(uri, identities, out);
    const dupSeverity = this.severity('nhi-id-duplicate');
    if (!dupSeverity) return (undeployed.length ? out.concat(undeployed) : out).sort(compareFindings);
    // Per identity summary (the same object while its chunk is unchanged and unmoved), until another
    // file's IDs change (or the configuration: setConfig clears them): a keystroke then recomputes none
    // of a large inventory's cross-file findings.
    // (No other file declares an ID: none is a duplicate, and a keystroke looks at no identity.)
    if (!this.index.idsElsewhere(uri)) return (undeployed.length ? out.concat(undeployed) : out).sort(compareFindings);
    const version = this.index.othersVersion(uri);
    let memo = this.duplicates.get(uri);
    if (memo?.version !== version) this.duplicates.set(uri, (memo = { version, byIdentity: new WeakMap() }));
    for (const i of identities) {
      let f = memo.byIdentity.get(i);
      if (f === undefined) memo.byIdentity.set(i, (f = this.duplicateFinding(uri, i, dupSeverity) ?? null));
      if (f) out.push(f);
    }
    return (undeployed.length ? out.concat(undeployed) : out).sort(compareFindings);
  }

  /**
   * nhi-revoked-in-use across files: an active identity whose `used_by` names an identity that this inventory does not
   * declare and every other inventory declaring it has revoked or decommissioned (within one inventory the rule unit
   * judges it, rules/nhi/lifecycle.ts). Not memoised: a lookup per `used_by` entry, and nothing at all while no
   * inventory of the workspace has a retired identity; what it answers changes with othersVersion and this file's IDs.
   */
  private revokedInUseAcross(uri: string, identities: readonly IdentitySummary[], out: Finding[]): void {
    const severity = this.severity(nhiRevokedInUse.id);
    if (!severity || !this.index.hasRetired || !identities.some((i) => i.consumers.length)) return;
    let local: Set<string> | undefined;
    for (const x of identities) {
      if (!x.idRange || !x.consumers.length || (x.status && x.status !== 'active')) continue;
      for (const used of x.consumers) {
        const others = this.index.retiredElsewhere(used, uri);
        if (!others.length) continue;
        local ??= new Set(identities.flatMap((i) => (i.id === undefined ? [] : [i.id.toLowerCase()])));
        if (local.has(used.toLowerCase())) continue;
        const where = others.slice(0, 3).map((o) => `${this.workspace.relativePath(o.uri)}:${o.line + 1}`).join(', ');
        const id = maskSecrets(x.id ?? '?');
        const name = maskSecrets(used);
        out.push({
          ruleId: nhiRevokedInUse.id,
          severity,
          message: `Identity '${id}' is used by '${name}', which is revoked in ${where}${others.length > 3 ? ` and ${others.length - 3} more` : ''}: an active identity still depends on an identity whose access was removed, or the removal did not happen (${citation(nhiRevokedInUse)}). Remove it from used_by, or correct its status there.`,
          range: x.idRange,
          fixes: [],
          data: { identity: id, revoked: name, elsewhere: others.map((o) => ({ path: this.workspace.relativePath(o.uri), line: o.line })) },
        });
      }
    }
  }

  private duplicateFinding(uri: string, i: IdentitySummary, dupSeverity: Severity): Finding | undefined {
    if (i.id === undefined || !i.idRange) return undefined;
    const others = this.index.elsewhere(i.id, uri);
    if (!others.length) return undefined;
    const where = others.slice(0, 3).map((o) => `${this.workspace.relativePath(o.uri)}:${o.line + 1}`).join(', ');
    const id = maskSecrets(i.id); // (a token pasted as an id is not repeated unmasked)
    return {
      ruleId: 'nhi-id-duplicate',
      severity: dupSeverity,
      message: `The id '${id}' is also used in ${where}${others.length > 3 ? ` and ${others.length - 3} more` : ''}: identity IDs must be unique across the workspace, or access reviews, tickets and evidence cannot tell the identities apart (NHI1:2025 Improper Offboarding; CSF ID.AM-01, ISO 27001 A.5.9).`,
      range: i.idRange,
      fixes: [],
      data: { identity: id, elsewhere: others.map((o) => this.workspace.relativePath(o.uri)) },
    };
  }

  /**
   * The configured severity of a rule; without configuration, a finding's own default (`data.severity`,
   * e.g. nhi-secret-storage: error for plaintext, warning for env) or the rule's.
   */
  severity(ruleId: string, findingDefault?: unknown): Severity | undefined {
    const own = typeof findingDefault === 'string' && ['error', 'warning', 'info', 'hint'].includes(findingDefault) ? (findingDefault as Severity) : undefined;
    const s = this.config.rules[ruleId] ?? own ?? ruleMeta(ruleId)?.defaultSeverity ?? 'warning';
    return s === 'off' ? undefined : s;
  }

  /**
   * The literal secrets of an analysis, the values its secret-inline findings are about (every rule's
   * findings are computed whatever the configured severities), sorted by line.
   */
  private secretsOf(a: Analysis): { line: number; value: string }[] {
    let out = this.secrets.get(a);
    if (!out) {
      out = [];
      for (const f of a.findings) {
        if (f.ruleId !== secretInline.id) continue;
        const value = a.lines.text.slice(a.lines.offsetAt(f.range.start), a.lines.offsetAt(f.range.end));
        if (value) out.push({ line: f.range.start.line, value });
      }
      out.sort((x, y) => x.line - y.line);
      this.secrets.set(a, out);
    }
    return out;
  }

  /**
   * `text`, shown about lines [from, to] of `a`, with every secret masked: those findSecrets detects in
   * it, and those of the file's lines around it that it quotes (a value that is a secret because of its
   * key, `password: ...`, quoted by another rule's message). Nothing leaves the service unmasked.
   */
  private mask(a: Analysis, text: string, from: number, to: number): string {
    let out = maskSecrets(text);
    const secrets = this.secretsOf(a);
    if (!secrets.length) return out;
    let lo = 0;
    let hi = secrets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (secrets[mid].line < from - SECRET_WINDOW) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < secrets.length && secrets[k].line <= to + SECRET_WINDOW; k++) {
      const v = secrets[k].value;
      if (out.includes(v)) out = out.split(v).join(maskSecret(v));
    }
    return out;
  }

  hover(file: SourceFile, pos: Position): Hover | undefined {
    if (isConfigFile(file.uri)) return hoverConfig(new LineIndex(file.text), pos);
    if (this.isOwnersRegistry(file.uri)) return hoverOwners(new LineIndex(file.text), pos);
    const h = this.hoverUnmasked(file, pos);
    if (!h) return h;
    return { contents: this.mask(this.analysis(file), h.contents, h.range.start.line, h.range.end.line), range: h.range };
  }

  private hoverUnmasked(file: SourceFile, pos: Position): Hover | undefined {
    const a = this.analysis(file);
    if (a.kind === 'other') return this.infraHover(file, pos);
    const offset = a.lines.offsetAt(pos);
    const ref = a.refAt ? a.refAt(offset) : a.refs.find((r) => r.start <= offset && offset <= r.end);
    if (ref) return { contents: hoverForRef(ref), range: a.lines.range(ref.start, ref.end) };
    const identity = a.identities?.find((i) => i.idRange && rangeContains(i.idRange, pos));
    if (identity?.idRange) {
      // (The summary quotes the identity's values: its secrets are looked for over all its lines.)
      const contents = this.mask(a, this.identitySummary(file, identity), identity.range.start.line, identity.range.end.line);
      return { contents, range: identity.idRange };
    }
    const region = this.yamlRegion(a);
    if (!region) return undefined;
    const owner = this.ownerHover(a, pos, region);
    if (owner) return owner;
    const h = hoverField(a.lines, offset, region.first, region.last, region.table);
    return h ? { contents: h.contents, range: a.lines.range(h.start, h.end) } : undefined;
  }

  /**
   * Hover on a declared identity of an infrastructure file (its focus, else anywhere in its declaration): the
   * inventory entries that document it, with their owners and findings, or that none does.
   */
  private infraHover(file: SourceFile, pos: Position): Hover | undefined {
    const d = this.discovery(file);
    if (!d) return undefined;
    const at = d.identities.find((x) => rangeContains(x.focus, pos)) ?? d.identities.find((x) => rangeContains(x.range, pos) && x.range.start.line === pos.line);
    if (!at) return undefined;
    const lines = [`**${at.label}**`, `Source: \`${at.source}\``];
    const documenting = this.index.documenting(at);
    if (!documenting.length) {
      lines.push(this.discoveryComplete ? 'Not in any inventory (nhi-undocumented).' : 'Not in any inventory indexed so far (the workspace is still being indexed).');
      return { contents: lines.join('\n\n'), range: at.focus };
    }
    for (const e of documenting.slice(0, 3)) {
      const path = this.workspace.relativePath(e.uri);
      const head = `Documented in ${path}:${e.entry.line + 1}${e.entry.id !== undefined ? ` as **${e.entry.id}**` : ''} (by ${e.by === 'source' ? '`source:`' : 'id or name'})`;
      lines.push(head, e.entry.owners.length ? `Owner: ${e.entry.owners.join(', ')}` : 'No owner on record.');
      const findings = this.entryFindings(e.uri, e.entry.line);
      if (findings) lines.push(findings.length ? findings.slice(0, 8).map((f) => `- \`${f.ruleId}\` ${f.message.split(/(?<=\.)\s/)[0]}`).join('\n') + (findings.length > 8 ? `\n- … ${findings.length - 8} more` : '') : 'No findings on the entry.');
    }
    if (documenting.length > 3) lines.push(`… and ${documenting.length - 3} more entries.`);
    return { contents: lines.join('\n\n'), range: at.focus };
  }

  /** The findings of the inventory entry starting at `line` of `uri` (undefined when the inventory cannot be read). */
  private entryFindings(uri: string, line: number): Finding[] | undefined {
    const text = this.inventoryText(uri);
    if (text === undefined) return undefined;
    const open = this.cache.has(uri);
    const src = { uri, text };
    const a = this.analysis(src);
    const i = a.identities?.find((x) => x.range.start.line === line);
    const out = i ? this.check(src).filter((f) => !f.suppressed && f.range.start.line >= i.range.start.line && f.range.start.line <= i.range.end.line) : undefined;
    if (!open) this.forget(uri); // (an inventory read for a hover is not kept)
    const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };
    return out?.sort((x, y) => rank[x.severity] - rank[y.severity]);
  }

  /**
   * Hover on an owner value (`owner`, `approver`, `approved_by`, `revoked_by`, a `previous_owners` entry's `owner`):
   * who they are in the registry, and how many files of the workspace name them as owner.
   */
  private ownerHover(a: Analysis, pos: Position, region: { first: number; last: number }): Hover | undefined {
    if (pos.line < region.first || pos.line > region.last) return undefined;
    const start = a.lines.lineStarts[pos.line];
    const lineText = a.lines.lineText(pos.line);
    // (`- { owner: bob, until: 2026-03-31 }`, a previous_owners entry in flow form, too: its other keys are no name.)
    const m = /^([ \t]*(?:-[ \t]+)?(?:\{[ \t]*)?(owners?|owner_team|owner_email|maintainers?|approvers?|approved_by|revoked_by)[ \t]*:[ \t]*)(.*?)[ \t]*(?:#.*)?$/.exec(lineText);
    if (!m || pos.character < m[1].length || pos.character > m[1].length + m[3].length || !m[3]) return undefined;
    // The name under the cursor: one of a comma-separated or flow list, quotes left out.
    const raw = m[3];
    let from = m[1].length;
    let value = raw;
    const inner = raw.replace(/^\[/, ' ').replace(/\]$/, ' ');
    let at = 0;
    for (const part of inner.split(',')) {
      const s = from + at;
      if (pos.character >= s && pos.character <= s + part.length) {
        const lead = part.length - part.trimStart().length;
        value = part.trim();
        from = s + lead;
        break;
      }
      at += part.length + 1;
    }
    const q = /^(["'])(.*)\1$/.exec(value);
    if (q) {
      value = q[2];
      from++;
    }
    value = value.replace(/[ \t]*\}$/, '');
    if (!value || /[:{}]/.test(value) || isPlaceholderValue(value) || findSecrets(value).length) return undefined;
    const reg = this.registry;
    const entry = reg ? findOwner(reg, value) : undefined;
    const lc = value.toLowerCase();
    const match = (o: string) => o.toLowerCase() === lc || (reg !== undefined && entry !== undefined && findOwner(reg, o) === entry);
    const owned = this.index.ownedBy(match);
    const lines: string[] = [];
    if (entry) {
      const left = ownerLeft(entry, todayOf(this.config));
      lines.push(`**${entry.name ?? entry.id}** (\`${entry.id}\`)${left ? ` — **${left}**` : ''}`);
      const about = [entry.team && `Team: ${entry.team}`, entry.email && `E-mail: ${entry.email}`, entry.slack && `Slack: ${entry.slack}`, entry.manager && `Manager: ${entry.manager}`].filter(Boolean);
      if (about.length) lines.push(about.join(' · '));
      lines.push(`Owners registry: ${reg!.name}:${entry.line + 1}`);
    } else if (reg) lines.push(`**${value}** is not in the owners registry (${reg.name})`);
    else lines.push(`**${value}**`);
    const n = owned.inventories + owned.documents;
    lines.push(n ? `Named as owner in ${owned.inventories} ${owned.inventories === 1 ? 'inventory' : 'inventories'} and ${owned.documents} ${owned.documents === 1 ? 'document' : 'documents'} of the workspace.` : 'Named as owner in no other file of the workspace.');
    return { contents: lines.join('\n\n'), range: { start: { line: pos.line, character: from }, end: { line: pos.line, character: from + value.length } } };
  }

  /** Hover on an identity's id: what it is and the findings on it, worst first. */
  private identitySummary(file: SourceFile, i: IdentitySummary): string {
    const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };
    const findings = this.check(file)
      .filter((f) => !f.suppressed && comparePos(f.range.start, i.range.start) >= 0 && comparePos(f.range.start, i.range.end) <= 0)
      .sort((a, b) => rank[a.severity] - rank[b.severity]);
    const head = [`**${i.id}**${i.type ? ` — ${i.type}` : ''}`];
    if (i.owners.length) head.push(`Owner: ${i.owners.join(', ')}`);
    if (i.controls.length) head.push(`Controls: ${i.controls.join(', ')}`);
    const counts = (['error', 'warning', 'info', 'hint'] as Severity[])
      .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`);
    const body = findings.length
      ? `${counts.join(', ')}:\n\n` + findings.slice(0, 12).map((f) => `- \`${f.ruleId}\` ${f.message.split(/(?<=\.)\s/)[0]}`).join('\n') + (findings.length > 12 ? `\n- … ${findings.length - 12} more` : '')
      : 'No findings: owner, review, rotation and controls are all in order.';
    return head.join('\n\n') + '\n\n' + body;
  }

  /** The YAML lines of a document with the field table that describes them. */
  private yamlRegion(a: Analysis): { first: number; last: number; table: FieldTable } | undefined {
    if (a.kind === 'process-document' && a.frontMatter) {
      const first = a.lines.positionAt(a.frontMatter.start).line;
      const last = a.frontMatter.end > a.frontMatter.start ? a.lines.positionAt(a.frontMatter.end).line : first - 1;
      return { first, last, table: frontMatterTable(this.config) };
    }
    if (a.kind === 'inventory') return { first: 0, last: a.lines.lineCount - 1, table: inventoryTable() };
    return undefined;
  }

  /** Owners named anywhere in the workspace: open documents and indexed files. */
  owners(): string[] {
    // (An owner field holding a pasted token is secret-inline's finding, never a completion.)
    return this.index.owners().filter((o) => findSecrets(o).length === 0);
  }

  /**
   * Records the facts of a file that is not open (owners, identity IDs) from a line scan. Returns true
   * when its identity IDs changed, so the host can re-check open inventories.
   */
  indexFile(file: SourceFile): boolean {
    const kind = classify(file.uri, file.text, this.config, this.workspace.relativePath(file.uri));
    if (kind === 'other' || isBinary(file.text)) {
      this.evidenceIndex.delete(file.uri);
      this.names.delete(file.uri);
      // An infrastructure file: what it declares (read, not kept: the walk reads thousands).
      const d = kind === 'other' ? discoverFile(this.workspace.relativePath(file.uri), file.text, this.config, this.readers) : undefined;
      if (d) return this.index.set(file.uri, { owners: [], ids: [], infra: { origin: d.origin, identities: d.identities.map(declaredFact), problems: d.problems.length } });
      return this.index.delete(file.uri);
    }
    // (An OpenControl component names no owner or identity: its evidence is all the workspace keeps of it.)
    if (kind === 'component') this.names.delete(file.uri);
    else this.names.set(file.uri, scanNames(file.text, kind));
    // Its evidence is read again (keepEvidence) when its text is not the one the kept evidence was read from.
    if (this.evidenceIndex.stamp(file.uri) !== textHash(file.text)) this.evidenceIndex.markStale(file.uri);
    return this.index.set(file.uri, kind === 'component' ? { owners: [], ids: [] } : scanFacts(file.text, kind === 'inventory'));
  }

  /** A file left the workspace (its facts and its evidence go). */
  unindexFile(uri: string): boolean {
    this.cache.delete(uri);
    this.names.delete(uri);
    this.evidenceIndex.delete(uri);
    return this.index.delete(uri);
  }

  /** Outline symbols of a document (front matter, headings; inventory keys and identities). */
  symbols(file: SourceFile): OutlineSymbol[] {
    // (The editor asks for symbols and folding ranges of each version: one outline serves both.)
    const memo = this.outlines.get(file.uri);
    const src = sourceOf(file);
    if (memo?.text === src) return memo.symbols;
    const a = this.view(file);
    let symbols: OutlineSymbol[] = [];
    if (a.kind === 'process-document') symbols = markdownOutline(a.lines, a.frontMatter, a.headings ?? []);
    // (An inventory cut into identities: from its items, each symbol made once per item text.)
    else if (a.kind === 'inventory' || a.kind === 'component') symbols = (a.items && inventoryOutline(a.lines, a.items)) || yamlOutline(a.lines);
    this.outlines.set(file.uri, { text: src, symbols });
    return symbols;
  }

  folding(file: SourceFile): FoldingRange[] {
    return foldingFromOutline(this.symbols(file));
  }

  complete(file: SourceFile, pos: Position): CompletionItem[] {
    if (isConfigFile(file.uri)) return completeConfig(new LineIndex(file.text), pos).map(({ range, newText, ...i }) => ({ ...i, textEdit: { range, newText } }));
    if (this.isOwnersRegistry(file.uri)) return completeOwners(new LineIndex(file.text), pos, file.uri).map(({ range, newText, ...i }) => ({ ...i, textEdit: { range, newText } }));
    const a = this.view(file);
    if (a.kind === 'other') return [];
    const offset = a.lines.offsetAt(pos);
    const lineStart = a.lines.lineStarts[pos.line];
    const before = sourceOf(file).slice(lineStart, offset);
    const token = /[A-Za-z0-9.:()\-]*$/.exec(before)![0];
    const inYaml = a.kind === 'inventory' || (a.frontMatter !== undefined && offset >= a.frontMatter.start && offset <= a.frontMatter.end);
    const inList = inYaml && inControlsList(a, pos.line, before);
    const prefixed = /^(CSF|ISO2700[12]|SOC2|NHI|SP800-53):/i.test(token);
    if (!inList && !prefixed) return this.completeOther(a, offset);
    const range = a.lines.range(offset - token.length, offset);
    const query = prefixed ? token.slice(token.indexOf(':') + 1) : token;
    const fws = prefixed ? this.frameworksForPrefix(token.slice(0, token.indexOf(':'))) : this.config.frameworks;
    return controlItems(catalog().search(query, fws, 2000), range, prefixed ? token.slice(0, token.indexOf(':') + 1) : undefined);
  }

  /** The documentation of a completion item that carries `resolve` (a control reference): undefined when unknown. */
  resolveCompletion(resolve: string): string | undefined {
    const c = catalog().resolve(resolve);
    return c ? controlMarkdown(c) : undefined;
  }

  /** Fields and their values in YAML; missing section headings in a document body. */
  private completeOther(a: Analysis, offset: number): CompletionItem[] {
    const region = this.yamlRegion(a);
    const line = a.lines.positionAt(offset).line;
    let items: AssistItem[] = [];
    if (region && line >= region.first && line <= region.last) {
      // (An owner that is a secret, a token pasted as `owner:`, is not offered.)
      const owners = this.owners().filter((o) => findSecrets(o).length === 0);
      const today = todayOf(this.config);
      const registry = this.registry?.entries
        .filter((e) => !ownerLeft(e, today))
        .map((e) => ({ id: e.id, detail: [e.name, e.team, e.email].filter(Boolean).join(' · ') || 'owners registry' }));
      items = completeFields(a.lines, offset, region.first, region.last, region.table, this.config, { owners, ...(registry ? { registry } : {}) })?.items ?? [];
    } else if (a.kind === 'process-document' && (!region || line > region.last + 1)) {
      const missing = a.findings.flatMap((f) =>
        f.ruleId === sectionMissing.id ? ((f.data?.missing as string[]) ?? []) : f.ruleId === evidenceMissing.id ? ['Evidence'] : [],
      );
      items = completeSections(a.lines, offset, missing);
    }
    return items.map((i) => ({
      label: i.label,
      kind: i.kind,
      detail: i.detail,
      documentation: i.documentation,
      sortText: i.sortText,
      snippet: i.snippet,
      textEdit: { range: i.range, newText: i.newText },
    }));
  }

  /**
   * The quick fixes of the findings overlapping `range` (and for each a "Suppress … with a reason…"), then the fix-all
   * of the file's safe fixes unless `options.fixAll` is false (the server asks for it only when the editor does).
   */
  codeActions(file: SourceFile, range: Range, options: { fixAll?: boolean } = {}): CodeAction[] {
    const findings = this.check(file).filter((f) => !f.suppressed);
    const out: CodeAction[] = [];
    const suppressible: Finding[] = [];
    for (const f of findings) {
      if (!rangesOverlap(f.range, range)) continue;
      const fixes =
        f.ruleId === nhiOffboardingMissing.id && f.fixes.some((x) => x.create)
          ? this.offboardingFixes(file.uri, f.fixes)
          : f.ruleId === 'owner-missing'
            ? [...this.ownerFixes(f.fixes), ...f.fixes]
            : f.fixes;
      for (const fix of fixes) out.push({ title: fix.title, kind: 'quickfix', edits: fix.edits, isPreferred: fix.isPreferred, ...(fix.create ? { create: fix.create } : {}), ...(fix.elsewhere ? { elsewhere: fix.elsewhere } : {}), findings: [f] });
      if (!f.ruleId.startsWith('suppression-')) suppressible.push(f);
    }
    // Last, never preferred, never in fix-all: accepting a finding is a decision with a reason to write.
    if (suppressible.length) {
      const place = suppressionPlacer(this.analysis(file));
      const seen = new Set<string>();
      for (const f of suppressible) {
        const key = `${f.ruleId} ${f.range.start.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const edits = place(f.ruleId, f.range.start.line);
        if (edits) out.push({ title: `Suppress ${f.ruleId} with a reason…`, kind: 'quickfix', edits, findings: [f] });
      }
    }
    // (The editor asks for actions at the cursor after every change; the fix-all, over every finding, only when it asks for it.)
    if (options.fixAll === false) return out;
    const fixAll = this.fixAll(findings);
    if (fixAll.edits.length) out.push(fixAll);
    return out;
  }

  /**
   * "Set owner to X" for the owners the workspace uses most (up to five), from the rule's placeholder fix: the same
   * edit with a real owner in place of the placeholder. A choice, so never safe nor preferred; the placeholder fix
   * stays for an owner not yet named anywhere.
   */
  private ownerFixes(fixes: readonly Fix[]): Fix[] {
    const placeholder = fixes.find((x) => x.edits.length === 1 && /\bTODO\b/.test(x.edits[0].newText));
    if (!placeholder) return [];
    const owners = this.index.ownersByUse().filter((o) => findSecrets(o).length === 0 && !/\bTODO\b|^\s*$/.test(o)).slice(0, 5);
    return owners.map((o) => ({
      title: `Set owner to ${o}`,
      edits: [{ ...placeholder.edits[0], newText: placeholder.edits[0].newText.replace(/\bTODO\b/, yamlValue(o)) }],
    }));
  }

  /**
   * The offboarding fixes for an inventory (rules/nhi/offboarding-missing.ts): the workspace's runbooks and
   * procedures about offboarding, by their path relative to the inventory; else a new runbook at a free name.
   */
  private offboardingFixes(uri: string, fixes: readonly Fix[]): Fix[] {
    const from = this.workspace.relativePath(uri);
    const candidates = this.index
      .offboardingDocs()
      .filter((u) => u !== uri)
      .map((u) => relativePath(from, this.workspace.relativePath(u)))
      .sort();
    const host = this.workspace.files;
    return offboardingFixes(fixes, candidates.slice(0, 12), (p) => !!host && host.stat(uri, p) !== 'missing' && host.stat(uri, p) !== undefined);
  }

  /** All safe fixes of a document that do not overlap each other (never one that creates a file). */
  fixAll(findings: Finding[]): CodeAction {
    const edits: TextEdit[] = [];
    const used: Finding[] = [];
    for (const f of findings) {
      if (f.suppressed) continue;
      const safe = f.fixes.find((x: Fix) => x.safe && !x.create);
      if (!safe) continue;
      if (safe.edits.some((e) => edits.some((o) => rangesOverlap(o.range, e.range)))) continue;
      edits.push(...safe.edits);
      used.push(f);
    }
    return { title: 'Fix all safe ISMS findings', kind: 'source.fixAll', edits, findings: used };
  }

  catalogItems(query: string): CatalogItem[] {
    const cat = catalog();
    return cat.search(query, this.config.frameworks).map((c) => ({
      ref: cat.ref(c),
      framework: c.framework,
      frameworkName: FRAMEWORKS[c.framework].name,
      id: c.id,
      title: c.title,
      detail: c.kind,
    }));
  }

  /**
   * The evidence of every file of the workspace (evidence-index.ts), kept current by the host: files found, changed,
   * opened, closed or deleted. A coverage report is computed over it, without reading any file.
   */
  readonly evidenceIndex = new EvidenceIndex();
  /** The evidence read from each analysis (an open document whose text is unchanged reads nothing again). */
  private evidenceOfAnalysis = new WeakMap<Analysis, EvidenceSource[]>();

  /** What a file offers as evidence (coverage/evidence.ts), from its analysis (analysed unless at hand). */
  evidence(file: SourceFile): EvidenceSource[] {
    const a = this.analysis(file);
    let sources = this.evidenceOfAnalysis.get(a);
    if (!sources) {
      const path = this.workspace.relativePath(file.uri);
      sources = a.kind === 'other' ? [] : evidenceOf(a, this.check(file, { workspace: false }), sourceOf(file), this.config).map((e) => ({ ...e, uri: path }));
      this.evidenceOfAnalysis.set(a, sources);
    }
    return sources;
  }

  /**
   * Reads the evidence of `file` into the evidence index; true when it differs from the kept one. An open document
   * (`open`) is read from its analysis, kept for the next keystroke. A file on disk is not read again while its text
   * is unchanged (a hash), and its analysis is dropped afterwards (memory stays flat over a large workspace); `deps`
   * names, after the reading, the other files it consulted (link and evidence targets).
   */
  keepEvidence(file: SourceFile, open: boolean, deps?: () => readonly string[]): boolean {
    if (open) return this.evidenceIndex.set(file.uri, this.evidence(file));
    const hash = textHash(file.text);
    if (this.evidenceIndex.stamp(file.uri) === hash && !this.evidenceIndex.isStale(file.uri)) return false;
    const kind = classify(file.uri, file.text, this.config, this.workspace.relativePath(file.uri));
    if (kind === 'other' || isBinary(file.text)) {
      this.evidenceIndex.delete(file.uri);
      return false;
    }
    // Read once, as the CLI reads a file (whole, through none of the per-chunk caches an open document needs:
    // reading 10,000 files leaves nothing behind but their evidence).
    const a = analyze(file, this.config, this.workspace.relativePath(file.uri), this.workspace.files, { whole: true });
    const path = this.workspace.relativePath(file.uri);
    const read = deps?.() ?? [];
    // (Copied through JSON: strings sliced from the file's text would keep the whole text alive.)
    const sources: EvidenceSource[] = JSON.parse(JSON.stringify(evidenceOf(a, this.ownFindings(a), file.text, this.config).map((e) => ({ ...e, uri: path }))));
    return this.evidenceIndex.set(file.uri, sources, hash, read);
  }

  /**
   * The coverage of the frameworks (default: the enabled ones) by the kept evidence of the workspace
   * (docs/coverage.md), or by `sources` when given; the kept model computes again only the controls whose files
   * changed. A slice: `evidence: false`, each control's state and the numbers of its evidence and mentions (from
   * counts kept per control: a keystroke costs one file's counts); `controls` (`framework:id`, or an ID of any
   * framework), only those controls, with the summaries of the whole frameworks.
   */
  coverage(frameworks?: readonly FrameworkId[], sources?: readonly EvidenceSource[]): CoverageReport {
    if (sources) return coverage(sources, this.config, frameworks);
    return this.evidenceIndex.model.report(this.config, frameworks);
  }

  coverageSlice(slice: ReportSlice, frameworks: readonly FrameworkId[] = this.config.frameworks): CoverageReport | StatesReport {
    const wanted = slice.controls ? new Set(slice.controls) : undefined;
    const keep = (fw: FrameworkId, id: string) => !wanted || wanted.has(id) || wanted.has(`${fw}:${id}`);
    if (slice.evidence === false) {
      const states = this.evidenceIndex.model.statesReport(this.config, frameworks);
      if (!wanted) return states;
      return { ...states, frameworks: states.frameworks.map((f) => ({ ...f, controls: f.controls.filter((c) => keep(f.framework, c.id)) })) };
    }
    if (!wanted) return this.coverage(frameworks);
    const only = new Set(frameworks.flatMap((fw) => coverageControls(fw).filter((c) => keep(fw, c.id)).map((c) => `${fw}:${c.id}`)));
    return this.evidenceIndex.model.report(this.config, frameworks, only);
  }

  // ---- Navigation across files (editor/navigation.ts): over the kept evidence, open documents exactly. ----

  /** referenceCounter over the kept evidence, made again only when some file's evidence changed (one per version). */
  private referenceCounts(): (key: string, except: string) => { documents: number; identities: number } {
    const version = this.evidenceIndex.version;
    if (this.countsMemo?.version !== version) this.countsMemo = { version, counts: referenceCounter(this.keptFiles()) };
    return this.countsMemo.counts;
  }
  private countsMemo?: { version: number; counts: (key: string, except: string) => { documents: number; identities: number } };

  /** The kept evidence of every file read (stale files: their last evidence, if any). */
  private keptFiles(): FileEvidence[] {
    const out: FileEvidence[] = [];
    for (const uri of this.evidenceIndex.uris()) {
      const sources = this.evidenceIndex.get(uri);
      if (sources?.length) out.push({ uri, sources });
    }
    return out;
  }

  /** The canonical key (`framework:id`) of the resolved control reference at `pos`, if any. */
  controlKeyAt(file: SourceFile, pos: Position): string | undefined {
    const a = this.analysis(file);
    if (a.kind === 'other') return undefined;
    const offset = a.lines.offsetAt(pos);
    const ref = a.refAt ? a.refAt(offset) : a.refs.find((r) => r.start <= offset && offset <= r.end);
    return ref ? refKey(ref) : undefined;
  }

  /** Every reference to the control `key` in the workspace: `open` documents exactly, other files by line. */
  controlReferences(key: string, open: readonly SourceFile[] = []): NavLocation[] {
    const exact = new Map<string, Range[]>();
    for (const f of open) {
      const a = this.analysis(f);
      if (a.kind !== 'other') exact.set(f.uri, refRanges(a, key));
    }
    return controlReferences(this.keptFiles(), key, exact);
  }

  /** Documents, identities and the controls referenced in the workspace, matching `query`. */
  workspaceSymbols(query: string): WorkspaceSymbolItem[] {
    return workspaceSymbols(this.keptFiles(), query, this.config.frameworks);
  }

  /** The paths the file's path-valued fields name (evidence, offboarding) that exist. */
  documentLinks(file: SourceFile): PathLink[] {
    const a = this.analysis(file);
    return a.kind === 'other' ? [] : pathLinks(a, this.workspace.files);
  }

  /**
   * One lens per control the file lists (front matter `controls`, identities' `controls`): its canonical key and how
   * many other documents and identities reference it.
   */
  controlLenses(file: SourceFile): { range: Range; key: string; title: string }[] {
    const a = this.analysis(file);
    if (a.kind === 'other') return [];
    const fm = a.frontMatter;
    const refs = a.kind === 'inventory' ? a.refs : fm ? a.refs.filter((r) => r.start >= fm.start && r.end <= fm.end) : [];
    if (!refs.length) return [];
    const counts = this.referenceCounts();
    const out: { range: Range; key: string; title: string }[] = [];
    // (One count per control: an inventory lists the same few controls on every identity, and a count walks the key's references.)
    const titles = new Map<string, string>();
    for (const r of refs) {
      const key = refKey(r);
      if (!key) continue;
      let title = titles.get(key);
      if (title === undefined) titles.set(key, (title = countsTitle(counts(key, file.uri))));
      out.push({ range: a.lines.range(r.start, r.end), key, title });
    }
    return out;
  }

  /** Whether a file is an inventory or a process document (the files owners and identity IDs are named in). */
  private nameKind(file: SourceFile): 'inventory' | 'process-document' | undefined {
    const kind = classify(file.uri, file.text, this.config, this.workspace.relativePath(file.uri));
    return kind === 'other' || kind === 'component' || isBinary(file.text) ? undefined : kind;
  }

  /** The owner or identity ID at `pos` (editor/names.ts), with its range. */
  nameAt(file: SourceFile, pos: Position): { kind: NameKind; value: string; range: Range } | undefined {
    const kind = this.nameKind(file);
    if (!kind) return undefined;
    const lines = file.lines ?? new LineIndex(file.text);
    const o = nameAt(file.text, kind, lines.offsetAt(pos));
    return o ? { kind: o.kind, value: o.value, range: lines.range(o.start, o.end) } : undefined;
  }

  /**
   * Where the workspace names the owner or identity `value`: `open` documents read through the parser (as edited),
   * other files from the name index (their saved text, scanned when indexed). `definitions`: only identities' `id`;
   * `references`: all but those; `all`: both.
   */
  nameReferences(kind: NameKind, value: string, open: readonly SourceFile[], which: 'references' | 'all' | 'definitions'): NavLocation[] {
    const out: NavLocation[] = [];
    const keep = (definition: boolean) => !((which === 'definitions' && !definition) || (which === 'references' && definition));
    const openUris = new Set(open.map((f) => f.uri));
    for (const f of open) {
      if (!f.text.includes(value)) continue;
      const k = this.nameKind(f);
      if (!k) continue;
      let lines: LineIndex | undefined;
      for (const o of nameOccurrences(f.text, k).items) {
        if (o.kind !== kind || o.value !== value || !keep(o.definition)) continue;
        lines ??= f.lines ?? new LineIndex(f.text);
        out.push({ uri: f.uri, range: lines.range(o.start, o.end) });
      }
    }
    for (const uri of this.names.filesOf(kind, value)) {
      if (openUris.has(uri)) continue;
      for (const x of this.names.at(uri, kind, value)) {
        if (keep(x.definition)) out.push({ uri, range: { start: { line: x.line, character: x.start }, end: { line: x.line, character: x.end } } });
      }
    }
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : comparePos(a.range.start, b.range.start)));
  }

  /** The files other than open documents that name an owner or identity (where a rename reads). */
  filesNaming(kind: NameKind, value: string): string[] {
    return this.names.filesOf(kind, value);
  }

  /** The edits renaming an owner or identity ID across `files` (files with YAML errors are skipped, and named). */
  renameName(kind: NameKind, value: string, to: string, files: Iterable<SourceFile>): { changes: Record<string, TextEdit[]>; skipped: string[] } {
    const byUri = new Map<string, SourceFile>();
    const typed = (function* (self: IsmsService) {
      for (const f of files) {
        if (!f.text.includes(value)) continue;
        const k = self.nameKind(f);
        if (!k) continue;
        byUri.set(f.uri, f);
        yield { uri: f.uri, text: f.text, kind: k };
      }
    })(this);
    const r = renameEdits(typed, kind, value, to);
    const changes: Record<string, TextEdit[]> = {};
    const index = new Map<string, LineIndex>();
    for (const e of r.edits) {
      const f = byUri.get(e.uri)!;
      let lines = index.get(e.uri);
      if (!lines) index.set(e.uri, (lines = f.lines ?? new LineIndex(f.text)));
      (changes[e.uri] ??= []).push({ range: lines.range(e.start, e.end), newText: to });
    }
    return { changes, skipped: r.skipped };
  }

  template(kind: TemplateKind, today: string, controls?: readonly string[]): { text: string; languageId: string } {
    return templateFor(kind, today, controls?.filter((c) => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()));
  }

  private frameworksForPrefix(prefix: string): FrameworkId[] {
    const p = prefix.toUpperCase();
    const fw = (Object.values(FRAMEWORKS).find((f) => f.prefix === p)?.id ?? 'csf') as FrameworkId;
    return [fw];
  }
}

/**
 * A finding with its configured severity: the keys of `{ ...f, severity }` in the same order, built from one literal
 * (a spread at a site that meets findings of many shapes gives each copy a hidden class of its own on Node 20's V8:
 * thousands of maps kept with the findings of a large inventory).
 */
function severityApplied(f: RawFinding, severity: Severity): Finding {
  if (f.data === undefined && f.suppressed === undefined) return { ruleId: f.ruleId, message: f.message, range: f.range, fixes: f.fixes, severity };
  if (f.suppressed === undefined) return { ruleId: f.ruleId, message: f.message, range: f.range, fixes: f.fixes, data: f.data, severity };
  if (f.data === undefined) return { ruleId: f.ruleId, message: f.message, range: f.range, fixes: f.fixes, suppressed: f.suppressed, severity };
  return { ruleId: f.ruleId, message: f.message, range: f.range, fixes: f.fixes, data: f.data, suppressed: f.suppressed, severity };
}

/** The path of `to` relative to the folder of `from` (both workspace-relative, `/`-separated). */
export function relativePath(from: string, to: string): string {
  const a = from.split('/').slice(0, -1).filter((x) => x !== '' && x !== '.');
  const b = to.split('/').filter((x) => x !== '' && x !== '.');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** `change` turns `before` into `after`: the lengths agree and the text outside it is the same. */
function changeHolds(before: string, after: string, c: TextChange): boolean {
  return (
    c.start <= c.oldEnd &&
    c.start <= c.newEnd &&
    c.oldEnd <= before.length &&
    before.length - c.oldEnd === after.length - c.newEnd &&
    before.slice(0, c.start) === after.slice(0, c.start) &&
    before.slice(c.oldEnd) === after.slice(c.newEnd)
  );
}

function inControlsList(a: Analysis, line: number, before: string): boolean {
  if (/^\s*(?:-\s+)?controls\s*:\s*\[[^\]]*$/.test(before) || /^\s*(?:-\s+)?controls\s*:\s*[^\[\s]/.test(before)) return true;
  if (!/^\s*-\s*[^:]*$/.test(before)) return false;
  const indent = before.search(/\S/);
  for (let l = line - 1; l >= 0 && l >= line - 500; l--) {
    const t = a.lines.lineText(l);
    if (t.trim() === '' || /^\s*#/.test(t)) continue;
    const ind = t.search(/\S/);
    if (ind < indent || (ind === indent && !/^\s*-/.test(t))) return /^\s*(?:-\s+)?controls\s*:\s*$/.test(t);
    if (ind === indent && /^\s*-/.test(t)) continue;
  }
  return false;
}

function controlItems(controls: Control[], range: Range, keepPrefix?: string): CompletionItem[] {
  const cat = catalog();
  return controls.map((c, i) => {
    const ref = cat.ref(c);
    const insert = keepPrefix ? keepPrefix + c.id : ref;
    return {
      label: insert,
      kind: 'control',
      detail: c.title,
      resolve: ref,
      filterText: `${insert} ${c.id} ${c.title}`,
      sortText: String(i).padStart(5, '0'),
      textEdit: { range, newText: insert },
    };
  });
}

/** Markdown describing one control: ID, title, NIST text, framework and its assurance role, crosswalk. */
export function controlMarkdown(c: Control): string {
  const cat = catalog();
  const fw = FRAMEWORKS[c.framework];
  const parts: string[] = [`**${cat.ref(c)}** ${c.kind === 'subcategory' ? '' : c.title}`.trim()];
  if (c.text) parts.push(c.text);
  if (c.kind === 'subcategory' && c.parent) parts.push(`Category ${c.parent}: ${cat.get('csf', c.parent)?.title ?? ''}`);
  if (c.examples?.length) parts.push('Implementation examples:\n' + c.examples.slice(0, 4).map((e) => `- ${e.text}`).join('\n'));
  if (c.withdrawn) parts.push(`Withdrawn: ${c.withdrawn}`);
  if (c.fullId) parts.push(`${c.fullId} — ${c.url}`);
  parts.push(`*${fw.name}*: ${fw.assuranceRole}`);
  const xw = cat.crosswalk(c.framework, c.id);
  if (xw.length) {
    const shown = xw.slice(0, 12).map((k) => `${cat.ref(k)}${cat.get(k.framework, k.id) ? ` ${cat.get(k.framework, k.id)!.title}` : ''}`);
    parts.push('Related (NIST informative references):\n' + shown.map((s) => `- ${s}`).join('\n') + (xw.length > 12 ? `\n- … ${xw.length - 12} more` : ''));
  }
  if (c.framework === 'iso27001' || c.framework === 'iso27002' || c.framework === 'soc2') parts.push(`_${fw.licence}._`);
  return parts.join('\n\n');
}

function hoverForRef(ref: ControlRef): string {
  const cat = catalog();
  const fw = FRAMEWORKS[ref.framework];
  if (ref.status === 'legacy' && ref.legacy) {
    const l = ref.legacy;
    const succ = l.successors.map((s) => `- ${fw.prefix}:${s} ${cat.get(ref.framework, s)?.title ?? ''}`).join('\n');
    return `**${ref.raw}** — earlier edition: ${l.title}\n\n${l.reason ?? (l.status === 'reworded' ? 'Kept with a reworded outcome' : 'Kept')}\n\nCurrent:\n${succ}\n\n*${fw.name}*: ${fw.assuranceRole}`;
  }
  if (ref.status === 'unknown') return `**${ref.raw}** is not in ${fw.name}: ${ref.reason ?? ''}`;
  if (ref.members) {
    return ref.members
      .map((id) => cat.get(ref.framework, id))
      .filter((c): c is Control => !!c)
      .map((c) => `**${cat.ref(c)}** ${c.title}`)
      .join('\n\n') + `\n\n*${fw.name}*: ${fw.assuranceRole}`;
  }
  const c = cat.get(ref.framework, ref.id);
  return c ? controlMarkdown(c) : `**${ref.raw}** (${fw.name})`;
}

/** A 64-bit FNV-1a hash of a text (two 32-bit halves), to tell whether a file changed without keeping it. */
function textHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  return `${text.length}:${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}
