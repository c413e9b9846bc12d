// Preloaded with `node -r` into the CLI run of the workspace figure: on exit, writes the process's peak
// resident set size (KiB, from getrusage) to the file named by BENCH_RSS_FILE.
'use strict';
const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS)));
