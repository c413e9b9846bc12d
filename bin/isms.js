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
