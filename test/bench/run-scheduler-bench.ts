// Run alone: node --expose-gc --import tsx test/bench/run-scheduler-bench.ts
import { runSchedulerBenches } from './scheduler-bench.js';

for (const result of await runSchedulerBenches()) console.log(JSON.stringify(result));
