// Preloaded with `node -r` into the CLI runs of the workspace figures: on exit, writes the process's peak
// resident set size (KiB, from getrusage) to the file named by BENCH_RSS_FILE, and its CPU time (user and system,
// microseconds, all threads) to the file named by BENCH_CPU_FILE.
'use strict';
const file = process.env.BENCH_RSS_FILE;
const cpu = process.env.BENCH_CPU_FILE;
if (file || cpu)
  process.on('exit', () => {
    const u = process.resourceUsage();
    if (file) require('node:fs').writeFileSync(file, String(u.maxRSS));
    if (cpu) require('node:fs').writeFileSync(cpu, `${u.userCPUTime} ${u.systemCPUTime}`);
  });
