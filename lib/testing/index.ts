// Public surface of `rxjs-asyncio/testing`: helpers for testing code that does HTTP.

// An httpbin-style server on 127.0.0.1
export { startHttpbin } from './httpbin';
export type { Httpbin, HttpbinOptions, ChaosOptions, ChaosKind } from './httpbin';

// A transport for marble-testing code that uses a session
export { fakeTransport } from './fakeTransport';
export type { FakeResponse, FakeTransport } from './fakeTransport';
