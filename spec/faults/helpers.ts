import { EmptyError, Observable, TimeoutError, filter, map } from 'rxjs';
import { CancelledError, Semaphore } from '../../lib';
import { HttpStatusError, NetworkError, SessionClosedError, createSession } from '../../lib/http';
import type { ClientSession, SessionOptions } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin, HttpbinOptions } from '../../lib/testing';
import type { ChaosKind } from '../../lib/testing/httpbin';
import { closedPort } from '../http/helpers';
import { ResourceTracker } from '../testing/resources';

/**
 * The fault matrix's shared pieces: the routes (each a request and what it must end
 * with), a probe that records how each input ended, a scenario runner bounded by a
 * deadline, and a per-test fixture that proves nothing is left behind.
 *
 * Timing, made to hold on two shared cores under a load average of 12: an outcome
 * never depends on a race between a request that must succeed and a deadline. Requests
 * that must succeed run under the session's deadline (SESSION_TIMEOUT, seconds: it only
 * bounds the scenario); those that never answer (`/hang`, a 10 s slow body) carry a
 * short deadline of their own (FAULT_TIMEOUT, the request's `timeout` option), which
 * they always lose. A spec that proves the session's own deadline ends a hang uses a
 * short session timeout with nothing but hangs in it.
 */

/** The per-request deadline of every session in the matrix: far above any request that answers. */
export const SESSION_TIMEOUT = 5000;
/** The deadline of the requests that never answer in time (`config.timeout`). */
export const FAULT_TIMEOUT = 150;
/** The bound on any one scenario: above the slowest legitimate one, below jest's own timeout. */
export const SCENARIO_DEADLINE = 15_000;

/** An error class the matrix expects (rxjs's TimeoutError and EmptyError are constructors too). */
export type ErrorClass = abstract new (...args: never[]) => unknown;
export const ERROR_CLASSES: readonly ErrorClass[] = [
  NetworkError,
  TimeoutError as unknown as ErrorClass,
  HttpStatusError,
  SyntaxError,
  EmptyError as unknown as ErrorClass,
  CancelledError,
  SessionClosedError,
];

/** What an input must end with: a status (every input emits the status of its response), or an error of a class. */
export type Expected = number | ErrorClass;

/** The name of an expected outcome, for messages. */
export function nameOf(expected: Expected): string {
  if (typeof expected === 'number') return `status ${expected}`;
  // rxjs's error classes are made by createErrorClass: their constructors are named `...Impl`.
  if (expected === (TimeoutError as unknown)) return 'TimeoutError';
  if (expected === (EmptyError as unknown)) return 'EmptyError';
  return (expected as { name: string }).name;
}

export type Route =
  'ok' | 'json' | 'delay' | 'status-500' | 'status-503' | 'reset' | 'refused' | 'hang' | 'slow-body' | 'truncated-json' | 'malformed-json' | 'empty';

export interface RouteContext {
  readonly session: ClientSession;
  /** A URL on 127.0.0.1 where nothing listens. */
  readonly refusedUrl: string;
  /**
   * The `timeout` of the requests that never answer: FAULT_TIMEOUT by default;
   * `undefined` for the session's own; `Infinity` when something else (gather's
   * deadline, an unsubscribe) is to end them.
   */
  readonly faultTimeout?: number | undefined;
}

interface RouteSpec {
  /** The input: one request, emitting the response's status (or nothing, for 'empty'). */
  readonly make: (ctx: RouteContext) => Observable<number>;
  /** What it must end with, with or without raiseForStatus. */
  readonly expect: (raiseForStatus: boolean) => Expected;
}

/** The config of a request that never answers in time: its own short deadline (see RouteContext.faultTimeout). */
function faultConfig(ctx: RouteContext): { timeout?: number } {
  if (!('faultTimeout' in ctx)) return { timeout: FAULT_TIMEOUT };
  return ctx.faultTimeout === undefined ? {} : { timeout: ctx.faultTimeout };
}

const status = (source: Observable<{ status: number }>): Observable<number> => source.pipe(map((res) => res.status));

