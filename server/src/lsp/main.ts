import { isMainThread } from 'node:worker_threads';
import { blockingStdout, startServer } from './server';

// (This bundle is also the analysis worker of lsp/offload.ts: a worker thread must not start a server.)
if (isMainThread) {
  blockingStdout();
  startServer();
}
