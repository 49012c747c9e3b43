import { DestroyRef, ErrorHandler, inject, makeEnvironmentProviders } from '@angular/core';
import type { EnvironmentProviders } from '@angular/core';
import { EMPTY } from 'rxjs';
import { createSession } from '../http/createSession';
import type { ClientSession } from '../http/createSession';
import type { SessionOptions } from '../http/types';
import { httpClientTransport } from './httpClientTransport';
import { SESSION } from './session';

/**
 * Provides {@link SESSION}: one client session for an environment injector (the
 * application's, or a lazy route's), over Angular's `HttpClient` unless
 * `options.transport` says otherwise, closed when the injector is destroyed.
 *
 * Put it beside `provideHttpClient()` in `bootstrapApplication` (or a route's
 * `providers`); services then `inject(SESSION)`. The session is made the first time
 * it is injected, with `httpClientTransport()` injected there, so the app's
 * interceptors, `withFetch()`, server-side rendering and, in tests,
 * `provideHttpClientTesting()`'s `HttpTestingController` see its requests. Options are
 * `createSession`'s: `baseURL`, `headers`, `timeout`, `raiseForStatus`, `semaphore`,
 * `rateLimiter`, `transport` (a `fakeTransport` for marble tests).
 *
 * ```text
 * inject(SESSION), first time:         createSession({ ...options, transport: httpClientTransport() })
 * session.get(url) in a service:       ----r|      through HttpClient (and its interceptors)
 * the injector destroyed at frame 2:   --#         CancelledError: the request aborted, the session closed
 * ```
 *
 * - **Complete / error**: each request of the session behaves as `createSession`'s
 *   (`HttpStatusError` under `raiseForStatus`, `NetworkError`, rxjs `TimeoutError`).
 * - **Unsubscribe**: unsubscribing from a request cancels its HttpClient request.
 * - **Destroy**: destroying the injector (the app, a lazy route's injector, TestBed's
 *   module) calls `session.close()`: requests still in flight fail with
 *   `CancelledError` and are aborted; later requests fail with `SessionClosedError`;
 *   the session's transport is closed with it (its `httpClientTransport()`, or a given
 *   transport that has a `close()`).
 *
 * Bad options throw at once, when `provideSession` is called, a `TypeError` or
 * `RangeError` naming `provideSession` and the option.
 *
 * @example
 * ```ts
 * bootstrapApplication(App, {
 *   providers: [provideHttpClient(withFetch()), provideSession({ baseURL: 'https://api.example.com', timeout: 10_000, raiseForStatus: true })],
 * });
 *
 * // In a component or service:
 * inject(SESSION).status('/health').subscribe((status) => console.log(status));
 * // Logs:
 * // 200
 * ```
 *
 * @param options The session's options, as for `createSession`; `transport` defaults
 *   to `httpClientTransport()`.
 * @returns Environment providers of {@link SESSION}.
 * @see httpClientTransport, SESSION
 */
export function provideSession(options?: SessionOptions): EnvironmentProviders {
  checkOptions(options);
  // Own properties only, read now: a later change to the caller's object changes nothing.
  const own: SessionOptions = { ...options };
  return makeEnvironmentProviders([
    {
      provide: SESSION,
      useFactory: (): ClientSession => {
        const session = createSession({ ...own, transport: own.transport ?? httpClientTransport() });
        // A transport whose close() fails (one given in the options) is reported as the app's errors are, never left unhandled.
        const errors = inject(ErrorHandler);
        inject(DestroyRef).onDestroy(() => session.close().catch((err: unknown) => errors.handleError(err)));
        return session;
      },
    },
  ]);
}

/**
 * Checks the options now, with createSession's own checks (one validator for both),
 * on a session that is made and dropped: it gets a transport that sends nothing (no
 * pool is made), and is never closed, so a given transport is left alone. Errors are
 * re-raised naming provideSession.
 */
function checkOptions(options: SessionOptions | undefined): void {
  try {
    // A non-object goes as it is, for createSession to refuse (a spread would make it {}).
    const isBag = options === undefined || (typeof options === 'object' && options !== null && !Array.isArray(options));
    createSession(isBag ? { ...options, transport: Object.hasOwn(options ?? {}, 'transport') ? options!.transport : () => EMPTY } : options);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('createSession: ')) {
      const message = `provideSession: ${err.message.slice('createSession: '.length)}`;
      throw err instanceof RangeError ? new RangeError(message) : new TypeError(message);
    }
    throw err;
  }
}
