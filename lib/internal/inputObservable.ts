import { Observable } from 'rxjs';
import type { Subscriber, Unsubscribable } from 'rxjs';
import type { TaskInput } from '../types';
import { BaseWaiter } from './gate';
import type { Gate } from './gate';
import type { InputRun, InputTarget } from './input';
import { markHandled, startInput } from './input';
import { checkTaskInput } from './validate';

/** Where an input waits before it starts (a limiter's gate), and how it gives back what it held when it ends (a Semaphore's permit). */
export interface Admission {
  readonly gate: Gate;
  release?(): void;
}

/**
 * A task input as a cold Observable that mirrors it: on each subscription, a function
 * input is called, and what it returns (or the input itself) is started by
 * `startInput`; unsubscribing stops it. With an `admission`, each subscription first
 * waits at its gate, and calls `release()` once the input has ended and its
 * teardown has run: `limiter.run(input)` for every limiter built on a {@link Gate}.
 * `param` names the input in error messages; an input that is not a task input is a
 * TypeError now, at call time.
 */
export function inputObservable<T>(input: TaskInput<T>, fn: string, param = 'input', admission?: Admission): Observable<T> {
  checkTaskInput(fn, param, input);
  return new Observable<T>((subscriber) => {
    const run = new InputSubscription(admission, input, subscriber as Subscriber<unknown>, fn, param);
    // Chained first, so that a consumer that lets go during a synchronous first value
    // reaches the run (and stops a synchronous input) at once.
    subscriber.add(run);
    if (subscriber.closed) return;
    if (admission === undefined) run.admit();
    // A Promise queued at the gate may reject before its turn: marked handled (inputs.ts says why).
    else if (!admission.gate.enter(run)) markHandled(input);
  });
}

/** Not admitted yet: queued at the gate (then it is in the gate's list), or not yet there. */
const WAITING = 0;
/** Admitted: its input runs. */
const RUNNING = 1;
/** Ended: left, or gave back what it held. Final. */
const ENDED = 2;

/**
 * One subscription to an input Observable: a waiter while queued at its gate, then the
 * target of its input while it runs.
 *
 * What it holds goes back exactly once: when the input completes (then the completion
 * is passed on, so the subscriber already sees the permit counted), when it fails
 * (after the error is passed on: a consumer that gives up on a failure, as gather does,
 * takes its queued siblings out of the queue before the permit could start one only to
 * cancel it), or when the subscriber lets go (after the input's teardown). A Promise
 * cannot be stopped, so one that is still running when its subscriber lets go keeps
 * its permit until it settles: its work still counts against the limit.
 */
class InputSubscription extends BaseWaiter implements InputTarget, Unsubscribable {
  private phase = WAITING;
  /** The running Observable input, if it is one. */
  private run: InputRun | undefined;
  /**
   * Inside the input's `subscribe()`: a source stopped now returns its teardown only
   * when `subscribe()` returns, so giving back what it holds waits until then.
   */
  private starting = false;
  private releaseWhenStarted = false;

  constructor(
    private readonly admission: Admission | undefined,
    private readonly input: unknown,
    private readonly subscriber: Subscriber<unknown>,
    private readonly fn: string,
    private readonly param: string,
  ) {
    super();
  }

  admit(): void {
    this.phase = RUNNING;
    this.starting = true;
    try {
      startInput(this, 0, this.input, this.fn);
    } finally {
      this.starting = false;
      if (this.releaseWhenStarted) this.admission?.release?.();
    }
  }

  inputRunning(_index: number, run: InputRun): void {
    this.run = run;
  }

  inputValue(_index: number, value: unknown): void {
    this.subscriber.next(value);
  }

  inputEnded(_index: number, ok: boolean, value: unknown): void {
    if (this.phase !== RUNNING) return;
    this.phase = ENDED;
    if (ok) {
      try {
        this.admission?.release?.();
      } finally {
        this.subscriber.complete();
      }
      return;
    }
    try {
      this.subscriber.error(value);
    } finally {
      this.admission?.release?.();
    }
  }

  inputName(): string {
    return this.param;
  }

  /** The subscriber let go: leave the queue, or stop the input and give back what it held. */
  unsubscribe(): void {
    if (this.phase === WAITING) {
      this.phase = ENDED;
      this.admission?.gate.leave(this);
      markHandled(this.input);
      return;
    }
    // A Promise runs on, and gives its permit back when it settles (inputEnded).
    if (this.phase !== RUNNING || this.run === undefined) return;
    this.phase = ENDED;
    try {
      this.run.unsubscribe();
    } finally {
      if (this.starting) this.releaseWhenStarted = true;
      else this.admission?.release?.();
    }
  }
}
