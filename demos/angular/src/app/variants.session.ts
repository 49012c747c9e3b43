import type { Routes } from '@angular/router';
import { sessionRoutes } from './session/session.routes';

/** The `session` build's variants: the dashboard over `provideSession` at `/session` (see variants.ts). */
export const variantRoutes: Routes = sessionRoutes;
