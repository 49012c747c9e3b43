import { Observable } from 'rxjs';
import type { Observer, Subscriber } from 'rxjs';
import type { PoolOptions, Progress } from '../types';
import { QueueFeed } from './feeds';
import type { Feed } from './pool';
import { Pool, scheduleDeadline, timeoutError } from './pool';
import { checkBoolean, checkConcurrency, checkDuration, checkFunction, checkOptions } from './validate';

const POOL_OPTIONS = ['concurrency', 'timeout', 'returnExceptions', 'onProgress'] as const;

export interface ParsedPoolOptions {
  readonly concurrency: number;
  readonly timeout: number | undefined;
  readonly returnExceptions: boolean;
  readonly onProgress: ((progress: Progress) => void) | undefined;
}

/** Validates the options of gather, asCompleted and their operators at call time. */
export function parsePoolOptions(fn: string, options: PoolOptions | undefined): ParsedPoolOptions {
  const o = checkOptions(fn, options, POOL_OPTIONS);
  return {
    concurrency: o.concurrency === undefined ? Infinity : checkConcurrency(fn, 'options.concurrency', o.concurrency),
    timeout: o.timeout === undefined ? undefined : checkDuration(fn, 'options.timeout', o.timeout),
    returnExceptions: o.returnExceptions === undefined ? false : checkBoolean(fn, 'options.returnExceptions', o.returnExceptions),
    onProgress: o.onProgress === undefined ? undefined : checkFunction(fn, 'options.onProgress', o.onProgress),
  };
}

/**
 * gather's engine: collects every result by index and emits them once all have settled.
 * The first failure fails the run (unless `returnExceptions`), and the teardown that
 * follows unsubscribes every input still running.
 */
export function runGather(fn: string, subscriber: Subscriber<unknown>, options: ParsedPoolOptions, feed: Feed, finish: (results: unknown[]) => unknown): Pool {
  const results: unknown[] = feed.total === undefined ? [] : new Array<unknown>(feed.total);
  return startPool(fn, subscriber, options, feed, {
    settle: (index, ok, value) => {
      if (ok || options.returnExceptions) results[index] = value;
      else subscriber.error(value);
    },
    drain: (count) => {
      results.length = count;
      subscriber.next(finish(results));
      subscriber.complete();
    },
  });
}

/** asCompleted's engine: emits each result as its input settles. */
export function runAsCompleted(fn: string, subscriber: Subscriber<unknown>, options: ParsedPoolOptions, feed: Feed): Pool {
  return startPool(fn, subscriber, options, feed, {
    settle: (_index, ok, value) => {
      if (ok || options.returnExceptions) subscriber.next(value);
      else subscriber.error(value);
    },
    drain: () => subscriber.complete(),
  });
}

function startPool(fn: string, subscriber: Subscriber<unknown>, options: ParsedPoolOptions, feed: Feed, handlers: ConstructorParameters<typeof Pool>[4]): Pool {
  const pool = new Pool(fn, options.concurrency, feed, subscriber, handlers, options.onProgress);
  const deadline = scheduleDeadline(options.timeout, () => subscriber.error(timeoutError(`${fn}: timed out after ${options.timeout} ms`)));
  subscriber.add(() => {
    deadline?.unsubscribe();
    pool.close();
  });
  return pool;
}

/**
 * Subscribes an operator's source, tied to the operator's subscriber: when that one is
 * torn down, the source is unsubscribed at once, even in the middle of a synchronous
 * emission (so `from(generator)` stops pulling as soon as the run has ended).
 */
export function subscribeSource<T>(source: Observable<T>, subscriber: Subscriber<unknown>, observer: Partial<Observer<T>>): void {
  let sourceSubscriber: Subscriber<T> | undefined;
  subscriber.add(() => sourceSubscriber?.unsubscribe());
  new Observable<T>((s) => {
    sourceSubscriber = s;
    return source.subscribe(s);
  }).subscribe(observer);
}

/**
 * Connects an operator's source to a pool through a queue: each value is queued and
 * the pool pumped; completion lets the pool drain; an error fails the run.
 */
export function feedFromSource(fn: string, source: Observable<unknown>, subscriber: Subscriber<unknown>, run: (feed: QueueFeed) => Pool): void {
  const feed = new QueueFeed(fn);
  const pool = run(feed);
  subscribeSource(source, subscriber, {
    next: (value) => {
      try {
        feed.push(value);
      } catch (err) {
        subscriber.error(err);
        return;
      }
      pool.pump();
    },
    error: (err: unknown) => subscriber.error(err),
    complete: () => {
      feed.ended = true;
      pool.pump();
    },
  });
}
