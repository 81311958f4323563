import 'reflect-metadata';
import { runBench } from './bench-runner';

let settled = false;

// A benchmark stuck on a promise nothing will ever settle lets the event loop drain, and Node
// would exit 0 as if the run had finished: say so and fail instead.
process.on('beforeExit', () => {
  if (settled) return;
  console.error('bench: the event loop drained while a benchmark was still pending (a promise that never settles); no results written');
  process.exit(1);
});

/** `npm run bench -- [--quick] [--only a,b] [--out file]`; exits 2 on bad arguments, never on a missed goal. */
runBench(process.argv.slice(2)).then(
  () => {
    settled = true;
    process.exit(0);
  },
  (error: unknown) => {
    settled = true;
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
