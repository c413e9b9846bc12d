/**
 * Checks files with the engine, on worker threads for large workspaces. A worker thread runs the file
 * that defines this module (in the bundle: dist/cli.js) with workerData `{ ismsBatches: true, ... }`; the
 * worker entry at the bottom of this module checks batches of files and posts their outcomes back.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { IsmsService } from '../core/service';
import { nodeFileHost } from '../node/file-host';
import { factsOf, type FileFacts } from '../core/workspace-index';
import type { Config } from '../core/config';
import type { Finding } from '../core/types';
import type { IdentitySummary } from '../core/analysis/inventory';
import type { SuppressionDirective } from '../core/lang/suppressions';
import { decode, firstInvalidUtf8 } from './files';
import { countFindings, renderResult, type FindingCounts } from './output';
import { evidenceOf, type EvidenceSource } from '../core/coverage/evidence';
import type { DiscoveryResult } from '../core/discovery/types';
import { declaredFact } from '../core/discovery/reconcile';
import { discoveryReaders, hasTerraform, loadHcl } from '../node/hcl';

/** From this many files on, a check is shared out to worker threads (unless ISMS_WORKERS says otherwise). */
export const PARALLEL_MIN_FILES = 400;
export const MAX_WORKERS = 4;

/** What checking one file yields; plain data, so it crosses from a worker thread. */
export interface FileOutcome {
  uri: string;
  path: string;
  kind: string;
  findings: Finding[];
  identities: IdentitySummary[];
  /** Framework -> control IDs referenced. */
  covered: [string, string[]][];
  facts: FileFacts;
  /** Its suppression directives, applied once the cross-file findings are known (checkProject). */
  directives: SuppressionDirective[];
  /** What the file offers as evidence (with `evidence: true`). */
  evidence?: EvidenceSource[];
  /** An infrastructure file (kind `infrastructure`): what it declares (docs/discovery.md). */
  discovery?: DiscoveryResult;
  /**
   * With `render`: the file's result as the JSON report writes it, rendered on the thread that checked it, and its
   * counts; `findings` is then left empty (output.ts renderedResult reads them back from the text if asked for).
   */
  rendered?: { text: string; counts: FindingCounts; unreadable: boolean };
}

export interface CheckOptions {
  /**
   * Read each file's evidence (coverage, soa, profile, soc2) instead of reporting its findings: an outcome then carries
   * its evidence and, of its findings, only \`file-unreadable\` (what the run counts as not checked); identities, facts,
   * references, directives and discovery results stay empty. The evidence is computed from all the file's own findings
   * first (its "open errors"), exactly as before; what the workers send back is a small part of it.
   */
  evidence?: boolean;
  /**
   * Render each file's result as \`isms check --format json\` writes it, on the thread that checked it (outcome
   * \`rendered\`), instead of sending its findings: for a JSON report that nothing else reads the findings for.
   */
  render?: boolean;
}

/** A file that could not be read at all (permissions, I/O): reported, never silently skipped. */
export interface ReadFailure {
  uri: string;
  path: string;
  reason: string;
}

/**
 * A service for one-shot checks of files under `root`; `unindexed`: it keeps no facts of the files it analyses (a
 * thread of a parallel check: the main thread indexes the outcomes' facts).
 */
export function checker(root: string, config: Config, unindexed = false): IsmsService {
  const service = new IsmsService({ relativePath: (p) => relative(root, p).split('\\').join('/'), files: nodeFileHost(() => root, undefined, true), oneShot: true, unindexed }, config);
  // The Terraform reader, when the grammar is loaded (prepareReaders); .tf files are skipped otherwise.
  service.setDiscoveryReaders(discoveryReaders());
  return service;
}

/**
 * Loads what discovery's readers need for these files before a checker is made: the Terraform grammar (web-tree-sitter,
 * ~50 ms) when discovery is on and a file is a `.tf`. Never rejects; without the grammar `.tf` files are skipped.
 */
export async function prepareReaders(files: readonly string[], config: Config): Promise<void> {
  if (config.discovery?.enabled && hasTerraform(files)) await loadHcl();
}

/**
 * Checks `files` in order, on worker threads when there are many (ISMS_WORKERS overrides the number of
 * threads; 1 = no workers). Files that are not ISMS files, or cannot be read (`warn`ed), yield undefined.
 */
