/**
 * The Node options the language server runs with, on every launch path: the VS Code client passes them as the
 * server process's execArgv; `isms lsp` (Neovim, Helix, any LSP editor) starts Node once more with them when the
 * process it runs in does not carry them (they size V8's heap at start-up: `v8.setFlagsFromString` once running
 * changes the heap growing factor but not the young generation, measured in bench/README.md).
 */
import { spawn } from 'node:child_process';
import serverNodeOptions from './server-node-options.json';

/** `--max-semi-space-size=4 --heap-growing-percent=50`: heap sizing that keeps the server's peak near its live data. */
export const SERVER_NODE_OPTIONS: readonly string[] = serverNodeOptions.execArgv;

/** Set in the environment of the relaunched process, so that it never starts another one. */
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

/**
 * Runs this same command again in a Node process started with the server's options, when they are missing and it
 * can: stdin, stdout and stderr are the child's own (inherited: the protocol does not pass through this process),
 * SIGINT, SIGTERM and SIGHUP are forwarded, and the child's exit code is returned (128 + n after a signal n).
 * Returns undefined (the caller runs the server itself) when nothing is missing, when this process was itself
 * relaunched, when the transport is Node IPC (its channel cannot be handed on), or for the help.
 */
export function relaunchWithNodeOptions(argv: readonly string[] = process.argv): Promise<number> | undefined {
  if (process.env[RELAUNCHED_ENV] || !argv[1] || argv.includes('--node-ipc') || argv.includes('--help') || argv.includes('-h')) return undefined;
  const missing = missingNodeOptions(process.execArgv, process.env.NODE_OPTIONS);
  if (!missing.length) return undefined;
  const child = spawn(process.execPath, [...missing, ...process.execArgv, ...argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
  });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (s: NodeJS.Signals) => child.kill(s);
  for (const s of signals) process.on(s, forward);
  return new Promise<number>((resolve) => {
    const done = (code: number) => {
      for (const s of signals) process.off(s, forward);
      resolve(code);
    };
    child.on('error', () => done(1));
    child.on('exit', (code, signal) => {
      const n = signal ? ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0 : 0;
      done(code ?? 128 + n);
    });
  });
}
