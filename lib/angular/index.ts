// Public surface of `rxjs-asyncio/angular`: the client session in an Angular app.

// A session transport over Angular's HttpClient (interceptors, HttpTestingController, withFetch, SSR)
export { httpClientTransport } from './httpClientTransport';

// The app's session, provided per environment injector and closed with it
export { provideSession } from './provideSession';
export { SESSION } from './session';
