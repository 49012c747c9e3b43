import { InjectionToken } from '@angular/core';
import type { ClientSession } from '../http/createSession';

/**
 * The injection token of the app's client session, provided by {@link provideSession}.
 *
 * `inject(SESSION)` gives the one `ClientSession` of the environment injector that
 * provides it (the application's, or a lazy route's): one set of default headers,
 * timeout, status policy and semaphore for every service that uses it. Without
 * `provideSession`, injecting it fails with Angular's `NullInjectorError`.
 *
 * ```text
 * provideSession(options) in an injector:   one session, made at the first inject(SESSION)
 * inject(SESSION), anywhere below it:       that session
 * the injector destroyed:                   session.close(): requests in flight fail with CancelledError
 * ```
 *
 * @example
 * ```ts
 * @Injectable({ providedIn: 'root' })
 * export class Users {
 *   private readonly session = inject(SESSION);
 *   name(id: number): Observable<string> {
 *     return this.session.json<{ name: string }>(`/users/${id}`).pipe(map((user) => user.name));
 *   }
 * }
 *
 * inject(Users).name(1).subscribe((name) => console.log(name));
 * // Logs:
 * // Ada
 * ```
 *
 * @see provideSession
 */
export const SESSION: InjectionToken<ClientSession> = new InjectionToken<ClientSession>('rxjs-asyncio SESSION');
