/** `isms lsp --stdio`: the language server, for any LSP editor. */
import { serveWithNodeOptions } from '../../node/node-options';
import { UsageError, type Command } from '../args';

export const lsp: Command = {
  name: 'lsp',
  synopsis: 'lsp --stdio',
  summary: 'start the language server (for any LSP editor)',
  usage: ['lsp --stdio', 'lsp --node-ipc | --socket <port> | --pipe <name>'],
  description: [
    'Runs the ISMS language server (the one the VS Code extension starts) until the client exits. Editors',
    'other than VS Code start it with --stdio; stdout is then written in blocking mode. It runs with the heap',
    'sizing the VS Code extension starts it with (--max-semi-space-size=4 --heap-growing-percent=50, which keep',
    'its memory near its live data), in one process: when this Node process lacks the options, it replaces',
    'itself with Node started with them where Node can (22.15 and later, not on Windows), and otherwise applies',
    'them as it runs. A flag already set (command line or NODE_OPTIONS) is left as it is.',
  ],
  options: {
    stdio: { type: 'boolean', description: 'speak LSP over stdin and stdout' },
    'node-ipc': { type: 'boolean', description: "speak LSP over Node's IPC channel (when started by a Node process with an IPC channel)" },
    socket: { type: 'string', value: '<port>', description: 'speak LSP over a socket on this port' },
    pipe: { type: 'string', value: '<name>', description: 'speak LSP over this named pipe' },
    clientProcessId: { type: 'string', value: '<pid>', description: 'exit when this process (the editor) has ended' },
  },
  exitCodes: 'Exit codes: 0 on exit after a shutdown request, 1 on exit without one or when the editor process\nended, 2 usage error.',
  run(args) {
    if (args.positionals.length) throw new UsageError(`lsp takes no arguments, not '${args.positionals[0]}'`, 'lsp');
    const v = args.values;
    if (!v.stdio && !v['node-ipc'] && v.socket === undefined && v.pipe === undefined) throw new UsageError('lsp needs a transport: --stdio, --node-ipc, --socket <port> or --pipe <name>', 'lsp');
    serveWithNodeOptions(); // (bin/isms.js did it already, before it loaded the CLI; once per process)
    // Loaded only here: the protocol library is not needed for the other commands. The server reads the
    // transport from process.argv itself.
    const server = require('../../lsp/server') as typeof import('../../lsp/server');
    server.blockingStdout();
    server.startServer();
    return new Promise<number>(() => undefined);
  },
};
