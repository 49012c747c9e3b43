import { Component, DestroyRef, inject, signal } from '@angular/core';
import type { OnInit } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Observable } from 'rxjs';
import { DASHBOARD_DATA } from '../dashboard-data';
import { describeFailure, failed } from '../failures';
import { BATCH_CONCURRENCY, BATCH_SIZE, MIRRORS } from '../models';
import type { Batch, Dashboard, Echo, FeedItem } from '../models';

/** A widget's slot as the page shows it. */
export interface Slot {
  name: keyof Dashboard;
  ok: boolean;
  text: string;
}

/** What a run of a card is doing. */
type Run<T> =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; value: T; ms: number }
  | { state: 'failed'; error: string };

/**
 * The dashboard: four cards, one per pattern. The widgets load when the page opens
 * (gather); the feed, the race and the batch run on their buttons. Leaving the page
 * unsubscribes everything still running, which cancels its requests.
 */
@Component({
  selector: 'app-dashboard',
  templateUrl: './dashboard.page.html',
  styleUrl: './dashboard.page.css',
})
export class DashboardPage implements OnInit {
  private readonly data = inject(DASHBOARD_DATA);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly mirrors = MIRRORS;
  protected readonly batchSize = BATCH_SIZE;
  protected readonly batchLimit = BATCH_CONCURRENCY;

  protected readonly widgets = signal<Run<Slot[]>>({ state: 'idle' });
  protected readonly feedItems = signal<FeedItem[]>([]);
  protected readonly feedRun = signal<Run<number>>({ state: 'idle' });
  protected readonly raceRun = signal<Run<{ winner: string; cancelled: number }>>({
    state: 'idle',
  });
  protected readonly batchRun = signal<Run<Batch>>({ state: 'idle' });

  ngOnInit(): void {
    this.run(this.data.dashboard(), this.widgets, (page) => [
      slot('profile', page.profile, (echo) => echo.args['name'] ?? '?'),
      slot('stats', page.stats, (echo) => JSON.stringify(echo.args)),
      slot('notices', page.notices, (echo) => echo.args['text'] ?? '?'),
    ]);
  }

  protected runFeed(): void {
    this.feedItems.set([]);
    this.feedRun.set({ state: 'running' });
    const started = performance.now();
    this.data
      .feed()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (item) => this.feedItems.update((items) => [...items, item]),
        error: (error: unknown) => this.feedRun.set({ state: 'failed', error: describe(error) }),
        complete: () =>
          this.feedRun.set({
            state: 'done',
            value: this.feedItems().length,
            ms: Math.round(performance.now() - started),
          }),
      });
  }

  protected runRace(): void {
    this.run(this.data.race('rxjs'), this.raceRun, (race) => ({
      winner: race.winner.args['mirror'] ?? '?',
      cancelled: race.cancelled,
    }));
  }

  protected runBatch(): void {
    const ids = Array.from({ length: BATCH_SIZE }, (_, i) => i + 1);
    this.run(this.data.batch(ids), this.batchRun, (batch) => batch);
  }

  /** Subscribes until the page is destroyed, and shows the outcome in `target`. */
  private run<T, V>(
    source: Observable<T>,
    target: { set(run: Run<V>): void },
    show: (value: T) => V,
  ): void {
    target.set({ state: 'running' });
    const started = performance.now();
    source.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (value) =>
        target.set({
          state: 'done',
          value: show(value),
          ms: Math.round(performance.now() - started),
        }),
      error: (error: unknown) => target.set({ state: 'failed', error: describe(error) }),
    });
  }
}

/** A widget's slot: its data in a few words, or its failure. */
function slot(name: keyof Dashboard, value: Echo | Error, show: (echo: Echo) => string): Slot {
  return failed(value)
    ? { name, ok: false, text: `failed: ${describeFailure(value)}` }
    : { name, ok: true, text: show(value) };
}

function describe(error: unknown): string {
  return failed(error) ? describeFailure(error) : String(error);
}
