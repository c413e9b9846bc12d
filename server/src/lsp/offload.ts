/**
 * Analyses that would block the server (one long parse of a large inventory: see IsmsService.needsWorker)
 * run on a worker thread, so that hover, completion and every other request are answered meanwhile.
 * One worker, one job at a time; a newer version of the same document cancels the job for the older
 * one by ending the worker (a parse cannot be interrupted otherwise), and the next job starts a new one.
 *
 * The worker is this very file (or the bundle holding it): loaded in a worker thread with
 * `ismsAnalyzer` in its workerData, it answers jobs with `analyzeDetached`.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyzeDetached, type DetachedAnalysis } from '../core/analysis/analyze';
import type { Config } from '../core/config';

interface Job {
  uri: string;
  text: string;
  config: Config;
  rel: string;
  done: (result: DetachedAnalysis | undefined) => void;
}

/** A worker with no job for this long is ended. */
const IDLE_MS = 60_000;

export class Offloader {
  private worker: Worker | undefined;
  private running: Job | undefined;
  /** The latest waiting job per document. */
  private waiting = new Map<string, Job>();
  /** Ends an idle worker (its heap and caches are not kept for nothing). */
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly onError: (message: string) => void = () => undefined) {}

  /**
   * Analyses `text` on the worker. Resolves with the analysis, or undefined when a newer job for the same
   * document replaced it or the worker failed.
   */
  analyze(uri: string, text: string, config: Config, rel: string): Promise<DetachedAnalysis | undefined> {
    return new Promise((done) => {
      this.drop(uri);
      this.waiting.set(uri, { uri, text, config, rel, done });
      this.next();
    });
  }

  /** Drops the jobs of a document (closed, or its current version needs none). */
  forget(uri: string): void {
    this.drop(uri);
    this.next();
  }

  private drop(uri: string): void {
    this.waiting.get(uri)?.done(undefined);
    this.waiting.delete(uri);
    if (this.running?.uri === uri) this.cancelRunning();
  }

  /** The running job ended with `result`: hand it over and start the next. */
  private finish(result: DetachedAnalysis | undefined): void {
    const job = this.running;
    this.running = undefined;
    job?.done(result);
    this.next();
  }

  dispose(): void {
    clearTimeout(this.idle);
    for (const job of this.waiting.values()) job.done(undefined);
    this.waiting.clear();
    this.cancelRunning();
  }

  private cancelRunning(): void {
    const job = this.running;
    this.running = undefined;
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate();
    }
    job?.done(undefined);
  }

  private next(): void {
    if (this.running) return;
    clearTimeout(this.idle);
    const job = this.waiting.values().next().value as Job | undefined;
    if (!job) {
      if (this.worker) this.idle = setTimeout(() => this.cancelRunning(), IDLE_MS).unref();
      return;
    }
    this.waiting.delete(job.uri);
    this.running = job;
    const w = (this.worker ??= this.spawn());
    w.postMessage({ uri: job.uri, text: job.text, config: job.config, rel: job.rel });
  }

  private spawn(): Worker {
    const w = new Worker(__filename, { workerData: { ismsAnalyzer: true } });
    w.on('message', (m: { result?: DetachedAnalysis; error?: string }) => {
      if (m.error) this.onError(m.error);
      this.finish(m.result);
    });
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.onError(`isms: analysis worker ${why}`);
      this.finish(undefined);
    };
    w.on('error', (e) => fail(`failed: ${e.stack ?? e}`));
    w.on('exit', (code) => fail(`exited with code ${code}`));
    w.unref();
    return w;
  }
}

// Loaded as the worker thread of an Offloader: analyse each job and send the result back.
if (!isMainThread && (workerData as { ismsAnalyzer?: boolean } | null)?.ismsAnalyzer) {
  parentPort!.on('message', (job: { uri: string; text: string; config: Config; rel: string }) => {
    try {
      parentPort!.postMessage({ result: analyzeDetached({ uri: job.uri, text: job.text }, job.config, job.rel) });
    } catch (e) {
      parentPort!.postMessage({ error: `isms: analysis failed for ${job.uri}: ${(e as Error).stack ?? e}` });
    }
  });
}
