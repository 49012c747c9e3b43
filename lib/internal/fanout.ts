/**
 * The engine behind `gather`, `asCompleted` and their operators: a fan-out runs the
 * inputs of one subscription from a feed, at most `concurrency` at once, and reports
 * each outcome by index.
 */
import { Observable } from 'rxjs';
import type { Observer, Subscriber, Subscription, Unsubscribable } from 'rxjs';
import type { PoolOptions, Progress } from '../types';
import { captureContext, runInContext } from './context';
import type { Context } from './context';
import { endWithTimeout, startDeadline, timeoutError } from './deadline';
import type { Expiring } from './deadline';
import { startInput } from './input';
import type { InputRun, InputTarget } from './input';
import { DONE, SourceFeed, WAIT, countOf, feedOf, nameIn, sourceValueName } from './inputs';
import type { Feed, FeedOwner, InputList } from './inputs';
import { List } from './list';
import { checkBoolean, checkConcurrency, checkDuration, checkFunction, readOptions } from './validate';

const FANOUT_OPTIONS = ['concurrency', 'timeout', 'returnExceptions', 'onProgress'];

/** Checks the options of gather, asCompleted and their operators at call time. */
export function readFanoutOptions(fn: string, options: PoolOptions | undefined) {
  const o = readOptions(fn, 'options', options, FANOUT_OPTIONS);
  return {
    concurrency: o.concurrency === undefined ? Infinity : checkConcurrency(fn, 'options.concurrency', o.concurrency),
    timeout: o.timeout === undefined ? undefined : checkDuration(fn, 'options.timeout', o.timeout),
    returnExceptions: o.returnExceptions === undefined ? false : checkBoolean(fn, 'options.returnExceptions', o.returnExceptions),
    onProgress: o.onProgress === undefined ? undefined : checkFunction<(progress: Progress) => void>(fn, 'options.onProgress', o.onProgress),
  };
}

/** The options of gather, asCompleted and their operators, checked. */
export type FanoutOptions = Readonly<ReturnType<typeof readFanoutOptions>>;

/** What a fan-out does with results: gather keeps them for the end, asCompleted emits each. */
export interface Collect {
  /** Results by index, for gather; `undefined` for asCompleted, which emits each at once. */
  readonly results: unknown[] | undefined;
  /** gather's value, made from the results once every input has ended. */
  finish(results: unknown[]): unknown;
}

/** asCompleted's way of collecting: each result is emitted as it comes. */
export const EMIT_EACH: Collect = { results: undefined, finish: () => undefined };

/**
 * One subscription's fan-out. Per input the work is O(1): running inputs live in a
 * {@link List} linked through the inputs themselves, the fan-out itself is the target of
 * every input (no callback per input), and synchronous outcomes are absorbed by a
 * trampoline (`pumping`), so a million synchronous inputs neither recurse nor allocate
 * more than they must.
 *
 * Whichever way the run ends early (the first failure, the deadline, an unsubscribe),
 * the work is stopped first: running inputs are unsubscribed, newest first, and their
 * teardowns run, the feed is released (its unreached Promises marked handled), and only
 * then does the subscriber hear of the failure or the timeout.
 */
export class Fanout implements InputTarget, FeedOwner, Expiring, Unsubscribable {
  /** Inputs started and not yet ended. */
  private active = 0;
  /** Inputs taken from the feed so far; also the next input's index. */
  private taken = 0;
  /** Inputs ended, and how many of them failed. */
  private ended = 0;
  private failed = 0;
  /** The feed has said DONE. */
  private exhausted = false;
  /** Torn down, or finished: nothing more is started or reported. */
  private closed = false;
  /** Inside `pump`: outcomes that arrive now are picked up by the loop itself. */
  private pumping = false;
  /** The Observable inputs still running (a Promise cannot be stopped, and a synchronous input has ended). */
  private readonly running = new List<InputRun>();
  /** The async context of the subscription, for inputs started when another ends. */
  private readonly context: Context | undefined = captureContext();
  private readonly deadline: Subscription | undefined;
  /** Where the inputs come from. */
  private readonly feed: Feed;

  constructor(
    private readonly fn: string,
    private readonly options: FanoutOptions,
    private readonly subscriber: Subscriber<unknown>,
    private readonly collect: Collect,
    /** The number of inputs, when known up front. */
    private readonly count: number | undefined,
    /** How messages name input `index`. */
    readonly inputName: (index: number) => string,
    feed: (owner: FeedOwner) => Feed,
  ) {
    this.feed = feed(this);
    this.deadline = startDeadline(options.timeout, this);
    subscriber.add(this);
  }