export const ROUTES: Readonly<Record<Route, RouteSpec>> = {
  ok: { make: ({ session }) => status(session.get('/get')), expect: () => 200 },
  json: { make: ({ session }) => session.json('/json').pipe(map(() => 200)), expect: () => 200 },
  delay: { make: ({ session }) => status(session.get('/delay/0.02')), expect: () => 200 },
  'status-500': { make: ({ session }) => status(session.get('/status/500')), expect: (raise) => (raise ? HttpStatusError : 500) },
  'status-503': { make: ({ session }) => status(session.post('/status/503', { a: 1 })), expect: (raise) => (raise ? HttpStatusError : 503) },
  reset: { make: ({ session }) => status(session.get('/reset')), expect: () => NetworkError },
  refused: { make: ({ session, refusedUrl }) => status(session.get(refusedUrl)), expect: () => NetworkError },
  hang: { make: (ctx) => status(ctx.session.get('/hang', faultConfig(ctx))), expect: () => TimeoutError as unknown as ErrorClass },
  'slow-body': { make: (ctx) => status(ctx.session.get('/slow-body/10', faultConfig(ctx))), expect: () => TimeoutError as unknown as ErrorClass },
  'truncated-json': { make: ({ session }) => status(session.get('/truncated-json')), expect: () => NetworkError },
  'malformed-json': { make: ({ session }) => session.json('/malformed-json').pipe(map(() => 200)), expect: () => SyntaxError },
  // A request that succeeds, but whose input completes without a value: gather's EmptyError.
  empty: { make: ({ session }) => status(session.get('/get')).pipe(filter(() => false)), expect: () => EmptyError as unknown as ErrorClass },
};

/**
 * The input of a `/chaos/:key` request through `session.json()` (so a malformed body
 * fails), emitting 200 once the body has parsed (a 5xx's empty body parses to null). A
 * hang or a slow body (known from the seed) carries FAULT_TIMEOUT, as in the matrix.
 */
export function chaosInput(ctx: RouteContext, key: string, fault: ChaosKind | undefined): Observable<number> {
  const config = fault === 'hang' || fault === 'slow-body' ? faultConfig(ctx) : {};
  return ctx.session.json(`/chaos/${key}`, config).pipe(map(() => 200));
}

/** What the chaosInput of a key must end with, given the key's fault. */
export function chaosExpected(fault: ChaosKind | undefined, raiseForStatus: boolean): Expected {
  switch (fault) {
    case undefined:
      return 200;
    case 'reset':
    case 'truncated-json':
      return NetworkError;
    case 'hang':
    case 'slow-body':
      return TimeoutError as unknown as ErrorClass;
    case 'status-5xx':
      // session.json() of an empty 5xx body is null: a value, unless raiseForStatus.
      return raiseForStatus ? HttpStatusError : 200;
    case 'malformed-json':
      return SyntaxError;
  }
}

