/**
 * The LSP adapter: converts between the protocol and the core's plain data. Request handlers look up
 * the document and call IsmsService; no check lives here.
 */
import {
  CodeActionKind,
  createConnection,
  FileChangeType,
  DidChangeWatchedFilesNotification,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CompletionItemKind,
  InsertTextFormat,
  SymbolKind,
  MarkupKind,
  type DocumentSymbol,
  type Connection,
  type Diagnostic,
  type CodeAction as LspCodeAction,
  ErrorCodes,
  MessageType,
  ShowMessageNotification,
  ResponseError,
  StreamMessageWriter,
  type Message,
  type MessageReader,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { IndexedDocument } from './document';
import { jsonEncoder, messageBytes, noteRuns } from './encode';
import { Offloader } from './offload';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFileSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import { INDEX_MAX_BYTES, walkWorkspace } from '../node/workspace-walk';
import { discoveryReaders, hclLoadError, loadHcl } from '../node/hcl';
import { dirname, join, relative, resolve, resolve as resolvePath } from 'node:path';
import { isConfigFile, readConfigText } from '../core/config-file';
import { IsmsService, type CompletionItem } from '../core/service';
import { KeptInOrder, runLists, shiftRange, type FindingRun } from '../core/chunks';
import { LineIndex, PieceText, type SourceFile } from '../core/text';
import { deepValues, MAX_YAML_DEPTH } from '../core/lang/fast-yaml';
import { nodeFileHost } from '../node/file-host';
import type { OutlineSymbol } from '../core/editor/outline';
import { validName, type NameKind } from '../core/editor/names';
import { defaultConfig, FRAMEWORK_IDS, mergeConfig, type ConfigProblem, type FrameworkId } from '../core/config';
import { coverageMarkdown } from '../core/coverage/render';
import { coverageHtml } from '../core/coverage/html';
import { DELIVERABLE_FORMATS, DELIVERABLES, deliverableText, soc2Text, type DeliverableFormat, type DeliverableKind } from '../core/coverage/deliverables';
import { soc2Matrix } from '../core/coverage/soc2';
import { DEFAULT_OWNERS_FILE, parsePeriod } from '../core/config';
import { readOwners, type OwnerRegistry } from '../core/lang/owners';
import { VERSION } from '../core/version';
import type { ReportSlice } from '../core/coverage/slice';
import { todayOf } from '../core/dates';
import { allRules, ruleDocsUrl } from '../core/rules/registry';
import type { Finding, Severity } from '../core/types';
import type { TemplateKind } from '../core/templates';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const COMPLETION_KIND: Record<CompletionItem['kind'], CompletionItemKind> = {
  control: CompletionItemKind.Reference,
  value: CompletionItemKind.Value,
  key: CompletionItemKind.Property,
  section: CompletionItemKind.Text,
  snippet: CompletionItemKind.Snippet,
};

const SYMBOL_KIND: Record<OutlineSymbol['kind'], SymbolKind> = {
  'front-matter': SymbolKind.Namespace,
  section: SymbolKind.String,
  key: SymbolKind.Property,
  identity: SymbolKind.Object,
};

/** How long the server works on one large file before it yields to other messages. */
const SLICE_MS = 20;

const diagnosticOf = new WeakMap<Finding, Diagnostic>();

/** The diagnostic of a finding; findings of unchanged chunks are the same objects, so are their diagnostics. */
function cachedDiagnostic(f: Finding): Diagnostic {
  let d = diagnosticOf.get(f);
  if (!d) diagnosticOf.set(f, (d = toDiagnostic(f)));
  return d;
}

/** Each open document's runs of diagnostics at its last publish (diagnosticsOfRuns), by the service's runs. */
const keptDiagnostics = new Map<string, KeptInOrder<readonly Finding[], { line: number; diagnostics: Diagnostic[] }>>();

/**
 * The diagnostics of a file's runs of findings (service checkRuns), in order. A run is the same findings array while its
 * chunk is unchanged, wherever it moves: its diagnostics are kept (per document `uri`, from its last publish) while it
 * stays on its line, and made where it is when it moved. One run at line 0 (check()'s list): a diagnostic per finding.
 */
export function diagnosticsOfRuns(runs: readonly FindingRun<Finding>[], uri?: string): Diagnostic[] {
  if (runs.length === 1 && runs[0].line === 0) {
    if (uri) keptDiagnostics.delete(uri);
    return runs[0].findings.map(cachedDiagnostic);
  }
  let kept = uri ? keptDiagnostics.get(uri) : undefined;
  if (!kept) {
    kept = new KeptInOrder();
    if (uri) keptDiagnostics.set(uri, kept);
  }
  const placed = kept.map(runLists(runs), (findings, old, i) => (old && old.line === runs[i].line ? old : { line: runs[i].line, diagnostics: findings.map((f) => toDiagnostic(f, runs[i].line)) }));
  // (Lists of their final length: one push per diagnostic would grow and copy them on every keystroke.)
  let total = 0;
  let nonEmpty = 0;
  for (let i = 0; i < placed.length; i++) {
    total += placed[i].diagnostics.length;
    if (placed[i].diagnostics.length) nonEmpty++;
  }
  const out: Diagnostic[] = new Array(total);
  const lists: Diagnostic[][] = new Array(nonEmpty);
  for (let i = 0, at = 0, l = 0; i < placed.length; i++) {
    const ds = placed[i].diagnostics;
    if (!ds.length) continue;
    for (let k = 0; k < ds.length; k++) out[at++] = ds[k];
    lists[l++] = ds;
  }
  noteRuns(out, lists); // (the --stdio encoder keeps each run's JSON with its list)
  return out;
}

/** Drops what is kept of a document's diagnostics (it was closed). */
export function forgetDiagnostics(uri: string): void {
  keptDiagnostics.delete(uri);
}

/** The codeDescription of each rule's diagnostics (one object per rule: diagnostics are never mutated). */
const descriptions = new Map<string, { href: string }>();
function descriptionOf(ruleId: string): { href: string } {
  let d = descriptions.get(ruleId);
  if (!d) descriptions.set(ruleId, (d = { href: ruleDocsUrl(ruleId) }));
  return d;
}

/** The diagnostic of a finding (its range `line` lines down: a finding relative to its run, service checkRuns). */
export function toDiagnostic(f: Finding, line = 0): Diagnostic {
  return {
    range: shiftRange(f.range, line),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: descriptionOf(f.ruleId),
    source: 'isms',
    message: f.message,
  };
}

/** `isms.diagnostics.maxPerFile` from the client's settings: a whole number >= 0, else the default. */
function editorLimit(settings: unknown): number {
  const v = (settings as { diagnostics?: { maxPerFile?: unknown } } | undefined)?.diagnostics?.maxPerFile;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : MAX_DIAGNOSTICS_PER_FILE;
}

/** How many diagnostics of one file the server publishes by default (`isms.diagnostics.maxPerFile`): what VS Code shows. */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

/** A file of pieces for the engine (`text` built from them only when the engine asks for the whole string). */
function pieceFile(uri: string, source: PieceText, lines: LineIndex): SourceFile {
  return {
    uri,
    source,
    lines,
    get text() {
      return source.toString();
    },
  };
}

/**
 * A file's diagnostics as published when there are more than `max` (0: no limit). VS Code shows at most 1,000 per file
 * (its extension host drops the rest: errors first, then warnings, information, hints, each in the order given, and a
 * note of how many it left out); the server makes the same choice before sending, so that a keystroke in a file with
 * 11,000 findings does not encode, send and convert 10,000 diagnostics no editor shows. The first `max - 1` by that
 * order, in document order, and one more at the start of the file saying how many are not shown.
 */
export function limitDiagnostics(diagnostics: Diagnostic[], max: number): Diagnostic[] {
  if (!(max > 0) || diagnostics.length <= max) return diagnostics;
  const count = [0, 0, 0, 0, 0];
  for (const d of diagnostics) count[d.severity ?? 1]++;
  let { last, lastKept } = cut(count, max);
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const s = d.severity ?? 1;
    if (s < last || (s === last && lastKept-- > 0)) out.push(d);
  }
  out.push(notShown(diagnostics.length - out.length, max));
  return out;
}

