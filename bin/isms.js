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

// `isms lsp`: when this Node process lacks the language server's Node options, Node starts once more with them
// (dist/node-options.js, a small bundle), before the CLI's bundle is loaded here; this process only passes on the exit
// code. (The lsp command does the same when it is reached another way.)
function relaunchForLsp() {
  if (process.argv[2] !== 'lsp') return undefined;
  try {
    return require('../dist/node-options.js').relaunchWithNodeOptions();
  } catch {
    return undefined; // (a build without it: the lsp command relaunches)
  }
}

const relaunched = relaunchForLsp();
const cli = relaunched ? undefined : loadCli();
if (relaunched) {
  relaunched.then((code) => {
    process.exitCode = code;
  });
} else if (!cli) {
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