/** Checks that `actual` (a status or a thrown value) is what was expected, naming the input on failure. */
export function expectOutcome(what: string, actual: { ok: true; value: unknown } | { ok: false; error: unknown }, expected: Expected): void {
  if (typeof expected === 'number') {
    if (!actual.ok) throw new Error(`${what}: expected ${nameOf(expected)}, got ${describeError(actual.error)}`);
    expect(actual.value).toBe(expected);
    return;
  }
  if (actual.ok) throw new Error(`${what}: expected ${nameOf(expected)}, got the value ${String(actual.value)}`);
  if (!(actual.error instanceof expected)) throw new Error(`${what}: expected ${nameOf(expected)}, got ${describeError(actual.error)}`);
  // Exactly that class: a TimeoutError is not also a NetworkError, and so on.
  for (const other of ERROR_CLASSES) {
    if (other !== expected && actual.error instanceof other && !(expected.prototype instanceof other)) {
      throw new Error(`${what}: expected only ${nameOf(expected)}, got an error that is also a ${nameOf(other)}`);
    }
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** How one subscription to an input went. */
export interface Run {
  readonly index: number;
  /** Values emitted. */
  values: unknown[];
  /** 'complete', 'error' or 'unsubscribed' (torn down before it ended), in the order they came. */
  readonly endings: string[];
  error?: unknown;
  /** How many times its teardown ran. */
  teardowns: number;
}

/**
 * Records every subscription to the inputs it wraps, and how each ended, in one global
 * order (so a test knows which failure came first).
 */
export class Probe {
  readonly runs: Run[] = [];
  /** Runs in the order they ended. */
  readonly ended: Run[] = [];

  wrap<T>(index: number, source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const run: Run = { index, values: [], endings: [], teardowns: 0 };
      this.runs.push(run);
      const end = (how: string): void => {
        run.endings.push(how);
        if (run.endings.length === 1) this.ended.push(run);
      };
      const inner = source.subscribe({
        next: (value) => {
          run.values.push(value);
          subscriber.next(value);
        },
        error: (err: unknown) => {
          run.error = err;
          end('error');
          subscriber.error(err);
        },
        complete: () => {
          end('complete');
          subscriber.complete();
        },
      });
      return () => {
        run.teardowns++;
        if (run.endings.length === 0) end('unsubscribed');
        inner.unsubscribe();
      };
    });
  }

  runsOf(index: number): Run[] {
    return this.runs.filter((run) => run.index === index);
  }

  /**
   * Every subscription ended exactly once and was torn down exactly once, and each
   * input was subscribed at most once (`mustStart`: exactly once).
   */
  expectEachEndedOnce(count: number, mustStart: boolean): void {
    for (let i = 0; i < count; i++) {
      const runs = this.runsOf(i);
      if (mustStart) expect(runs.length).toBe(1);
      else expect(runs.length).toBeLessThanOrEqual(1);
    }
    for (const run of this.runs) {
      if (run.endings.length !== 1 || run.teardowns !== 1) {
        throw new Error(`input ${run.index} ended ${JSON.stringify(run.endings)} with ${run.teardowns} teardowns, expected one of each`);
      }
    }
  }

  /** The first run that failed, in the order runs ended. */
  firstFailure(): Run | undefined {
    return this.ended.find((run) => run.endings[0] === 'error');
  }
}

/** What a scenario's Observable did. */
export interface Settled<T> {
  readonly values: T[];
  readonly error?: unknown;
  readonly completed: boolean;
}

/**
 * Subscribes and resolves with everything the Observable did once it ends; if it has
 * not ended within `deadlineMs`, unsubscribes and rejects ("hung"): a scenario can fail,
 * but never hang the suite.
 */
export function settle<T>(source: Observable<T>, deadlineMs = SCENARIO_DEADLINE): Promise<Settled<T>> {
  return new Promise((resolve, reject) => {
    const values: T[] = [];
    let timer: NodeJS.Timeout | undefined;
    const subscription = source.subscribe({
      next: (value) => values.push(value),
      error: (error: unknown) => {
        clearTimeout(timer);
        resolve({ values, error, completed: false });
      },
      complete: () => {
        clearTimeout(timer);
        resolve({ values, completed: true });
      },
    });
    if (subscription.closed) return;
    timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`the scenario hung: it had not ended after ${deadlineMs} ms (${values.length} values so far)`));
    }, deadlineMs);
  });
}

export interface FaultFixture {
  readonly httpbin: Httpbin;
  readonly refusedUrl: string;
  /** A session on the test's httpbin, with the matrix's timeout unless told otherwise; closed after the test. */
  session(options?: SessionOptions): ClientSession;
  /** A semaphore that must be back to full (every permit available, nobody waiting) after the test. */
  semaphore(permits: number): Semaphore;
  /** The route context of a session (faultTimeout as RouteContext says). */
  context(session: ClientSession, faultTimeout?: number): RouteContext;
}

/**
 * Per test: a fresh httpbin (with `options`, e.g. chaos), and afterwards the proof that
 * the scenario left nothing behind: the sessions are closed, the server sees no request
 * in flight and no connection open, every semaphore is full again, and no timer or
 * socket created during the test is still alive.
 */
