import { DestroyRef, InjectionToken, inject, makeEnvironmentProviders } from '@angular/core';
import type { EnvironmentProviders } from '@angular/core';
import { createSession } from 'rxjs-asyncio/http';
import type { ClientSession, SessionOptions } from 'rxjs-asyncio/http';

/** The app's client session on its API (aiohttp's ClientSession). */
export const API_SESSION = new InjectionToken<ClientSession>('API_SESSION');

/**
 * Provides {@link API_SESSION}: one session (one keep-alive pool) for the injector,
 * closed when the injector is destroyed (requests still in flight then fail with
 * `CancelledError`).
 *
 * ```ts
 * bootstrapApplication(App, { providers: [provideApiSession({ baseURL: 'https://api.example.com', timeout: 5000 })] });
 * ```
 *
 * In tests, pass `transport: fakeTransport(...)` from `rxjs-asyncio/testing`.
 */
export function provideApiSession(options: SessionOptions): EnvironmentProviders {
  return makeEnvironmentProviders([
    {
      provide: API_SESSION,
      useFactory: (): ClientSession => {
        const session = createSession(options);
        inject(DestroyRef).onDestroy(() => void session.close());
        return session;
      },
    },
  ]);
}
