/**
 * The Node options the language server runs with, on every launch path. The VS Code client passes them as the server
 * process's execArgv. `isms lsp` (Neovim, Helix, any LSP editor) gets the same heap sizing when the process it runs in
 * does not carry them, without a second resident process: where Node has `process.execve` (22.15 and later, not on
 * Windows) the process replaces itself with Node started with them (same pid, same standard streams); elsewhere (Node
 * 20) they are applied in the running process (measured in bench/README.md, "Launch paths"):
 * - `--heap-growing-percent` is read by V8 at each collection: `v8.setFlagsFromString` sets it as the flag would;
 * - `--max-semi-space-size` sizes the young generation when V8 starts and does nothing later; the young generation
 *   starts at 1 MiB semi-spaces and doubles while much survives, so its growth is stopped (`--semi-space-growth-factor=1`,
 *   read at each growth) once it reaches the size the flag gives, seen by a garbage-collection observer.
 */
import * as v8 from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import serverNodeOptions from './server-node-options.json';

/** `--max-semi-space-size=4 --heap-growing-percent=50`: heap sizing that keeps the server's peak near its live data. */
export const SERVER_NODE_OPTIONS: readonly string[] = serverNodeOptions.execArgv;

/**
 * Set in the environment of a process started again with the options (execve), so that it never starts another one;
 * set by hand (any value), `isms lsp` runs as it was started, with nothing added (the bench's `--bare-cli` path).
 */
export const RELAUNCHED_ENV = 'ISMS_LSP_RELAUNCHED';

const flagName = (o: string) => o.split('=')[0].replace(/_/g, '-');

/**
 * The options of {@link SERVER_NODE_OPTIONS} whose flag is set neither in `execArgv` nor in `NODE_OPTIONS`
 * (a flag the user set, to any value, is theirs: it is not added again).
 */
export function missingNodeOptions(execArgv: readonly string[], nodeOptions = ''): string[] {
  const present = new Set([...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)].map(flagName));
  return SERVER_NODE_OPTIONS.filter((o) => !present.has(flagName(o)));
}

/** What of `process` {@link serveWithNodeOptions} uses (tests pass their own). */
export interface ProcessLike {
  execPath: string;
  execArgv: readonly string[];
  env: Record<string, string | undefined>;
  platform: string;
  execve?: (file: string, args: string[], env: Record<string, string | undefined>) => void;
}

/**
 * How `isms lsp` runs with the server's options: `present` (the process has them all, or it was started again with
 * them), `skipped` ({@link RELAUNCHED_ENV} set, or the help is asked for), `in-process` (the missing ones applied to
 * this process: {@link applyInProcess}). With `process.execve`, this process is replaced by Node started with the
 * missing options and the same arguments, and the function does not return (when execve fails, it applies them in
 * process). Not with `--node-ipc`: its channel is not handed on by execve; the options are applied in process.
 */
export function serveWithNodeOptions(argv: readonly string[] = process.argv, proc: ProcessLike = process): 'present' | 'skipped' | 'in-process' {
  if (proc.env[RELAUNCHED_ENV] || !argv[1] || argv.includes('--help') || argv.includes('-h')) return proc.env[RELAUNCHED_ENV] === EXECVE_MARK ? 'present' : 'skipped';
  if ((globalThis as Record<symbol, unknown>)[APPLIED]) return 'in-process';
  const missing = missingNodeOptions(proc.execArgv, proc.env.NODE_OPTIONS);
  if (!missing.length) return 'present';
  if (typeof proc.execve === 'function' && proc.platform !== 'win32' && !argv.includes('--node-ipc')) {
    try {
      proc.execve(proc.execPath, [proc.execPath, ...missing, ...proc.execArgv, ...argv.slice(1)], { ...proc.env, [RELAUNCHED_ENV]: EXECVE_MARK });
    } catch {
      // (execve failed: this process runs on, as it was; the options are applied in it.)
    }
  }
  applyInProcess(missing);
  return 'in-process';
}

/** The value of {@link RELAUNCHED_ENV} in a process that replaced itself with the options (execve). */
const EXECVE_MARK = 'execve';
/** Marks this process (both bundles that may call serveWithNodeOptions: bin/isms.js's and the CLI's) as done. */
const APPLIED = Symbol.for('isms.lsp.nodeOptionsApplied');

/**
 * Applies Node options to the running process as far as V8 allows: `--max-semi-space-size=N` as a cap on the young
 * generation's growth ({@link capYoungGeneration}), every other V8 flag with `v8.setFlagsFromString`.
 */
export function applyInProcess(options: readonly string[]): void {
  (globalThis as Record<symbol, unknown>)[APPLIED] = true;
  for (const o of options) {
    const semi = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(o);
    if (semi) capYoungGeneration(Number(semi[1]));
    else v8.setFlagsFromString(o);
  }
}

/** The young generation's size (both semi-spaces), in bytes. */
function newSpaceSize(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stops the young generation's growth once its semi-spaces reach `mib` MiB (the new space then holds two of them):
 * V8 doubles them from 1 MiB while much of what is allocated survives (up to 16 MiB each on 64-bit Node), and reads
 * `--semi-space-growth-factor` at each growth. The observer runs after collections, between tasks: a burst of
 * allocation within one task can take the young generation one step further before it stops (bounded by V8's own
 * maximum, which is where it would be without this).
 */
export function capYoungGeneration(mib: number): void {
  const limit = 2 * mib * 1024 * 1024;
  const reached = () => {
    if (newSpaceSize() < limit) return false;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    return true;
  };
  if (reached()) return;
  const observer = new PerformanceObserver(() => {
    if (reached()) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