export function useFaultServer(options?: HttpbinOptions): FaultFixture {
  const resources = new ResourceTracker();
  const sessions: ClientSession[] = [];
  const semaphores: Semaphore[] = [];
  let current: Httpbin | undefined;
  let refusedUrl = '';

  beforeAll(async () => {
    refusedUrl = `http://127.0.0.1:${await closedPort()}/get`;
    await warmUp();
  });

  beforeEach(async () => {
    resources.start();
    current = await startHttpbin(options);
  });

  afterEach(async () => {
    const httpbin = current!;
    current = undefined;
    try {
      await Promise.all(sessions.splice(0).map((s) => s.close()));
      await httpbin.waitForActiveRequests(0, 2000);
      await httpbin.waitForOpenConnections(0, 2000);
      for (const semaphore of semaphores.splice(0)) {
        expect({ available: semaphore.available, waiting: semaphore.waiting }).toEqual({ available: semaphore.permits, waiting: 0 });
      }
    } finally {
      await httpbin.close();
    }
    const leaks = await resources.leaks();
    resources.stop();
    expect(leaks).toEqual([]);
  });

  return {
    get httpbin(): Httpbin {
      if (current === undefined) throw new Error('httpbin only runs inside a test');
      return current;
    },
    get refusedUrl(): string {
      return refusedUrl;
    },
    session(sessionOptions?: SessionOptions): ClientSession {
      const session = createSession({ baseURL: current!.url, timeout: SESSION_TIMEOUT, maxSockets: 16, ...sessionOptions });
      sessions.push(session);
      return session;
    },
    semaphore(permits: number): Semaphore {
      const semaphore = new Semaphore(permits);
      semaphores.push(semaphore);
      return semaphore;
    },
    context(session: ClientSession, ...faultTimeout: [number?]): RouteContext {
      return faultTimeout.length === 0 ? { session, refusedUrl } : { session, refusedUrl, faultTimeout: faultTimeout[0] };
    },
  };
}

/**
 * One request of each kind, before any test: the first request of a fresh jest worker
 * loads and compiles axios's lazily required parts, which can take longer than
 * SESSION_TIMEOUT on a loaded machine and would make a test's first `/get` time out.
 */
async function warmUp(): Promise<void> {
  const httpbin = await startHttpbin();
  const session = createSession({ baseURL: httpbin.url });
  try {
    await settle(session.get('/get'));
    await settle(session.json('/json'));
    await settle(session.post('/anything', { a: 1 }));
    await settle(session.get('/reset'));
  } finally {
    await session.close();
    await httpbin.close();
  }
}

/** The mixes of routes every pattern runs: each row a name and its inputs, in submission order. */
export const MIXES: readonly (readonly [name: string, routes: readonly Route[]])[] = [
  ['all succeed', ['ok', 'json', 'delay', 'ok']],
  ['5xx statuses', ['ok', 'status-500', 'delay', 'status-503']],
  ['broken connections', ['delay', 'reset', 'refused', 'truncated-json', 'ok']],
  ['hangs and slow bodies', ['ok', 'hang', 'slow-body', 'delay']],
  ['bad bodies and no value', ['json', 'malformed-json', 'empty', 'ok']],
  [
    'every fault at once',
    ['ok', 'hang', 'status-500', 'reset', 'slow-body', 'refused', 'truncated-json', 'malformed-json', 'empty', 'delay', 'json', 'status-503'],
  ],
];

/** The inputs of a mix, each wrapped by the probe. */
export function inputsOf(ctx: RouteContext, probe: Probe, routes: readonly Route[]): Observable<number>[] {
  return routes.map((route, i) => probe.wrap(i, ROUTES[route].make(ctx)));
}

/** The outcome of one run, as expectOutcome takes it. */
export function outcomeOf(run: Run): { ok: true; value: unknown } | { ok: false; error: unknown } {
  if (run.endings[0] === 'error') return { ok: false, error: run.error };
  if (run.values.length === 0) return { ok: false, error: new EmptyError() };
  return { ok: true, value: run.values[run.values.length - 1] };
}