export async function checkFiles(files: readonly string[], service: IsmsService, root: string, config: Config, warn: (m: string) => void, options: CheckOptions = {}): Promise<(FileOutcome | ReadFailure | undefined)[]> {
  // YAML parsing dominates and is CPU bound.
  const forced = Number(process.env.ISMS_WORKERS);
  const workers = forced >= 1 ? Math.min(Math.floor(forced), 16, Math.max(1, files.length)) : files.length >= PARALLEL_MIN_FILES ? defaultThreads() : 1;
  return workers > 1 ? checkInParallel(files, workers, root, config, warn, options) : checkShard(files, service, warn, options);
}

/** Threads of a parallel check unless ISMS_WORKERS says otherwise: one per core, up to MAX_WORKERS. */
const defaultThreads = () => Math.min(availableParallelism(), MAX_WORKERS);

/** A worker thread of a parallel check, started before its files are known (it loads meanwhile); `done` when it exits. */
interface PendingWorker {
  worker: Worker;
  done: Promise<void>;
}

function startWorker(root: string, config: Config, options: CheckOptions): PendingWorker {
  const worker = new Worker(__filename, { workerData: { ismsBatches: true, root, config, options } });
  // (Until it is given files: a run that never gives it any ends without waiting for it.)
  worker.unref();
  const done = new Promise<void>((resolveWorker, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code !== 0 ? reject(new Error(`worker exited with code ${code}`)) : resolveWorker()));
  });
  done.catch(() => undefined); // (awaited once it has files; one never given any is not waited for)
  return { worker, done };
}

/** Workers started by startWorkers, for the check of the same root, config and options. */
let started: { root: string; config: Config; options: CheckOptions; workers: PendingWorker[] } | undefined;

/**
 * Starts the worker threads of a parallel check early, while the walk is still listing the files (collect's `many`,
 * once PARALLEL_MIN_FILES are found): each loads the engine (~0.2 s) meanwhile, and checkFiles gives them the files.
 * Nothing when ISMS_WORKERS sets the number of threads (checkFiles starts them).
 */
export function startWorkers(root: string, config: Config, options: CheckOptions = {}): void {
  if (started || Number(process.env.ISMS_WORKERS) >= 1 || defaultThreads() < 2) return;
  started = { root, config, options, workers: Array.from({ length: defaultThreads() - 1 }, () => startWorker(root, config, options)) };
}

/** `n` workers for this check: those started early for it, else new ones. */
function workersFor(n: number, root: string, config: Config, options: CheckOptions): PendingWorker[] {
  const early = started;
  started = undefined;
  if (early && early.root === root && early.config === config && early.options === options && early.workers.length === n) return early.workers;
  if (early) for (const w of early.workers) void w.worker.terminate();
  return Array.from({ length: n }, () => startWorker(root, config, options));
}

/**
 * Checks `files` in order with one service; files that are not ISMS files yield undefined, files that cannot be
 * read a ReadFailure (and a message). A file that is not valid UTF-8 is read with replacement characters, and
 * the first bad byte is named once.
 */
export function checkShard(files: readonly string[], service: IsmsService, warn: (m: string) => void, options: CheckOptions = {}): (FileOutcome | ReadFailure | undefined)[] {
  return files.map((file) => {
    const path = relative(process.cwd(), file).split('\\').join('/') || file;
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message;
      warn(`isms: cannot read ${path}: ${reason}`);
      return { uri: file, path, reason };
    }
    const text = decode(buf);
    if (text.includes('\uFFFD') && !(buf[0] === 0xff && buf[1] === 0xfe) && !(buf[0] === 0xfe && buf[1] === 0xff)) {
      const bad = firstInvalidUtf8(buf);
      if (bad >= 0) {
        const before = decode(buf.subarray(0, bad)).split(/\r\n|\r|\n/);
        warn(`isms: ${path}:${before.length}:${before[before.length - 1].length + 1}: not valid UTF-8 (byte 0x${buf[bad].toString(16).padStart(2, '0')} at offset ${bad}); read with replacement characters (U+FFFD) from there`);
      }
    }
    const a = service.analysis({ uri: file, text });
    if (options.evidence) {
      // Coverage: the evidence of the file, from its own findings (coverage/evidence.ts); nothing else leaves the thread.
      const out: FileOutcome | undefined =
        a.kind === 'other'
          ? undefined
          : (() => {
              const findings = service.check({ uri: file, text }, { workspace: false });
              return {
                uri: file,
                path,
                kind: a.kind,
                findings: findings.filter((f) => f.ruleId === 'file-unreadable'),
                identities: [],
                covered: [],
                facts: { owners: [], ids: [] },
                directives: [],
                // (Fresh objects: named by the path as the reports name files.)
                evidence: evidenceOf(a, findings, text, service.getConfig()).map((e) => ((e.uri = path), e)),
              };
            })();
      service.forget(file);
      return out;
    }
    if (a.kind === 'other') {
      const d = service.discovery({ uri: file, text });
      const out: FileOutcome | undefined = d && {
        uri: file,
        path,
        kind: 'infrastructure',
        findings: service.check({ uri: file, text }, { workspace: false }),
        identities: [],
        covered: [],
        facts: { owners: [], ids: [], infra: { origin: d.origin, identities: d.identities.map(declaredFact), problems: d.problems.length } },
        directives: service.directives({ uri: file, text }),
        discovery: d,
      };
      service.forget(file);
      return out;
    }
    const covered = new Map<string, Set<string>>();
    for (const r of a.refs) if (r.status === 'ok') for (const id of r.members ?? [r.id]) (covered.get(r.framework) ?? covered.set(r.framework, new Set()).get(r.framework)!).add(id);
    const findings = service.check({ uri: file, text }, { workspace: false });
    const out: FileOutcome = {
      uri: file,
      path,
      kind: a.kind,
      findings: options.render ? [] : findings,
      identities: a.identities ?? [],
      covered: [...covered].map(([fw, ids]) => [fw, [...ids]]),
      facts: factsOf(a),
      directives: service.directives({ uri: file, text }),
    };
    if (options.render) out.rendered = { text: renderResult({ path, kind: a.kind, findings }), counts: countFindings(findings), unreadable: findings.some((f) => f.ruleId === 'file-unreadable') };
    service.forget(file); // keep memory flat on large workspaces
    return out;
  });
}