/** Where limitDiagnostics cuts, given how many diagnostics of each severity there are: every one more severe than `last`, and the first `lastKept` of `last`. */
function cut(count: readonly number[], max: number): { last: number; lastKept: number } {
  for (let s = 1, left = max - 1; s <= 4; s++) {
    if (count[s] >= left) return { last: s, lastKept: left };
    left -= count[s];
  }
  return { last: 4, lastKept: max - 1 };
}

/** The note at the start of a file whose publish leaves out `more` findings. */
function notShown(more: number, max: number): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: 'isms',
    message: `${more.toLocaleString('en-US')} more findings in this file are not shown: the editor shows ${max.toLocaleString('en-US')} per file (isms.diagnostics.maxPerFile), errors first. \`isms check\` lists them all.`,
  };
}

/** The diagnostics of a run where it is (the same objects while the run is: runs are the same objects while unchanged and unmoved). */
const runDiagnostics = new WeakMap<FindingRun<Finding>, Diagnostic[]>();

/**
 * limitDiagnostics(diagnosticsOfRuns(runs, uri), max), the same list, without making the diagnostics of the findings
 * left out: past `max` findings, the severities are counted, and only the runs holding kept findings get diagnostics
 * (kept per run object). A keystroke in a file with 11,000 findings then walks the runs once and places 1,000.
 */
export function publishedOfRuns(runs: readonly FindingRun<Finding>[], uri: string | undefined, max: number): Diagnostic[] {
  if (!(max > 0) || (runs.length === 1 && runs[0].line === 0)) return limitDiagnostics(diagnosticsOfRuns(runs, uri), max);
  const count = [0, 0, 0, 0, 0];
  let total = 0;
  for (let i = 0; i < runs.length; i++) {
    const fs = runs[i].findings;
    total += fs.length;
    for (let k = 0; k < fs.length; k++) count[SEVERITY[fs[k].severity]]++;
  }
  if (total <= max) return diagnosticsOfRuns(runs, uri);
  if (uri) keptDiagnostics.delete(uri); // (what diagnosticsOfRuns keeps is its own walk's)
  let { last, lastKept } = cut(count, max);
  let severer = 0;
  for (let s = 1; s < last; s++) severer += count[s];
  const out: Diagnostic[] = [];
  for (let i = 0; i < runs.length && (severer > 0 || lastKept > 0); i++) {
    const run = runs[i];
    let ds: Diagnostic[] | undefined;
    for (let k = 0; k < run.findings.length; k++) {
      const s = SEVERITY[run.findings[k].severity];
      if (s < last) severer--;
      else if (s === last && lastKept > 0) lastKept--;
      else continue;
      if (!ds) {
        ds = runDiagnostics.get(run);
        if (!ds) runDiagnostics.set(run, (ds = run.findings.map((f) => toDiagnostic(f, run.line))));
      }
      out.push(ds[k]);
    }
  }
  out.push(notShown(total - out.length, max));
  return out;
}

/**
 * With --stdio, makes stdout writes synchronous, as language servers in other runtimes write (rust-analyzer,
 * gopls, clangd). Node makes pipe writes asynchronous on POSIX: the rest of a large message (the diagnostics
 * of a 2,000-identity inventory are 0.5 MB, eight pipe buffers) then waited for whatever the server did
 * next, a GC pause or the next check. Node does the same for TTYs (tty.WriteStream) and for pipes on
 * Windows. Stdin stays asynchronous. Called by the entry points, before the connection is created.
 */
export function blockingStdout(argv: readonly string[] = process.argv): void {
  if (!argv.includes('--stdio') || process.platform === 'win32') return;
  (process.stdout as unknown as { _handle?: { setBlocking?(blocking: boolean): number } })._handle?.setBlocking?.(true);
}

/**
 * The connection the command line asks for. Over --stdio, messages are written by a writer with our encoder
 * (encode.ts: a publish joins the kept JSON of its diagnostics); the library's own --stdio setup is kept otherwise:
 * the server exits when stdin ends, and console output goes to the client's log, never into the protocol stream.
 */
export function connectionFromArgv(argv: readonly string[] = process.argv): Connection {
  if (!argv.slice(2).includes('--stdio')) return createConnection(ProposedFeatures.all);
  // (stdin as a stream, as the library's own --stdio: it then ends the process when stdin ends. The library takes a
  // stream and a writer together; its typings offer streams or reader and writer, hence the cast.)
  const input = process.stdin as unknown as MessageReader;
  encodesMessages = true;
  const connection = createConnection(ProposedFeatures.all, input, new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: jsonEncoder }));
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  console.log = console.info = console.debug = console.trace = (...args: unknown[]) => connection.console.log(text(args));
  console.warn = (...args: unknown[]) => connection.console.warn(text(args));
  console.error = (...args: unknown[]) => connection.console.error(text(args));
  return connection;
}

/** The connection writes messages with encode.ts (--stdio): a rehearsal encodes its diagnostics too. */
let encodesMessages = false;

/**
 * After the first large document of a kind (an inventory, a process document) is checked, the server rehearses a
 * keystroke in it while the editor is idle: a space typed at the end of a line and removed again, at lines spread
 * through it, checked through the same path as a user's change, nothing sent. A fresh process runs that path in V8's interpreter and
 * baseline code at first: the first keystrokes in a 2,000-identity inventory cost 5-10 times what later ones do, and
 * a user meets them right after the open. Rounds run one at a time between messages and stop when the document
 * changes, closes or the budget is spent; every round ends at the document's own text, so what the service keeps
 * after it is what a user's change and its undo leave (the incremental path gives what a fresh check gives: tested).
 * A round is not interrupted: after `coldRounds` rounds (the first ones run code V8 has not compiled yet, slow at any
 * size), a round longer than `roundMs` (a 20,000-identity inventory) ends the rehearsal, so that a keystroke typed
 * during it waits for one such round at most, right after the open.
 */
