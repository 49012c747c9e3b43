/**
 * A worker process of the multi-process specs (bundled and forked by workers.ts):
 * one ioredis client, one Redis limiter, and jobs that report their start and end to the
 * test's counter server (counterServer.ts). The test drives it over IPC; every message
 * it sends back says what happened, and when.
 */
import { createHook } from 'node:async_hooks';
import * as net from 'node:net';
import Redis from 'ioredis';
import { Observable } from 'rxjs';
import type { Subscription } from 'rxjs';
import { LimiterUnavailableError, RedisRateLimiter, RedisSemaphore } from '../../lib/redis';
import { FOREVER } from './protocol';
import type { FromWorker, ToWorker } from './protocol';

/**
 * The timers of this process that are alive, with where each was made: what a worker
 * that does not exit after `close` prints (async_hooks).
 */
const timers = new Map<number, { timer: { hasRef?: () => boolean }; stack: string }>();
createHook({
  init(id, type, _trigger, resource) {
    if (type === 'Timeout')
      timers.set(id, { timer: resource as { hasRef?: () => boolean }, stack: new Error('made').stack!.split('\n').slice(2, 30).join('\n') });
  },
  destroy(id) {
    timers.delete(id);
  },
}).enable();

const send = (message: FromWorker): void => {
  process.send!(message);
};

/** The connection to the counter server: one line per report, answered in order. */
class Counter {
  private readonly socket: net.Socket;
  private readonly answers: (() => void)[] = [];
  private buffered = '';

  constructor(
    port: number,
    private readonly worker: string,
  ) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => {
      this.buffered += chunk.toString('latin1');
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        this.buffered = this.buffered.slice(newline + 1);
        this.answers.shift()?.();
      }
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  /** Reports, and resolves once the server has counted it. */
  report(kind: 'start' | 'end', job: string): Promise<void> {
    return new Promise((resolve) => {
      this.answers.push(resolve);
      this.socket.write(`${kind} ${this.worker} ${job}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

let counter: Counter;
let redis: Redis;
let limiter: RedisSemaphore | RedisRateLimiter;
let stopping = false;
const running = new Set<Subscription>();

/**
 * A job: reports its start (and waits for the ok), works `ms`, reports its end (and
 * waits for the ok), then emits its name and completes. Unsubscribed before that, it
 * reports its end at teardown.
 */
function job(name: string, ms: number): Observable<string> {
  return new Observable<string>((subscriber) => {
    let reported = false;
    let work: NodeJS.Timeout | undefined;
    void counter.report('start', name).then(() => {
      if (subscriber.closed || ms === FOREVER) return;
      work = setTimeout(() => {
        reported = true;
        void counter.report('end', name).then(() => {
          subscriber.next(name);
          subscriber.complete();
        });
      }, ms);
    });
    return () => {
      clearTimeout(work);
      if (!reported) void counter.report('end', name);
    };
  });
}

function failure(name: string, err: unknown): FromWorker {
  const error = err as { name?: string; message?: string; cause?: unknown };
  return { type: 'failed', job: name, error: String(error?.name), message: String(error?.message), causeIsError: error?.cause instanceof Error };
}

/** Runs one job under the limiter and says how it ended; resolves with its error (undefined if it completed). */
function runOne(name: string, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    let ended = false;
    const subscription = limiter
      .run(() => job(name, ms))
      .subscribe({
        complete: () => {
          ended = true;
          send({ type: 'done', job: name });
          resolve(undefined);
        },
        error: (err: unknown) => {
          ended = true;
          send(failure(name, err));
          resolve(err);
        },
      });
    // Until it ends, `stop` and `close` may unsubscribe it.
    if (!ended) {
      running.add(subscription);
      subscription.add(() => running.delete(subscription));
    }
  });
}

/** Resolves once the client is ready (at once if it is). */
function ready(): Promise<void> {
  return redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('ready', () => resolve()));
}

async function loop(prefix: string, ms: number): Promise<void> {
  for (let i = 0; !stopping; i++) {
    const error = await runOne(`${prefix}${i}`, ms);
    // Redis is away: try again once the client says it is back (an event, not a timer).
    if (error instanceof LimiterUnavailableError && !stopping) await ready();
  }
}

process.on('message', (message: ToWorker) => {
  void handle(message).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      counter = new Counter(message.counterPort, message.name);
      redis = new Redis({ host: '127.0.0.1', port: message.redisPort, retryStrategy: () => 20 });
      redis.on('error', () => undefined);
      const config = message.limiter;
      limiter =
        config.kind === 'semaphore'
          ? new RedisSemaphore({ redis, key: config.key, permits: config.permits, leaseMs: config.leaseMs })
          : new RedisRateLimiter({ redis, key: config.key, count: config.count, interval: config.interval });
      await Promise.all([counter.connected(), ready()]);
      send({ type: 'ready' });
      return;
    }
    case 'jobs':
      for (let i = 0; i < message.count; i++) void runOne(`${message.prefix}${i}`, message.ms);
      return;
    case 'enqueue': {
      void runOne(message.job, message.ms);
      // Sent after the acquire on the same connection, so Redis has the waiter by then.
      limiter.counts().subscribe(({ waiting }) => send({ type: 'queued', job: message.job, waiting }));
      return;
    }
    case 'loop':
      stopping = false;
      for (let i = 0; i < message.loops; i++) void loop(`${message.prefix}${i}.`, message.ms);
      return;
    case 'stop':
      stopping = true;
      for (const subscription of [...running]) subscription.unsubscribe();
      running.clear();
      return;
    case 'close': {
      stopping = true;
      for (const subscription of [...running]) subscription.unsubscribe();
      await limiter.close();
      await redis.quit();
      counter.close();
      send({ type: 'closed' });
      // With IPC gone too, the process ends on its own unless something of ours is left
      // (a timer, a socket): the test waits for that exit. A third-party socket may take
      // a moment to finish closing; past 5 s, what holds the process is printed, and it
      // exits with 3. (This timer is unref'd: it never holds the process itself.)
      setTimeout(() => {
        const held = [...timers.values()].filter(({ timer }) => timer.hasRef?.() === true).map(({ stack }) => stack);
        console.error(`worker: still running 5 s after close, held by ${process.getActiveResourcesInfo().join(', ')}; timers made at:\n${held.join('\n--\n')}`);
        process.exit(3);
      }, 5_000).unref();
      process.disconnect();
      return;
    }
  }
}
