/**
 * Semaphore vs p-limit: 100,000 promise-returning jobs, 100 at a time.
 *
 * Each job is `() => Promise.resolve(i)` (built in `prepare`, unmeasured, the same for
 * every contender; each job ticks the probe when called, so both sides pay the same).
 * Semaphore: every job is `semaphore.run(job)`, subscribed at once (so 99,900 wait in
 * its queue), results stored by index. p-limit: `Promise.all` over `limit(job)`. Each
 * run checks that every position holds its index. A fresh Semaphore or `pLimit` per run.
 *
 * The Semaphore runs twice: with a class observer, and with the `{ next, complete }`
 * literal that most code would write (see `Collect`).
 *
 * (This was bench/semaphore.ts, a standalone script; it is now a scenario of the runner.)
 */
import { Semaphore } from '../../lib';
import { checkOrdered } from '../lib/jobs';
import { defineScenario } from '../lib/scenario';
import type { Probe } from '../lib/scenario';

type Job = () => Promise<number>;

interface SizeParams {
  /** Jobs. */
  readonly n: number;
}

const CONCURRENCY = 100;

/** `n` jobs `() => Promise.resolve(i)`, each ticking the probe when it is called. */
function makeTickingJobs(n: number, probe: Probe): Job[] {
  const jobs = new Array<Job>(n);
  for (let i = 0; i < n; i++) {
    jobs[i] = () => {
      probe.tick();
      return Promise.resolve(i);
    };
  }
  return jobs;
}

/** What the Semaphore contenders' observers share: the results, and how many jobs completed. */
interface Batch {
  readonly results: number[];
  completed: number;
  readonly resolve: (results: number[]) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Collects one job's result: a class observer, one small object per job, the cheapest
 * way to subscribe. The `Semaphore, literal` contender subscribes with the
 * `{ next, error, complete }` literal most code would write (three closures per job).
 * Under tsx the literal cost 2.4x more, from esbuild's `keepNames` wrappers; the bench
 * now runs compiled code without them (bench/lib/compile.ts), as users do.
 */
class Collect {
  constructor(
    private readonly batch: Batch,
    private readonly index: number,
  ) {}
  next(value: number): void {
    this.batch.results[this.index] = value;
  }
  error(err: unknown): void {
    this.batch.reject(err);
  }
  complete(): void {
    const batch = this.batch;
    if (++batch.completed === batch.results.length) batch.resolve(batch.results);
  }
}

function semaphoreJobs(jobs: readonly Job[]): Promise<number[]> {
  const semaphore = new Semaphore(CONCURRENCY);
  return new Promise((resolve, reject) => {
    const batch: Batch = { results: new Array<number>(jobs.length), completed: 0, resolve, reject };
    for (let i = 0; i < jobs.length; i++) semaphore.run(jobs[i]!).subscribe(new Collect(batch, i));
  });
}

/** The same with the `{ next, error, complete }` literal most code would write. */
function semaphoreJobsLiteral(jobs: readonly Job[]): Promise<number[]> {
  const semaphore = new Semaphore(CONCURRENCY);
  const results = new Array<number>(jobs.length);
  return new Promise((resolve, reject) => {
    let completed = 0;
    for (let i = 0; i < jobs.length; i++) {
      semaphore.run(jobs[i]!).subscribe({
        next: (value) => (results[i] = value),
        error: reject,
        complete: () => {
          if (++completed === jobs.length) resolve(results);
        },
      });
    }
  });
}

export default defineScenario<SizeParams>({
  title: 'Semaphore(100) vs p-limit(100) over promise-returning jobs (100,000 in a full run)',
  description:
    "Each job is `() => Promise.resolve(i)`; 100 run at a time, the rest wait in the limiter's queue; results are stored by index " +
    'and checked position by position. The reference is p-limit 7 (`Promise.all(jobs.map((job) => limit(job)))`). ' +
    "Target: Semaphore(100) at least p-limit's throughput, i.e. its × ref at most 1.00×. " +
    '`Semaphore, literal` subscribes with an `{ next, error, complete }` literal (three closures per job) instead of a class observer.',
  params: { full: { n: 100_000 }, quick: { n: 20_000 } },
  expected: ({ n }) => ({ n, misplaced: 0 }),
  ticks: ({ n }) => n,
  budgetMs: { full: 10_000, quick: 5_000 },
  contenders: [
    {
      name: 'Semaphore(100)',
      note: 'rxjs-asyncio: `semaphore.run(job).subscribe(new Collect(...))` for every job, subscribed at once (a class observer)',
      prepare: ({ n }, probe) => {
        const jobs = makeTickingJobs(n, probe);
        return { run: () => semaphoreJobs(jobs).then(checkOrdered) };
      },
    },
    {
      name: 'Semaphore, literal',
      note: 'the same with an observer literal `{ next: (v) => ..., error, complete: () => ... }`',
      prepare: ({ n }, probe) => {
        const jobs = makeTickingJobs(n, probe);
        return { run: () => semaphoreJobsLiteral(jobs).then(checkOrdered) };
      },
    },
    {
      name: 'p-limit(100)',
      reference: true,
      note: 'p-limit 7: `const limit = pLimit(100); Promise.all(jobs.map((job) => limit(job)))`',
      prepare: async ({ n }, probe) => {
        const { default: pLimit } = await import('p-limit');
        const jobs = makeTickingJobs(n, probe);
        return {
          run: () => {
            const limit = pLimit(CONCURRENCY);
            return Promise.all(jobs.map((job) => limit(job))).then(checkOrdered);
          },
        };
      },
    },
  ],
});