  /** Starts inputs while there is room; call again whenever the feed may have more. */
  pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (!this.closed && !this.exhausted && this.active < this.options.concurrency) {
        const input = this.feed.pull();
        if (input === WAIT) break;
        if (input === DONE) {
          this.exhausted = true;
          break;
        }
        this.active++;
        startInput(this, this.taken++, input, this.fn);
      }
    } catch (err) {
      // The list itself failed (an iterator threw, or gave something that is not an input).
      this.pumping = false;
      this.fail(err);
      return;
    }
    this.pumping = false;
    if (this.exhausted && this.active === 0 && !this.closed) this.complete();
  }

  inputRunning(_index: number, run: InputRun): void {
    this.running.push(run);
  }

  inputEnded(index: number, ok: boolean, value: unknown): void {
    this.active--;
    if (this.closed) return;
    this.ended++;
    if (!ok) this.failed++;
    if (this.options.onProgress !== undefined) {
      try {
        this.options.onProgress({ done: this.ended, failed: this.failed, total: this.exhausted ? this.taken : this.count });
      } catch (err) {
        this.fail(err);
        return;
      }
    }
    if (!ok && !this.options.returnExceptions) {
      this.fail(value);
      return;
    }
    const { results } = this.collect;
    if (results !== undefined) results[index] = value;
    else this.subscriber.next(value);
    if (this.pumping) return;
    if (this.exhausted) {
      if (this.active === 0) this.complete();
      return;
    }
    // An input that ended on its own, later: the next ones start in the subscription's context.
    runInContext(this.context, pumpAgain, this);
  }

  feedFailed(err: unknown): void {
    this.fail(err);
  }

  /** The deadline passed (Expiring). */
  expire(): void {
    endWithTimeout(this.subscriber, this, timeoutError(`${this.fn}: timed out after ${this.options.timeout} ms`));
  }

  /** The first failure: the work stops, then the subscriber hears of it. */
  private fail(err: unknown): void {
    this.unsubscribe();
    this.subscriber.error(err);
  }

  private complete(): void {
    const { results } = this.collect;
    if (results !== undefined) {
      results.length = this.taken;
      this.subscriber.next(this.collect.finish(results));
    }
    this.closed = true;
    this.subscriber.complete();
  }

  /** Teardown: stops the deadline, every running input (newest first) and the feed. Idempotent. */
  unsubscribe(): void {
    const wasClosed = this.closed;
    this.closed = true;
    this.deadline?.unsubscribe();
    if (wasClosed && this.running.size === 0) return;
    // Newest first: an input queued for a shared permit (behind its older siblings)
    // leaves the queue before an older one gives its permit back, so no sibling is
    // started only to be cancelled.
    const runs = this.running.takeAll();
    for (let i = runs.length - 1; i >= 0; i--) runs[i]!.unsubscribe();
    if (!wasClosed) this.feed.release();
  }
}

function pumpAgain(this: Fanout): void {
  this.pump();
}

/**
 * Runs the inputs of `list` for one subscription of `fn` (gather, asCompleted): the
 * feed is pulled as room frees, and `collect` decides what happens to results.
 */
export function fanoutOver(fn: string, subscriber: Subscriber<unknown>, options: FanoutOptions, list: InputList, collect: Collect): void {
  new Fanout(
    fn,
    options,
    subscriber,
    collect,
    countOf(list),
    (index) => nameIn(list, index),
    (owner) => feedOf(fn, list, owner, options.concurrency),
  ).pump();
}

/**
 * Runs the inputs an operator's source emits (gatherAll, asCompletedAll): each value is
 * queued and the fan-out pumped; completion lets it finish; an error fails the run.
 */
export function fanoutOverSource(fn: string, source: Observable<unknown>, subscriber: Subscriber<unknown>, options: FanoutOptions, collect: Collect): void {
  const feed = new SourceFeed(fn);
  feedFromSource(source, subscriber, feed, new Fanout(fn, options, subscriber, collect, undefined, sourceValueName, () => feed));
}

/**
 * Feeds an operator's source to `consumer` (a fan-out, a watch) through `feed`: each
 * value is queued (a value that is not a task input fails the run) and the consumer
 * pumped; completion ends the feed; an error fails the run.
 */
export function feedFromSource(source: Observable<unknown>, subscriber: Subscriber<unknown>, feed: SourceFeed, consumer: FeedOwner): void {
  subscribeSource(source, subscriber, feed, {
    next: (value) => {
      try {
        feed.push(value);
      } catch (err) {
        consumer.feedFailed(err);
        return;
      }
      consumer.pump();
    },
    // The consumer stops its work (and the source) before the subscriber hears of it.
    error: (err: unknown) => consumer.feedFailed(err),
    complete: () => {
      feed.ended = true;
      consumer.pump();
    },
  });
}

/**
 * Subscribes an operator's source, held by its feed (whose `release()`, as the run
 * stops, unsubscribes it before a failure or a timeout is passed on) and tied to the
 * operator's subscriber: the source is unsubscribed at once, even in the middle of a
 * synchronous emission (so `from(generator)` stops pulling as soon as the run has ended).
 */
function subscribeSource<T>(source: Observable<T>, subscriber: Subscriber<unknown>, feed: SourceFeed, observer: Partial<Observer<T>>): void {
  subscriber.add(() => feed.source?.unsubscribe());
  new Observable<T>((s) => {
    feed.source = s;
    return source.subscribe(s);
  }).subscribe(observer);
}