export const REHEARSAL = { minBytes: 64 * 1024, rounds: 20, budgetMs: 1500, delayMs: 100, roundMs: 25, coldRounds: 3 };

export function startServer(connection: Connection = connectionFromArgv()): Connection {
  // Documents keep the core's LineIndex (see document.ts), and each incremental change is also told to
  // the service (as offsets of the text before it), so that a keystroke re-indexes and re-cuts only the
  // lines around it.
  const offloader = new Offloader((m) => connection.console.error(m));
  const documents = new TextDocuments<IndexedDocument>({
    create: IndexedDocument.create,
    update: (doc, changes, version) => {
      doc.update(changes, version, (start, oldEnd, text) => service.noteChange(doc.uri, start, oldEnd, text));
      return doc;
    },
  });
  let root: string | undefined;
  const relativePath = (uri: string) => {
    const path = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    return (root ? relative(root, path) : path).split('\\').join('/');
  };
  // While a file's evidence is read from disk, the files its links and evidence entries name are noted: when one
  // of them appears, changes or goes away, that file's evidence is read again.
  let consulted: string[] | undefined;
  const service = new IsmsService({
    relativePath,
    files: nodeFileHost(
      () => root,
      (p) => consulted?.push(p),
    ),
  });
  const evidence = service.evidenceIndex;
  let pullConfig = false;
  /** isms.diagnostics.maxPerFile (an editor setting: not in .isms.yaml, the CLI reports every finding). */
  let maxPerFile = MAX_DIAGNOSTICS_PER_FILE;
  /** The client applies workspace edits that create files (an action that creates one is offered only then). */
  let createFiles = false;
  let registerWatchers = false;

  connection.onInitialize((params) => {
    const we = params.capabilities.workspace?.workspaceEdit;
    createFiles = !!we?.documentChanges && !!we.resourceOperations?.includes('create');
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    root = folder?.startsWith('file:') ? fileURLToPath(folder) : undefined;
    pullConfig = !!params.capabilities.workspace?.configuration;
    // A client that does not watch the files itself (the VS Code extension does, and says so) is asked to.
    registerWatchers =
      !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration &&
      !(params.initializationOptions as { watchesFiles?: boolean } | undefined)?.watchesFiles;
    loadConfig(undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', '[', ',', ' ', '-', '.'], resolveProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        referencesProvider: true,
        workspaceSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        codeLensProvider: { resolveProvider: true },
        definitionProvider: true,
        renameProvider: { prepareProvider: true },
      },
      serverInfo: { name: 'isms-author' },
    };
  });

  function loadConfig(settings: unknown): void {
    let config = defaultConfig();
    maxPerFile = editorLimit(settings);
    if (root) {
      try {
        const text = readFileSync(join(root, '.isms.yaml'), 'utf8');
        // (A configuration nested deeper than the YAML library survives is not parsed: it would take the
        // server down, out of memory, rather than fail.)
        if (deepValues(text).length) connection.console.error(`isms: .isms.yaml nests more than ${MAX_YAML_DEPTH} levels deep: not read, defaults used`);
        else {
          // What is valid is used; each problem is logged (and a diagnostic in .isms.yaml when it is open).
          const read = readConfigText(text, config);
          config = read.config;
          for (const p of read.diagnostics) connection.console.warn(`isms: .isms.yaml:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}`);
        }
      } catch {
        /* no repository config */
      }
    }
    if (settings && typeof settings === 'object') {
      const s = settings as Record<string, unknown>;
      const picked: Record<string, unknown> = {};
      for (const k of ['frameworks', 'rules', 'inventoryGlobs', 'documentGlobs', 'ignoreGlobs', 'nhi', 'documents', 'today']) {
        if (s[k] !== undefined && !(k === 'rules' && Object.keys(s[k] as object).length === 0)) picked[k] = s[k];
      }
      const problems: ConfigProblem[] = [];
      config = mergeConfig(config, picked, problems, { ruleIds: allRules().map((r) => r.id) });
      reportSettingsProblems(problems);
    }
    service.setConfig(config);
    loadOwners();
  }

  /**
   * The client's isms.* settings live in its own settings file (VS Code's settings.json), which this server does not own:
   * no diagnostic can point into it. So what it cannot use (an unknown rule ID with the nearest one, a severity, a
   * framework, a type) is logged to the output channel every time the settings are read, and shown once as a warning
   * while the same problems persist (a change that fixes them, then brings them back, shows them again).
   */
  let settingsShown = '';
  function reportSettingsProblems(problems: readonly ConfigProblem[]): void {
    const lines = problems.map((p) => `isms.${settingName(p.path)}: ${p.message}`);
    for (const l of lines) connection.console.warn(`isms: settings: ${l}`);
    const key = lines.join('\n');
    if (key === settingsShown) return;
    settingsShown = key;
    if (!lines.length) return;
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''}; see the isms output)` : '';
    // (A notification, not showMessageRequest: nothing to answer, and nothing waits for the user.)
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `isms settings: ${lines[0]}${more}. The setting is ignored; fix it in your settings.` });
  }
  /** The setting a problem's path is about: `rules.nhi-stael` is in isms.rules, `nhi.staleAfterDays` is its own setting. */
  function settingName(path: string): string {
    const parts = path.split('.');
    return parts[0] === 'nhi' || (parts[0] === 'documents' && parts.length > 1) ? parts.slice(0, 2).join('.') : parts[0];
  }

  /** The owners registry (`owners:` of .isms.yaml, else owners.yaml at the root): read into the service; true when it changed. */
  function ownersPath(): string | undefined {
    return root ? resolve(root, service.getConfig().owners ?? DEFAULT_OWNERS_FILE) : undefined;
  }
  function loadOwners(): boolean {
    const path = ownersPath();
    let registry: OwnerRegistry | undefined;
    if (path) {
      try {
        if (statSync(path).size <= INDEX_MAX_BYTES) registry = readOwners(readFileSync(path, 'utf8'), pathToFileURL(path).href, relative(root!, path).split('\\').join('/'));
      } catch {
        /* no registry */
      }
    }
    return service.setOwners(registry);
  }

  async function refreshConfig(): Promise<void> {
    if (pullConfig) {
      try {
        loadConfig(await connection.workspace.getConfiguration('isms'));
      } catch {
        loadConfig(undefined);
      }
    }
    for (const d of documents.all()) validate(d);
    if (live) readEvidenceSoon(); // (a new configuration made every file's evidence stale)
  }

  // The workspace index (owners for completion, identity IDs for nhi-id-duplicate) is built in the
  // background after start-up and kept current from file events; open documents index themselves.
  let indexRun = 0;
  /** The workspace's files (root-relative) as of the last walk, and what ignoreGlobs left out: what the globs of .isms.yaml are checked against. */
  let workspaceFiles: string[] | undefined;
  /** The first walk, then the walk under way if any: a coverage request waits for them to know every file. */
  let walked!: () => void;
  const firstWalk = new Promise<void>((r) => (walked = r));
  let indexing: Promise<void> | undefined;
  function indexWorkspace(): Promise<void> {
    const walk = walkAll();
    indexing = walk.finally(() => {
      walked();
      if (indexing === walk) indexing = undefined;
    });
    return indexing;
  }
  async function walkAll(): Promise<void> {
    if (!root) return;
    const run = ++indexRun;
    let changed = false;
    const seen = new Set<string>();
    const ignored: string[] = [];
    const n = await walkWorkspace(
      root,
      service.getConfig().ignoreGlobs,
      (path, text) => {
        const uri = pathToFileURL(path).href;
        seen.add(uri);
        if (documents.get(uri)) return;
        // A Terraform file before the grammar is loaded: kept until it is (the first one starts the load).
        if (!terraformReady && isTerraform(uri)) {
          void needTerraform();
          pendingTerraform.push({ uri, text });
        } else if (service.indexFile({ uri, text })) changed = true;
      },
      () => run !== indexRun,
      64,
      [...service.getConfig().documentGlobs, ...service.getConfig().inventoryGlobs, ...(service.getConfig().discovery.enabled ? service.getConfig().discovery.include : [])],
      (rel) => ignored.push(rel),
    );
    if (run !== indexRun) return;
    if (pendingTerraform.length) {
      await needTerraform();
      if (run !== indexRun) return;
      for (const f of pendingTerraform.splice(0)) if (!documents.get(f.uri) && service.indexFile(f)) changed = true;
    }
    // Every inventory and infrastructure file is indexed: discovery's cross-file rules may judge (never before).
    const firstComplete = !service.discoveryIsComplete;
    service.setDiscoveryComplete(true);
    if (firstComplete) changed = true;
    connection.console.info(`isms: indexed ${n} files`);
    // (What ignoreGlobs left out is listed too, as the CLI lists it: an ignore glob matches those.)
    workspaceFiles = [...seen].map((u) => relative(root!, fileURLToPath(u)).split('\\').join('/')).concat(ignored);
    for (const d of documents.all()) if (isConfigFile(d.uri)) validate(d);
    // Files that went away while nobody watched (or are ignored now) leave the evidence.
    for (const uri of evidence.uris()) if (!seen.has(uri) && !documents.get(uri) && evidence.delete(uri)) evidenceChanged();
    if (live) readEvidenceSoon();
    if (changed || service.takeIdChange()) revalidateInventories('');
  }

  connection.onInitialized(() => {
    if (registerWatchers) {
      const cfg = service.getConfig();
      const watchers = ['**/*.{md,markdown,yaml,yml,tf}', ...cfg.documentGlobs, ...cfg.inventoryGlobs].map((globPattern) => ({ globPattern }));
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
    }
    void refreshConfig().then(indexWorkspace);
  });
  // The Terraform grammar (web-tree-sitter: ~45 ms and ~8 MiB) is loaded when discovery first meets a .tf file (the
  // walk, a file event, an open document), never at start: a workspace without Terraform does not pay for it.
  let terraform: Promise<void> | undefined;
  let terraformReady = false;
  /** Terraform files the walk met before the grammar was loaded: indexed once it is. */
  const pendingTerraform: { uri: string; text: string }[] = [];
  const isTerraform = (uri: string) => /\.tf$/i.test(uri) && service.getConfig().discovery.enabled;
  function needTerraform(): Promise<void> {
    return (terraform ??= loadTerraform());
  }
  /** Loads the grammar (once): the service reads .tf files from then on; open ones are checked again. */
  async function loadTerraform(): Promise<void> {
    if (!(await loadHcl())) {
      const why = hclLoadError();
      if (why) connection.console.warn(`isms: Terraform files are not read (the grammar did not load: ${why})`);
      return;
    }
    service.setDiscoveryReaders(discoveryReaders(true));
    terraformReady = true;
    for (const d of documents.all()) if (isTerraform(d.uri)) validate(d);
  }
  connection.onDidChangeConfiguration(() => void refreshConfig());
  /** Indexes a file as it is on disk (unindexed when it is gone or unreadable); true when the index changed. */
  function indexFromDisk(uri: string): boolean {
    try {
      const path = fileURLToPath(uri);
      return statSync(path).size <= INDEX_MAX_BYTES ? service.indexFile({ uri, text: readFileSync(path, 'utf8') }) : false;
    } catch {
      return service.unindexFile(uri);
    }
  }
  connection.onDidChangeWatchedFiles((p) => {
    if (p.changes.some((c) => /(^|\/)\.isms\.yaml$/.test(c.uri))) {
      void refreshConfig().then(indexWorkspace);
      return;
    }
    const registryPath = ownersPath();
    if (registryPath && p.changes.some((c) => c.uri === pathToFileURL(registryPath).href) && loadOwners()) {
      // (Every owner-unknown / owner-inactive finding may change: the open files are checked again, the evidence read again.)
      for (const d of documents.all()) validate(d);
      if (live) readEvidenceSoon();
    }
    let changed = false;
    for (const c of p.changes) {
      if (!c.uri.startsWith('file:')) continue;
      // The evidence of files whose links or evidence entries name this one is read again.
      try {
        evidence.markDependentsStale(fileURLToPath(c.uri));
      } catch {
        /* not a path */
      }
      if (documents.get(c.uri)) continue; // open documents index themselves
      if (c.type === FileChangeType.Deleted) {
        changed = service.unindexFile(c.uri) || changed;
        evidence.deleteUnder(c.uri.replace(/\/+$/, '')); // (a folder: the files under it)
        evidenceChanged();
      } else {
        // (A Terraform file before the grammar is loaded: indexed once it is.)
        if (!terraformReady && isTerraform(c.uri)) void needTerraform().then(() => indexFromDisk(c.uri) && revalidateInventories(''));
        else changed = indexFromDisk(c.uri) || changed;
      }
    }
    if (live) readEvidenceSoon();
    if (changed) revalidateInventories('');
    // A file that appeared or went away can make a link in an open document, or a path an inventory names
    // (evidence, offboarding), resolve or break.
    if (p.changes.some((c) => c.type !== FileChangeType.Changed)) {
      for (const d of documents.all()) {
        if (!/\.(md|markdown|ya?ml)$/i.test(d.uri)) continue;
        service.forget(d.uri);
        schedule(d.uri);
      }
    }
  });

  /** The file the engine reads: this version's pieces and line index; its whole text built only when the engine asks. */
  const file = (d: IndexedDocument): SourceFile => pieceFile(d.uri, d.source, d.lines);

  /** What a publish of `f` carries: its findings as diagnostics (those accepted with a reason are not shown), limited per file. */
  function published(f: SourceFile): Diagnostic[] {
    return publishedOfRuns(service.checkRuns(f), f.uri, maxPerFile);
  }

  function validate(d: IndexedDocument): void {
    let diagnostics: Diagnostic[];
    if (isConfigFile(d.uri)) {
      // .isms.yaml: its own problems, and its globs that match no file once the workspace walk knows the files.
      diagnostics = service.configProblems(file(d), workspaceFiles).map((p) => ({ range: p.range, severity: SEVERITY[p.severity], source: 'isms', message: p.message }));
      void connection.sendDiagnostics({ uri: d.uri, version: d.version, diagnostics });
      return;
    }
    if (service.isOwnersRegistry(d.uri)) {
      // The owners registry: what the engine cannot use in it, as `isms check` prints it (docs/owners.md).
      diagnostics = service.ownersProblems(file(d)).map((p) => ({ range: p.range, severity: SEVERITY[p.severity], source: 'isms', message: p.message }));
      void connection.sendDiagnostics({ uri: d.uri, version: d.version, diagnostics });
      return;
    }
    if (!terraformReady && isTerraform(d.uri)) void needTerraform(); // (checked again once the grammar is loaded)
    try {
      diagnostics = published(file(d));
    } catch (e) {
      connection.console.error(`isms: check failed for ${d.uri}: ${(e as Error).stack ?? e}`);
      diagnostics = [];
    }
    void connection.sendDiagnostics({ uri: d.uri, version: d.version, diagnostics });
    if (service.takeIdChange()) revalidateInventories(d.uri);
    if (live) keepOpenEvidenceSoon(d);
  }

  // Validation is queued, not run inside the change notification: a burst of keystrokes is checked
  // once, at its last version, and requests (completion, hover) queued behind it are answered first.
  const queued = new Set<string>();
  let flushScheduled = false;
  function schedule(uri: string): void {
    queued.add(uri);
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  }
  function flush(): void {
    flushScheduled = false;
    const uri = queued.values().next().value;
    if (uri === undefined) return;
    queued.delete(uri);
    const d = documents.get(uri);
    if (d) {
      // A large file is prepared in slices of about SLICE_MS, yielding to other messages in between
      // (a newer version simply continues from the identities or sections already cached); what would
      // still take one long parse is analysed on the worker.
      const t0 = Date.now();
      if (!service.warm(file(d), () => Date.now() - t0 > SLICE_MS)) queued.add(uri);
      else if (service.needsWorker(file(d))) offload(d);
      else {
        offloader.forget(uri); // (an older version's job, if any, is moot)
        validate(d);
        rehearseSoon(d);
      }
    }
    if (queued.size) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }

  const rehearsedKinds = new Set<string>();
  /** Open documents a change of which was analysed on the worker (needsWorker): not rehearsed (true: said so in the log). */
  const offloaded = new Map<string, boolean>();
  /** Says once that `d` is not rehearsed: its changes are parsed whole, on the worker. */
  function notRehearsed(d: IndexedDocument, kind: string): void {
    offloaded.set(d.uri, true);
    connection.console.log(`isms: keystroke path not rehearsed (${kind}: a change would parse the whole file, on the worker)`);
  }
  /** Rehearses a keystroke in `d` (REHEARSAL) if it is the first large document of its kind. */
  function rehearseSoon(d: IndexedDocument): void {
    if (REHEARSAL.rounds <= 0 || d.source.length < REHEARSAL.minBytes) return;
    const kind = service.analysis(file(d)).kind;
    if (kind !== 'inventory' && kind !== 'process-document') return;
    // (A document whose changes went to the worker is parsed whole there: typing in it warms nothing, and it does not
    // take its kind's rehearsal from another document.)
    if (offloaded.has(d.uri)) {
      if (!offloaded.get(d.uri)) notRehearsed(d, kind);
      return;
    }
    if (rehearsedKinds.has(kind)) return;
    rehearsedKinds.add(kind);
    let rounds = 0;
    let spent = 0;
    const version = d.version;
    const round = () => {
      if (documents.get(d.uri) !== d) return;
      // (the user is typing: their own changes warm that path now, and a round would only make them wait)
      if (d.version !== version) return connection.console.log(`isms: keystroke path rehearsal stopped (${kind}: the document changed after ${rounds} rounds)`);
      if (rounds >= REHEARSAL.rounds || spent >= REHEARSAL.budgetMs) return connection.console.log(`isms: keystroke path rehearsed (${kind}: ${rounds} rounds, ${spent} ms)`);
      // (another document's change is waiting, or this one's check is on the worker: it goes first)
      if (queued.size || !service.ready(file(d))) return void setTimeout(round, REHEARSAL.delayMs);
      const t0 = Date.now();
      try {
        if (!rehearse(d, rounds)) {
          rehearsedKinds.delete(kind); // (another document of the kind may be rehearsed)
          return notRehearsed(d, kind);
        }
      } catch (e) {
        connection.console.error(`isms: rehearsal failed for ${d.uri}: ${(e as Error).stack ?? e}`);
        return;
      }
      const took = Date.now() - t0;
      spent += took;
      rounds++;
      // (the first rounds run interpreted code, slow whatever the size: the rounds after them tell how long one takes)
      if (rounds >= REHEARSAL.coldRounds && took > REHEARSAL.roundMs) return connection.console.log(`isms: keystroke path rehearsed (${kind}: ${rounds} rounds, ${spent} ms; the last took ${took} ms, more would make a keystroke wait)`);
      setImmediate(round);
    };
    setTimeout(round, REHEARSAL.delayMs);
  }
  /**
   * Round `k`: a space at the end of a line, checked, removed, checked (as a user's change: noteChange, checkRuns,
   * diagnostics, encoding); then a completion and a hover on that line. The rounds' lines are spread through the
   * document (golden-ratio steps). False (nothing done) when the change would parse the whole file (needsWorker: an
   * inventory that cannot be cut), which would block the server.
   */
  function rehearse(d: IndexedDocument, k: number): boolean {
    const text = d.source;
    const lines = d.lines;
    const line = Math.floor(lines.lineCount * ((0.5 + k * 0.618034) % 1));
    const at = lines.lineEnd(line);
    const edited = text.edit(at, at, ' ');
    const pass = (t: PieceText, l: LineIndex) => {
      const diagnostics = published(pieceFile(d.uri, t, l));
      if (encodesMessages) messageBytes({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: d.uri, version: d.version, diagnostics } } as Message);
    };
    service.noteChange(d.uri, at, at, ' ');
    const editedLines = LineIndex.afterChange(lines, edited, { start: at, oldEnd: at, newEnd: at + 1 });
    if (service.needsWorker(pieceFile(d.uri, edited, editedLines))) {
      service.noteChange(d.uri, at, at + 1, ''); // (the change and its undo: nothing changed)
      return false;
    }
    pass(edited, editedLines);
    service.noteChange(d.uri, at, at + 1, '');
    pass(text, lines);
    service.takeIdChange(); // (none: the text is the document's again)
    // Completion and hover at that line's end and start (what they answer is not used).
    const position = { line, character: at - lines.lineStarts[line] };
    service.complete(file(d), position);
    service.hover(file(d), { line, character: Math.min(position.character, 6) });
    return true;
  }

  /**
   * Analyses a document that would block the server (a large inventory parsed whole) on the worker;
   * its diagnostics go out when the analysis of its current version is back.
   */
  function offload(d: IndexedDocument): void {
    const { uri, version } = d;
    if (!offloaded.has(uri)) offloaded.set(uri, false);
    const generation = service.configGeneration;
    void offloader.analyze(uri, d.getText(), service.getConfig(), relativePath(uri)).then((result) => {
      const now = documents.get(uri);
      if (!result || !now || now.version !== version) return; // (a newer version has its own job)
      if (service.adopt(file(now), result, generation)) validate(now);
      else schedule(uri);
    });
  }

  /**
   * Identity IDs or discovery facts of a file changed: other open inventories may gain or lose nhi-id-duplicate or
   * nhi-undeployed, open infrastructure files nhi-undocumented.
   */
  function revalidateInventories(except: string): void {
    for (const d of documents.all()) if (d.uri !== except && /\.(ya?ml|tf)$/i.test(d.uri)) schedule(d.uri);
  }

  documents.onDidChangeContent((e) => schedule(e.document.uri));
  connection.onShutdown(() => offloader.dispose());
  documents.onDidClose((e) => {
    service.forget(e.document.uri);
    offloaded.delete(e.document.uri);
    // Its evidence is the saved file's again (or none: an untitled document, a file deleted).
    if (e.document.uri.startsWith('file:')) {
      evidence.markStale(e.document.uri);
      // (Its facts and names as saved: an open document is never indexed from disk, so one opened before the walk is not yet.)
      try {
        const path = fileURLToPath(e.document.uri);
        if (statSync(path).size <= INDEX_MAX_BYTES && service.indexFile({ uri: e.document.uri, text: readFileSync(path, 'utf8') })) revalidateInventories('');
      } catch {
        /* gone, or not a file */
      }
    }
    else if (evidence.delete(e.document.uri)) evidenceChanged();
    if (live) readEvidenceSoon();
    offloader.forget(e.document.uri);
    forgetDiagnostics(e.document.uri);
    queued.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  /** The document's analysis is being computed on the worker: answering from one now would block. */
  const onWorker = (d: IndexedDocument) => service.needsWorker(file(d));

  connection.onHover((p) => {
    const d = documents.get(p.textDocument.uri);
    if (!d || onWorker(d)) return null;
    const h = service.hover(file(d), p.position);
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: h.range } : null;
  });

  connection.onCompletion((p) => {
    const d = documents.get(p.textDocument.uri);
    if (!d) return [];
    return service.complete(file(d), p.position).map((c) => ({
      label: c.label,
      kind: COMPLETION_KIND[c.kind],
      detail: c.detail,
      insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
      filterText: c.filterText,
      sortText: c.sortText,
      textEdit: c.textEdit,
      // A control's documentation is sent for the item the user looks at (completionItem/resolve),
      // not for each of hundreds: the list stays small and quick to send.
      data: c.resolve,
    }));
  });

  connection.onCompletionResolve((item) => {
    if (typeof item.data === 'string' && !item.documentation) {
      const doc = service.resolveCompletion(item.data);
      if (doc) item.documentation = { kind: MarkupKind.Markdown, value: doc };
    }
    return item;
  });

  connection.onDocumentSymbol((p) => {
    const d = documents.get(p.textDocument.uri);
    if (!d) return [];
    const convert = (s: OutlineSymbol): DocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: SYMBOL_KIND[s.kind],
      range: s.range,
      selectionRange: s.selectionRange,
      children: s.children.map(convert),
    });
    return service.symbols(file(d)).map(convert);
  });

  connection.onFoldingRanges((p) => {
    const d = documents.get(p.textDocument.uri);
    return d ? service.folding(file(d)) : [];
  });

  connection.onCodeAction((p) => {
    const d = documents.get(p.textDocument.uri);
    // (While the worker analyses it, no actions: the editor asks again when the diagnostics arrive.)
    if (!d || onWorker(d)) return [];
    const only = p.context.only;
    const out: LspCodeAction[] = [];
    const fixAll = `${CodeActionKind.SourceFixAll}.isms`;
    for (const a of service.codeActions(file(d), p.range, { fixAll: !!only && only.some((o) => fixAll === o || fixAll.startsWith(o + '.')) })) {
      const kind = a.kind === 'quickfix' ? CodeActionKind.QuickFix : `${CodeActionKind.SourceFixAll}.isms`;
      if (only && !only.some((o) => kind === o || kind.startsWith(o + '.'))) continue;
      if (!only && a.kind === 'source.fixAll') continue;
      if (a.create && !createFiles) continue;
      out.push({
        title: a.title,
        kind,
        isPreferred: a.isPreferred,
        diagnostics: a.findings.map((f) => toDiagnostic(f)),
        edit: a.create ? createEdit(d, a.create, a.edits) : a.elsewhere ? elsewhereEdit(d, a.edits, a.elsewhere) : { changes: { [d.uri]: a.edits } },
      });
    }
    return out;
  });

  /** A workspace edit of the document and of other files (an inventory the "Add … to" fix appends to). */
  function elsewhereEdit(d: IndexedDocument, edits: TextEdit[], elsewhere: { uri: string; edits: TextEdit[] }[]): WorkspaceEdit {
    const changes: Record<string, TextEdit[]> = {};
    if (edits.length) changes[d.uri] = edits;
    for (const e of elsewhere) changes[e.uri] = [...(changes[e.uri] ?? []), ...e.edits];
    return { changes };
  }

  /** A workspace edit that creates `create` (relative to the document) with its text, then edits the document. */
  function createEdit(d: IndexedDocument, create: { path: string; text: string }, edits: TextEdit[]): WorkspaceEdit {
    const uri = new URL(create.path.split('/').map(encodeURIComponent).join('/'), d.uri).href;
    return {
      documentChanges: [
        { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: create.text }] },
        { textDocument: { uri: d.uri, version: d.version }, edits },
      ],
    };
  }

  connection.onRequest('isms/catalogSearch', (p: { query?: string }) => ({ items: service.catalogItems(p?.query ?? '') }));
  connection.onRequest('isms/template', (p: { kind: TemplateKind; today: string; controls?: unknown }) =>
    service.template(p.kind, p.today, Array.isArray(p.controls) ? p.controls : undefined),
  );
  // ---- The coverage model (docs/client.md): the evidence of every file, kept current. ----
  // The walk marks every document and inventory stale (known, not read); the first isms/coverage reads them (from
  // disk, or an open document's text) and makes the model live: from then on, files changed on disk are read again
  // in the background, open documents after each check, and a change of any file's evidence is announced
  // (isms/coverageChanged). A request is then computation over the kept evidence, without reading a file.
  let live = false;

  /** An open document's evidence from its current text (its analysis is at hand after a check). */
  /**
   * An open document's evidence is read again once its edits pause (OPEN_EVIDENCE_QUIET_MS of quiet, at least every
   * OPEN_EVIDENCE_MAX_MS while they go on), not after every keystroke: it reads every identity of an inventory. Whatever
   * needs it current (coverage, references, code lenses) reads the open documents first (currentEvidence).
   */
  const OPEN_EVIDENCE_QUIET_MS = 300;
  const OPEN_EVIDENCE_MAX_MS = 3000;
  const openEvidence = new Set<string>();
  let openEvidenceTimer: NodeJS.Timeout | undefined;
  let openEvidenceFirst = 0;
  function keepOpenEvidenceSoon(d: IndexedDocument): void {
    openEvidence.add(d.uri);
    const now = Date.now();
    if (openEvidenceTimer) clearTimeout(openEvidenceTimer);
    else openEvidenceFirst = now;
    openEvidenceTimer = setTimeout(() => {
      openEvidenceTimer = undefined;
      for (const uri of openEvidence) {
        const doc = documents.get(uri);
        if (doc && !onWorker(doc)) keepOpenEvidence(doc);
      }
      openEvidence.clear();
    }, Math.max(0, Math.min(OPEN_EVIDENCE_QUIET_MS, openEvidenceFirst + OPEN_EVIDENCE_MAX_MS - now)));
  }

  function keepOpenEvidence(d: IndexedDocument): void {
    try {
      if (service.keepEvidence(file(d), true)) evidenceChanged();
    } catch (e) {
      connection.console.error(`isms: evidence of ${d.uri} failed: ${(e as Error).stack ?? e}`);
    }
  }

  /** A stale file's evidence: an open document's from its text, another file's from disk. */
  function readEvidence(uri: string): void {
    const d = documents.get(uri);
    if (d) return keepOpenEvidence(d);
    let text: string;
    try {
      const path = fileURLToPath(uri);
      if (statSync(path).size > INDEX_MAX_BYTES) throw new Error('too large');
      text = readFileSync(path, 'utf8');
    } catch {
      if (evidence.delete(uri)) evidenceChanged();
      return;
    }
    consulted = [];
    try {
      if (service.keepEvidence({ uri, text }, false, () => consulted ?? [])) evidenceChanged();
    } catch (e) {
      connection.console.error(`isms: evidence of ${uri} failed: ${(e as Error).stack ?? e}`);
      if (evidence.delete(uri)) evidenceChanged();
    } finally {
      consulted = undefined;
    }
  }

  let reading: Promise<void> | undefined;
  /** Reads every stale file's evidence, SLICE_MS at a time, yielding to other messages in between. */
  function readStaleEvidence(): Promise<void> {
    return (reading ??= (async () => {
      try {
        while (evidence.staleCount) {
          const t0 = Date.now();
          for (const uri of evidence.staleFiles()) {
            if (evidence.isStale(uri)) readEvidence(uri);
            if (Date.now() - t0 > SLICE_MS) break;
          }
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        reading = undefined;
      }
    })());
  }
  function readEvidenceSoon(): void {
    if (evidence.staleCount) void readStaleEvidence();
  }

  /** Announces changed evidence once edits settle (every 400 ms of quiet, at least every 2 s while they go on). */
  const NOTIFY_QUIET_MS = 400;
  const NOTIFY_MAX_MS = 2000;
  let notifyTimer: NodeJS.Timeout | undefined;
  let firstChange = 0;
  function evidenceChanged(): void {
    if (!live) return;
    const now = Date.now();
    if (notifyTimer) clearTimeout(notifyTimer);
    else firstChange = now;
    notifyTimer = setTimeout(notifyCoverage, Math.max(0, Math.min(NOTIFY_QUIET_MS, firstChange + NOTIFY_MAX_MS - now)));
  }
  function notifyCoverage(): void {
    notifyTimer = undefined;
    const uris = evidence.takeChanged();
    if (uris.length) void connection.sendNotification('isms/coverageChanged', uris.length <= 100 ? { uris } : {});
  }

  /** The first request: every file known from the walk is read (in slices), and the model is live from then on. */
  let firstModel: Promise<void> | undefined;
  async function readWorkspaceEvidence(): Promise<void> {
    live = true;
    for (const d of documents.all()) evidence.markStale(d.uri);
    await firstWalk;
    await indexing;
    await readStaleEvidence();
    evidence.takeChanged(); // (nobody had a model before this one)
  }

  /**
   * The kept evidence, current: open documents changed since their last check count as they are now; files changed
   * on disk and not read yet are read first (the background reading started with their event), so an answer is one
   * state of the files. (A document whose analysis is on the worker counts as last read: its evidence follows when
   * the analysis is back.)
   */
  /** Brings the kept evidence up to date: the workspace's first reading, open documents as edited (but `except`), stale files. */
  async function currentEvidence(except?: string): Promise<void> {
    await (firstModel ??= readWorkspaceEvidence());
    for (const d of documents.all()) if (!onWorker(d) && d.uri !== except) keepOpenEvidence(d);
    if (evidence.staleCount) await readStaleEvidence();
  }

  // The coverage of the workspace (docs/coverage.md): open documents as edited, other files as on disk.
  connection.onRequest('isms/coverage', async (p: ({ frameworks?: string[]; format?: 'json' | 'md' | 'html' } & ReportSlice) | undefined) => {
    const frameworks = p?.frameworks?.filter((f): f is FrameworkId => (FRAMEWORK_IDS as readonly string[]).includes(f));
    await currentEvidence();
    const fws = frameworks?.length ? frameworks : undefined;
    const report = service.coverageSlice({ evidence: p?.evidence, controls: Array.isArray(p?.controls) ? p.controls.map(String) : undefined }, fws);
    const today = todayOf(service.getConfig());
    return {
      today,
      report,
      ...(p?.format === 'md' ? { markdown: coverageMarkdown(service.coverage(fws), today) } : {}),
      ...(p?.format === 'html' ? { html: coverageHtml(service.coverage(fws), today) } : {}),
    };
  });

  // A deliverable of the workspace (docs/client.md): the Statement of Applicability, the CSF profile or the SOC 2
  // criteria matrix, as the CLI writes it.
  connection.onRequest('isms/deliverable', async (p: { kind?: string; format?: string; period?: string } | undefined) => {
    const format = (p?.format ?? 'md') as DeliverableFormat;
    if (!(DELIVERABLE_FORMATS as readonly string[]).includes(format)) throw new ResponseError(ErrorCodes.InvalidParams, `unknown format '${p?.format}' (${DELIVERABLE_FORMATS.join(', ')})`);
    if (p?.kind === 'soc2') {
      const cfg = service.getConfig();
      let period = cfg.auditPeriod;
      if (p.period !== undefined && p.period !== '') {
        const parsed = parsePeriod(String(p.period));
        if (typeof parsed === 'string') throw new ResponseError(ErrorCodes.InvalidParams, `period: ${parsed}`);
        period = parsed;
      }
      await currentEvidence();
      const matrix = soc2Matrix(evidence.sources(), cfg, todayOf(cfg), period);
      return { text: soc2Text(matrix, format, VERSION), suggestedName: `soc2-matrix.${format}`, problems: matrix.problems, type: matrix.type };
    }
    const kind = p?.kind as DeliverableKind;
    if (!Object.hasOwn(DELIVERABLES, kind ?? '')) throw new ResponseError(ErrorCodes.InvalidParams, `unknown deliverable '${p?.kind}' (${[...Object.keys(DELIVERABLES), 'soc2'].join(', ')})`);
    await currentEvidence();
    const report = service.coverage([DELIVERABLES[kind].framework]);
    const cfg = service.getConfig();
    const text = deliverableText(kind, format, report, todayOf(cfg), cfg, VERSION);
    return { text, suggestedName: `${DELIVERABLES[kind].fileName}.${format}`, problems: report.problems };
  });

  // ---- Navigation across files (docs/client.md): over the kept evidence, open documents exactly. ----
  /** Open documents whose analysis is at hand or quick (not on the worker). */
  const openFiles = () => documents.all().filter((d) => !onWorker(d)).map(file);

  connection.onReferences(async (p) => {
    const d = documents.get(p.textDocument.uri);
    if (!d || onWorker(d)) return [];
    const key = service.controlKeyAt(file(d), p.position);
    if (key) {
      await currentEvidence();
      return service.controlReferences(key, openFiles());
    }
    const name = service.nameAt(file(d), p.position);
    if (!name) return [];
    await firstWalk;
    await indexing;
    return service.nameReferences(name.kind, name.value, openFiles(), p.context?.includeDeclaration === false ? 'references' : 'all');
  });

  /**
   * The files a rename of `value` reads: open documents as edited, and the files the name index says name it, as
   * saved (read now; a file gone since is left out).
   */
  async function filesNaming(kind: NameKind, value: string): Promise<{ uri: string; text: string; lines?: IndexedDocument['lines'] }[]> {
    await firstWalk;
    await indexing;
    const out: { uri: string; text: string; lines?: IndexedDocument['lines'] }[] = openFiles();
    for (const uri of service.filesNaming(kind, value)) {
      if (documents.get(uri) || !uri.startsWith('file:')) continue;
      try {
        const path = fileURLToPath(uri);
        if (statSync(path).size <= INDEX_MAX_BYTES) out.push({ uri, text: readFileSync(path, 'utf8') });
      } catch {
        /* gone since */
      }
    }
    return out;
  }

  /** Where an owner is defined: its entry in the owners registry (docs/owners.md); none without a registry. */
  const ownerDefinition = (owner: string) => {
    const e = service.ownerEntry(owner);
    if (!e) return null;
    const uri = /^[a-z][a-z0-9+.-]+:/i.test(e.uri) ? e.uri : pathToFileURL(e.uri).href;
    return { uri, range: { start: { line: e.line, character: 0 }, end: { line: e.line, character: 0 } } };
  };

  connection.onDefinition(async (p) => {
    const d = documents.get(p.textDocument.uri);
    if (!d || onWorker(d)) return null;
    const name = service.nameAt(file(d), p.position);
    if (!name) return null;
    if (name.kind === 'owner') return ownerDefinition(name.value);
    await firstWalk;
    await indexing;
    return service.nameReferences('identity', name.value, openFiles(), 'definitions');
  });

  connection.onPrepareRename((p) => {
    const d = documents.get(p.textDocument.uri);
    const name = d && !onWorker(d) ? service.nameAt(file(d), p.position) : undefined;
    if (!name) throw new ResponseError(ErrorCodes.InvalidRequest, 'Only an owner or an identity ID can be renamed.');
    return { range: name.range, placeholder: name.value };
  });

  connection.onRenameRequest(async (p) => {
    const d = documents.get(p.textDocument.uri);
    const name = d && !onWorker(d) ? service.nameAt(file(d), p.position) : undefined;
    if (!name) throw new ResponseError(ErrorCodes.InvalidRequest, 'Only an owner or an identity ID can be renamed.');
    const to = p.newName.trim();
    if (!validName(to)) throw new ResponseError(ErrorCodes.InvalidParams, `'${p.newName}' cannot be written as a plain YAML value: use letters, digits and _ @ . + / ~ - (single spaces inside).`);
    const r = service.renameName(name.kind, name.value, to, await filesNaming(name.kind, name.value));
    if (r.skipped.length) {
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `isms: not renamed in ${r.skipped.length} file(s) whose YAML does not parse cleanly: ${r.skipped.map((u) => relativePath(u)).join(', ')}` });
    }
    return { changes: r.changes };
  });

  const WORKSPACE_SYMBOL_KIND = { document: SymbolKind.File, identity: SymbolKind.Key, control: SymbolKind.Constant } as const;
  connection.onWorkspaceSymbol(async (p) => {
    await currentEvidence();
    return service.workspaceSymbols(p.query ?? '').map((s) => ({ name: s.name, kind: WORKSPACE_SYMBOL_KIND[s.kind], containerName: s.container, location: s.location }));
  });

  connection.onDocumentLinks((p) => {
    const d = documents.get(p.textDocument.uri);
    if (!d || onWorker(d) || !d.uri.startsWith('file:')) return [];
    const from = fileURLToPath(d.uri);
    return service.documentLinks(file(d)).map((l) => ({
      range: l.range,
      target: pathToFileURL(l.path.startsWith('/') && root ? join(root, l.path) : resolvePath(dirname(from), l.path)).href,
      tooltip: `Open ${l.path}`,
    }));
  });

  // A lens on each listed control: how many other files reference it; resolved (its command, with every reference)
  // only for the lenses the editor shows.
  connection.onCodeLens(async (p) => {
    const d = documents.get(p.textDocument.uri);
    if (!d || onWorker(d)) return [];
    // (A lens counts the references of the other files: this document's own evidence, read anew after every change of
    // a large inventory, does not change them.)
    await currentEvidence(d.uri);
    const now = documents.get(p.textDocument.uri);
    if (!now || onWorker(now)) return [];
    return service.controlLenses(file(now)).map((l) => ({ range: l.range, data: { uri: now.uri, key: l.key, title: l.title } }));
  });
  connection.onCodeLensResolve((lens) => {
    const data = lens.data as { uri: string; key: string; title: string } | undefined;
    if (!data) return lens;
    const locations = service.controlReferences(data.key, openFiles()).filter((l) => l.uri !== data.uri);
    lens.command = { title: data.title, command: 'isms.showReferences', arguments: [data.uri, lens.range.start, locations] };
    return lens;
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
