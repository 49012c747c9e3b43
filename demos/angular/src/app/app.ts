import { Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet],
  template: `
    <header>
      <h1>rxjs-asyncio dashboard</h1>
      <p>asyncio's gather, as_completed, wait and Semaphore over Angular's HttpClient</p>
    </header>
    <router-outlet />
  `,
})
export class App {}
