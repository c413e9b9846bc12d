/**
 * The `isms` command: the same engine as the language server, over files on disk. One module per
 * command under commands/; this file holds the table of commands, the general help and the dispatch.
 *   isms check [paths] [--format text|json|sarif] [--today YYYY-MM-DD] [--config FILE]
 *   isms exceptions [paths] [--format md|csv|json] [--today YYYY-MM-DD] [--config FILE]
 *   isms discover [paths] [--format yaml|json] [--write FILE] [--config FILE]
 *   isms catalog show <id> | isms catalog search <words>
 *   isms lsp --stdio
 * Exit codes: 0 no errors, 1 errors found, 2 usage or configuration error, 3 a file could not be checked.
 *
 * This module is the entry of the bundle dist/cli.js, which is also what the check's worker threads run
 * (check-files.ts, imported through commands/check.ts, holds their entry).
 */
import { isMainThread } from 'node:worker_threads';
import { ruleMeta } from '../core/rules/registry';
import { UsageError, commandHelp, didYouMean, nameEdits, parseCommandArgs, table, type Command } from './args';
import { EXIT_CODES, VERSION, stdio, type Out } from './io';
import { check } from './commands/check';
import { catalog } from './commands/catalog';
import { lsp } from './commands/lsp';
import { coverageCommand } from './commands/coverage';
import { profileCommand, soaCommand, soc2Command } from './commands/deliverables';
import { newCommand } from './commands/new';
import { initCommand } from './commands/init';
import { exceptionsCommand } from './commands/exceptions';
import { discoverCommand } from './commands/discover';

const COMMANDS: readonly Command[] = [check, exceptionsCommand, discoverCommand, coverageCommand, soaCommand, profileCommand, soc2Command, newCommand, initCommand, catalog, lsp];

const byName = (name: string) => COMMANDS.find((c) => c.name === name);

function generalHelp(): string {
  return [
    'Usage: isms <command> [options]',
    '',
    'Control-aware checks of ISMS process documents (Markdown) and NHI inventories (YAML).',
    '',
    'Commands:',
    ...table([...COMMANDS.map((c) => [c.synopsis, c.summary]), ['help [command]', 'show the help of a command, or this help']]),
    '',
    'Options:',
    ...table([
      ['-h, --help', 'show this help'],
      ['-v, --version', 'print the version'],
    ]),
    '',
    EXIT_CODES,
    "Run 'isms help <command>' or 'isms <command> --help' for a command's options.",
  ].join('\n');
}

let pipesWatched = false;

/** `isms check ... | head`: the reader went away; stop writing, quietly, with the exit code set so far. */
function watchPipes(): void {
  if (pipesWatched) return;
  pipesWatched = true;
  const closed = (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  };
  process.stdout.on('error', closed);
  process.stderr.on('error', closed);
}

export async function main(argv: string[], io: Out = stdio): Promise<number> {
  if (io === stdio) watchPipes();
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`isms: ${e.message}\nRun 'isms ${e.command ? e.command + ' ' : ''}--help' for usage.`);
      return 2;
    }
    io.err(`isms: ${(e as Error).message}`);
    return 2;
  }
}

async function dispatch(argv: string[], io: Out): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(generalHelp());
    return 2;
  }
  if (first === '--version' || first === '-v') {
    io.out(VERSION);
    return 0;
  }
  if (first === '--help' || first === '-h') {
    io.out(generalHelp());
    return 0;
  }
  if (first === 'help') {
    const name = rest[0]; // (isms help catalog show: the help of catalog)
    io.out(name === undefined || name === 'help' ? generalHelp() : commandHelp(command(name)));
    return 0;
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'${didYouMean(first.replace(/^-+/, ''), ['help', 'version'], (c) => '--' + c)}`);
  const cmd = command(first);
  const args = parseCommandArgs(cmd.name, rest, cmd.options);
  if (args.help) {
    io.out(commandHelp(cmd));
    return 0;
  }
  return cmd.run(args, io);
}

/** The command named `name`, or a UsageError that suggests the nearest one. */
function command(name: string): Command {
  const cmd = byName(name);
  if (!cmd) throw new UsageError(`unknown command '${name}'${didYouMean(name, [...COMMANDS.map((c) => c.name), 'help'], undefined, nameEdits(name))}`);
  return cmd;
}

// Keep rule metadata reachable for tools that import the CLI bundle.
export { ruleMeta };

if (require.main === module && isMainThread) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
