import { Observable, defer, finalize } from 'rxjs';

/** Counts what runs at once: `track(source)` counts from its subscription to its end. */
export class InFlight {
  /** Running now. */
  private running = 0;
  /** The most that ran at once. */
  peak = 0;

  track<T>(source: Observable<T>): Observable<T> {
    return defer(() => {
      this.running++;
      this.peak = Math.max(this.peak, this.running);
      return source.pipe(finalize(() => this.running--));
    });
  }
}
