#!/usr/bin/env node
'use strict';

// The `isms` command: a thin launcher for the bundled CLI (dist/cli.js, built by `npm run build`).
function loadCli() {
  try {
    return require('../dist/cli.js');
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli\.js/.test(String(err.message))) {
      console.error('isms: dist/cli.js is missing; run `npm run build` first.');
      return undefined;
    }
    throw err;
  }
}

// `isms lsp`: when this Node process lacks the language server's Node options, it replaces itself with Node started
// with them (process.execve, Node 22.15+) or applies them in process (dist/node-options.js, a small bundle), before
// the CLI's bundle is loaded. (The lsp command does the same when it is reached another way.)
if (process.argv[2] === 'lsp') {
  try {
    require('../dist/node-options.js').serveWithNodeOptions();
  } catch {
    // (a build without it: the lsp command applies them)
  }
}

const cli = loadCli();
if (!cli) {
  process.exitCode = 2;
} else {
  cli.main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`isms: ${err && err.stack ? err.stack : err}`);
      process.exitCode = 2;
    },
  );
}
