import { startServer } from './server';

// With --stdio the server writes stdout synchronously, as language servers in other runtimes do
// (rust-analyzer, gopls, clangd). Node makes pipe writes asynchronous on POSIX: the rest of a large
// message (the diagnostics of a 2,000-identity inventory are 0.5 MB, eight pipe buffers) then waited
// for whatever the server did next, a GC pause or the next check. Node does the same for TTYs
// (tty.WriteStream) and for pipes on Windows. Stdin stays asynchronous.
if (process.argv.includes('--stdio') && process.platform !== 'win32') {
  (process.stdout as unknown as { _handle?: { setBlocking?(blocking: boolean): number } })._handle?.setBlocking?.(true);
}

startServer();
