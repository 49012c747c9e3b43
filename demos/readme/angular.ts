import '@angular/compiler'; // plain Node only: an Angular CLI build compiles Angular ahead of time
import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { enableProdMode, inject, provideZonelessChangeDetection, runInInjectionContext } from '@angular/core';
import type { ApplicationConfig } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { lastValueFrom } from 'rxjs';
import { gather } from '../../lib';
import { SESSION, provideSession } from '../../lib/angular';
import { HttpStatusError } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';

async function main(): Promise<void> {
  const httpbin = await startHttpbin();
  // app.config.ts: one session for the app, over HttpClient (so its interceptors apply), closed with the app.
  const appConfig: ApplicationConfig = {
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(withFetch(), withInterceptors([(req, next) => next(req.clone({ setHeaders: { 'x-app': 'dashboard' } }))])),
      provideSession({ baseURL: httpbin.url, timeout: 5000, raiseForStatus: true }),
    ],
  };
  enableProdMode(); // plain Node only: dev mode's checks of the page's images want a document
  const app = await createApplication(appConfig);

  // In a service or a component: inject(SESSION).
  const session = runInInjectionContext(app.injector, () => inject(SESSION));
  const [echo, missing] = await lastValueFrom(
    gather([session.json<{ headers: Record<string, string> }>('/get'), session.status('/status/404')], { returnExceptions: true }),
  );
  console.log((echo as { headers: Record<string, string> }).headers['X-App']);
  console.log(missing instanceof HttpStatusError && missing.status);
  app.destroy(); // and the session closes with it
  console.log(session.closed);
  await httpbin.close();
}
void main();
// Logs:
// dashboard
// 404
// true