/** Files per batch of a parallel check: small enough that the threads finish together, large enough that messages stay few. */
function batchSize(files: number, threads: number): number {
  return Math.max(8, Math.min(128, Math.ceil(files / (threads * 16))));
}

/**
 * Checks `files` on `threads` threads (the main thread and threads - 1 workers). The files are cut into batches in
 * order; each thread takes the next batch left (a shared counter) until none is, so a thread slowed down (the main
 * thread receives the others' outcomes; the machine is shared) takes fewer. The outcomes are put back in file order,
 * and so are the warnings: the output is the one thread's, whatever thread checked what.
 */
async function checkInParallel(files: readonly string[], threads: number, root: string, config: Config, warn: (m: string) => void, options: CheckOptions): Promise<(FileOutcome | ReadFailure | undefined)[]> {
  const size = batchSize(files.length, threads);
  const batches = Math.ceil(files.length / size);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const outcomes: (FileOutcome | ReadFailure | undefined)[][] = new Array(batches);
  const warnings: string[][] = Array.from({ length: batches }, () => []);
  const pending = workersFor(threads - 1, root, config, options).map(({ worker, done }) => {
    worker.on('message', (m: { batch: number; outcomes: (FileOutcome | ReadFailure | undefined)[]; warnings: string[] }) => {
      outcomes[m.batch] = m.outcomes;
      warnings[m.batch] = m.warnings;
    });
    worker.ref();
    worker.postMessage({ files, size, next });
    return done;
  });
  const service = checker(root, config, true);
  for (let b = Atomics.add(next, 0, 1); b < batches; b = Atomics.add(next, 0, 1)) {
    outcomes[b] = checkShard(files.slice(b * size, (b + 1) * size), service, (m) => warnings[b].push(m), options);
    // (Lets the workers' outcomes in as they come, rather than all at the end.)
    await new Promise((go) => setImmediate(go));
  }
  await Promise.all(pending);
  for (const w of warnings) w.forEach((m) => warn(m));
  return outcomes.flat();
}

// A worker thread (startWorker): once given its files, check batch after batch, sending each one's outcomes back.
if (!isMainThread && (workerData as { ismsBatches?: boolean } | null)?.ismsBatches) {
  const { root, config, options } = workerData as { root: string; config: Config; options: CheckOptions };
  // (The engine's service is made while the walk goes on; the files come in the first message.)
  const service = checker(root, config, true);
  parentPort!.once('message', ({ files, size, next }: { files: string[]; size: number; next: Int32Array }) => {
    void prepareReaders(files, config).then(() => {
      // (With the Terraform grammar just loaded, the readers are set again.)
      service.setDiscoveryReaders(discoveryReaders());
      for (let b = Atomics.add(next, 0, 1); b * size < files.length; b = Atomics.add(next, 0, 1)) {
        const warnings: string[] = [];
        const outcomes = checkShard(files.slice(b * size, (b + 1) * size), service, (m) => warnings.push(m), options);
        parentPort!.postMessage({ batch: b, outcomes, warnings });
      }
    });
  });
}
