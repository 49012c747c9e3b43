import type { Routes } from '@angular/router';

/**
 * The dashboard's variants beyond the default one over HttpClient.
 *
 * THE FLAG: the `session` build configuration (`ng build --configuration production,session`)
 * replaces this file with `variants.session.ts`, which adds the route `/session`: the
 * same dashboard over `provideSession` (rxjs-asyncio/angular). It is off by default
 * because a browser build cannot include `rxjs-asyncio/angular` yet: the entry imports
 * `rxjs-asyncio/http`, which imports the axios Node transport and `node:http`, and the
 * application builder stops with `Could not resolve "node:http"` (see README.md). Its
 * code is type-checked by every build and unit-tested in Node (`src/app/session/`).
 */
export const variantRoutes: Routes = [];
