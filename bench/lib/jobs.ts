/**
 * What the scenarios share: the jobs they run, the checks of their results, and the
 * subscribers that collect results (class observers: the same for every contender, and
 * the cheapest way to subscribe).
 */
import { defer, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { Probe } from './scenario';

export type Job = () => Promise<number>;

export interface SizeParams {
  /** Inputs. */
  readonly n: number;
}

/** `n` factories `() => Promise.resolve(i)`. */
export function makeJobs(n: number): Job[] {
  const jobs = new Array<Job>(n);
  for (let i = 0; i < n; i++) jobs[i] = () => Promise.resolve(i);
  return jobs;
}

/** The same jobs, made one at a time as a generator is pulled. */
export function* generateJobs(n: number): Generator<Job> {
  for (let i = 0; i < n; i++) yield () => Promise.resolve(i);
}

/** The kinds of Observable input: asynchronous (`defer(() => Promise.resolve(i))`, as real requests are) or synchronous (`of(i)`). */
export type ObservableKind = 'defer' | 'of';

/** `n` Observables of one kind, the i-th emitting `i`. */
export function makeObservables(kind: ObservableKind, n: number): Observable<number>[] {
  const inputs = new Array<Observable<number>>(n);
  for (let i = 0; i < n; i++) inputs[i] = kind === 'of' ? of(i) : defer(() => Promise.resolve(i));
  return inputs;
}

/**
 * The floor for a bounded fan-out, written by hand: `concurrency` async workers, each
 * taking the next input when its last one has settled; `each(index, value)` as each
 * result arrives. No cancellation, no error handling beyond rejecting: what a library
 * adds over this is what the bench weighs.
 */
export async function workerPool<I>(
  inputs: readonly I[],
  concurrency: number,
  call: (input: I) => Promise<number>,
  each: (index: number, value: number) => void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const index = next++;
      each(index, await call(inputs[index]!));
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(concurrency, inputs.length); w++) workers.push(worker());
  await Promise.all(workers);
}

/** An ordered result's check: every `values[i]` must be `i`. */
export interface OrderedCheck {
  readonly n: number;
  readonly misplaced: number;
}

export function checkOrdered(values: readonly unknown[]): OrderedCheck {
  let misplaced = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== i) misplaced++;
  return { n: values.length, misplaced };
}

/** An unordered result's check (completion order may differ between contenders). */
export interface CountCheck {
  readonly n: number;
  readonly sum: number;
}

export const sumBelow = (n: number): CountCheck => ({ n, sum: (n * (n - 1)) / 2 });

/**
 * The one value of an Observable (gather, forkJoin, toArray), as a Promise. A class
 * observer, not an `{ next, error }` literal: the same for every contender, and the
 * cheapest (under tsx, `BENCH_TSX=1`, a literal's arrows also pay esbuild's `keepNames`).
 */
class Single<T> {
  value: T | undefined;
  constructor(
    private readonly resolve: (value: T) => void,
    readonly error: (err: unknown) => void,
  ) {}
  next(value: T): void {
    this.value = value;
  }
  complete(): void {
    this.resolve(this.value as T);
  }
}

export function single<T>(source: Observable<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    source.subscribe(new Single<T>(resolve, reject));
  });
}

/** Counts and sums a stream of numbers, ticking the probe once per value. */
class Summer {
  n = 0;
  sum = 0;
  constructor(
    private readonly probe: Probe,
    private readonly resolve: (check: CountCheck) => void,
    readonly error: (err: unknown) => void,
  ) {}
  next(value: number): void {
    this.n++;
    this.sum += value;
    this.probe.tick();
  }
  complete(): void {
    this.resolve({ n: this.n, sum: this.sum });
  }
}

export function countAndSum(source: Observable<number>, probe: Probe): Promise<CountCheck> {
  return new Promise<CountCheck>((resolve, reject) => {
    source.subscribe(new Summer(probe, resolve, reject));
  });
}

/** Collects a stream into an array (what `toArray()` does), ticking the probe once per value. */
class Collector {
  readonly values: unknown[] = [];
  constructor(
    private readonly probe: Probe,
    private readonly resolve: (values: unknown[]) => void,
    readonly error: (err: unknown) => void,
  ) {}
  next(value: unknown): void {
    this.values.push(value);
    this.probe.tick();
  }
  complete(): void {
    this.resolve(this.values);
  }
}

export function collect(source: Observable<unknown>, probe: Probe): Promise<unknown[]> {
  return new Promise<unknown[]>((resolve, reject) => {
    source.subscribe(new Collector(probe, resolve, reject));
  });
}

/** `import('effect')` (Effect's runtime: `Effect.forEach` with `concurrency`). */
export function loadEffect() {
  return import('effect');
}

/** `import('p-map')` (ESM-only; the type is inferred from the import). */
export function loadPMap() {
  return import('p-map');
}
