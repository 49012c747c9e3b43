import { InjectionToken } from '@angular/core';

/**
 * Where the dashboard's API is: an httpbin (rxjs-asyncio/testing's `startHttpbin`, or
 * httpbin.org). By default the relative `/api`, which the server that serves the app
 * proxies to it (same origin); a page opened with `?api=http://host:port` calls that
 * server directly instead, across origins (it must answer CORS: `startHttpbin({ cors: true })`).
 */
export const API_BASE = new InjectionToken<string>('API_BASE', {
  providedIn: 'root',
  factory: () => apiBaseOf(globalThis.location?.search ?? ''),
});

/** The API base a page's query string asks for (`?api=`), or `/api`; without a trailing slash. */
export function apiBaseOf(search: string): string {
  const asked = new URLSearchParams(search).get('api');
  return (asked || '/api').replace(/\/+$/, '');
}
