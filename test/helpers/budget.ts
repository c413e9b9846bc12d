/**
 * Budgets of the "bounded time" guards (robustness tests): they catch a blow-up (exponential, quadratic on a
 * megabyte), never a slowdown, and must not fail because the shared machine is busy. A budget is scaled by the
 * load average per core when that is above 1 (a 2-core machine at load 10 runs each process about 5 times slower).
 * Speed itself is measured by bench/, never asserted.
 */
import * as os from 'node:os';

export function scaledBudget(ms: number): number {
  const perCore = os.loadavg()[0] / Math.max(1, os.cpus().length);
  return ms * Math.max(1, perCore);
}
