/**
 * Semaphore vs p-limit: 100,000 promise-returning jobs, 100 at a time.
 *
 *   npx tsx bench/semaphore.ts [jobs] [runs]
 *
 * Each job is `() => Promise.resolve(i)`. Semaphore: every job is `semaphore.run(job)`,
 * subscribed at once (so 99,900 wait in the queue), results collected by index. p-limit:
 * `Promise.all` over `limit(job)`. Each is checked to return every result. They alternate
 * which goes first in each run, after one warm-up run each; medians are printed.
 *
 * The Semaphore runs twice: with a class observer, and with the `{ next, complete }`
 * literal that is more usual but that tsx makes costly (see `Collect`).
 */
import { performance } from 'node:perf_hooks';
import { Semaphore } from '../lib/semaphore';

const JOBS = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 9);
const CONCURRENCY = 100;

type Contender = { name: string; run: () => Promise<number[]> };

/**
 * Collects one job's result. A class rather than an `{ next, complete }` literal: tsx
 * compiles with esbuild's `keepNames`, which wraps every arrow function in an object
 * literal in `__name()` (an `Object.defineProperty` per closure, ~300 bytes each), a cost
 * the p-limit side does not pay and a `tsc`-compiled program would not either.
 */
class Collect {
  constructor(
    private readonly state: { results: number[]; completed: number; resolve: (results: number[]) => void; reject: (err: unknown) => void },
    private readonly index: number,
  ) {}
  next(value: number): void {
    this.state.results[this.index] = value;
  }
  error(err: unknown): void {
    this.state.reject(err);
  }
  complete(): void {
    if (++this.state.completed === JOBS) this.state.resolve(this.state.results);
  }
}

function semaphoreJobs(): Promise<number[]> {
  const semaphore = new Semaphore(CONCURRENCY);
  return new Promise((resolve, reject) => {
    const state = { results: new Array<number>(JOBS), completed: 0, resolve, reject };
    for (let i = 0; i < JOBS; i++) {
      semaphore.run(() => Promise.resolve(i)).subscribe(new Collect(state, i));
    }
  });
}

/** The same with the `{ next, complete }` literal most code would write (and tsx's `__name` cost). */
function semaphoreJobsLiteral(): Promise<number[]> {
  const semaphore = new Semaphore(CONCURRENCY);
  const results = new Array<number>(JOBS);
  return new Promise((resolve, reject) => {
    let completed = 0;
    for (let i = 0; i < JOBS; i++) {
      semaphore
        .run(() => Promise.resolve(i))
        .subscribe({
          next: (value) => (results[i] = value),
          error: reject,
          complete: () => {
            if (++completed === JOBS) resolve(results);
          },
        });
    }
  });
}

function check(name: string, results: number[]): void {
  if (results.length !== JOBS) throw new Error(`${name}: ${results.length} results, expected ${JOBS}`);
  for (let i = 0; i < JOBS; i++) {
    if (results[i] !== i) throw new Error(`${name}: results[${i}] is ${results[i]}`);
  }
}

async function time(contender: Contender): Promise<number> {
  const start = performance.now();
  const results = await contender.run();
  const elapsed = performance.now() - start;
  check(contender.name, results);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const { default: pLimit } = await import('p-limit');
  const contenders: Contender[] = [
    { name: 'Semaphore(100)', run: semaphoreJobs },
    { name: 'Semaphore, literal', run: semaphoreJobsLiteral },
    {
      name: 'p-limit(100)',
      run: () => {
        const limit = pLimit(CONCURRENCY);
        return Promise.all(Array.from({ length: JOBS }, (_, i) => limit(() => Promise.resolve(i))));
      },
    },
  ];

  console.log(`${JOBS.toLocaleString('en')} jobs () => Promise.resolve(i), concurrency ${CONCURRENCY}, ${RUNS} runs (+1 warm-up), Node ${process.version}`);
  for (const contender of contenders) await time(contender);

  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let run = 0; run < RUNS; run++) {
    // Alternate the order, so that neither side always runs on the heap the other left.
    const order = run % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) times.get(contender.name)!.push(await time(contender));
  }

  const medians = contenders.map((c) => median(times.get(c.name)!));
  for (const [i, contender] of contenders.entries()) {
    const ms = medians[i];
    const runs = times.get(contender.name)!.map((t) => t.toFixed(0)).join(' ');
    console.log(`${contender.name.padEnd(20)} median ${ms.toFixed(1).padStart(7)} ms  ${Math.round((JOBS / ms) * 1000).toLocaleString('en').padStart(11)} jobs/s   runs: ${runs}`);
  }
  const pLimitMedian = medians[contenders.length - 1];
  console.log(`throughput vs p-limit: Semaphore ${(pLimitMedian / medians[0]).toFixed(2)}x, with an observer literal under tsx ${(pLimitMedian / medians[1]).toFixed(2)}x`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
