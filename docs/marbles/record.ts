// Runs one lesson under `TestScheduler.run` and records what really happened: every
// notification of each output with its frame, each input's own marbles and its
// subscription log, and the notes the lesson wrote on the way. Nothing here is drawn
// by hand: text.ts and svg.ts only lay out what this records.

import { Observable } from 'rxjs';
import type { ObservableNotification } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RunHelpers } from 'rxjs/testing';
import { Task } from '../../lib';

/** What a lesson's code is given: the helpers of `testScheduler.run`, and `note`. */
export interface LessonContext {
  cold: RunHelpers['cold'];
  hot: RunHelpers['hot'];
  /** The scheduler the lesson runs under, for `testScheduler.schedule(() => ..., frame)`. */
  testScheduler: TestScheduler;
  /** Writes a line under the diagram, prefixed with the frame it was written at. */
  note(text: string): void;
}

/** What a lesson hands back to be drawn. */
export interface LessonRun {
  /** The marble Observables to draw, by name, each made with `cold` or `hot`. */
  inputs: Record<string, Observable<unknown>>;
  /** The Observables to subscribe to and record, by name (one timeline each). */
  outputs: Record<string, Observable<unknown>>;
  /**
   * A subscription marble for an output that is not subscribed at frame 0 for good, as
   * the second argument of `expectObservable`: `'-----^'` subscribes at frame 5,
   * `'^--!'` unsubscribes at frame 3.
   */
  consumers?: Record<string, string>;
}

export interface Lesson {
  /** Names the SVG file and the code region in lessons.ts. */
  id: string;
  title: string;
  /** What the marbles show, in a sentence or three (markdown). */
  explain: string;
  /** The text of the box between the inputs and the outputs in the picture. */
  box: string;
  run(context: LessonContext): LessonRun;
}

/** One notification as recorded. */
export interface Recorded {
  frame: number;
  kind: ObservableNotification<unknown>['kind'];
  /** The value or error, shown as code (`'a'`, `[...]`, `TimeoutError(...)`), at the time it happened. */
  text: string;
  /** The marble character that stands for the value by itself, if there is one. */
  literal?: string;
}

/** A span from a subscription to its unsubscription (`Infinity` if it never ended). */
export interface Span {
  from: number;
  to: number;
}

export interface InputRecord {
  name: string;
  kind: 'cold' | 'hot';
  /** The input's own marbles: frames relative to each subscription for cold, absolute for hot. */
  messages: Recorded[];
  subscriptions: Span[];
}

export interface OutputRecord {
  name: string;
  notifications: Recorded[];
  /** When the output was subscribed and unsubscribed by its consumer. */
  consumer: Span;
  /** Whether the lesson gave a consumer marble (then it is drawn). */
  explicitConsumer: boolean;
}

export interface Recording {
  lesson: Lesson;
  inputs: InputRecord[];
  outputs: OutputRecord[];
  notes: Array<{ frame: number; text: string }>;
}

type Marbled = ReturnType<RunHelpers['cold']> | ReturnType<RunHelpers['hot']>;

/** Characters that mean something in a marble string and so cannot stand for a value. */
const RESERVED = ' -|#()^![]';

export function record(lesson: Lesson): Recording {
  const testScheduler = new TestScheduler(() => {
    throw new Error('marble lessons record what happens; they assert nothing');
  });
  const made = new Map<Observable<unknown>, 'cold' | 'hot'>();
  const names = new Map<unknown, string>();
  const notes: Recording['notes'] = [];
  const outputs: OutputRecord[] = [];
  let run: LessonRun | undefined;

  testScheduler.run((helpers) => {
    const context: LessonContext = {
      cold: (marbles, values, error) => remember(helpers.cold(marbles, values, error), 'cold'),
      hot: (marbles, values, error) => remember(helpers.hot(marbles, values, error), 'hot'),
      testScheduler,
      note: (text) => notes.push({ frame: testScheduler.now(), text }),
    };
    function remember<O extends Observable<unknown>>(observable: O, kind: 'cold' | 'hot'): O {
      made.set(observable, kind);
      return observable;
    }

    run = lesson.run(context);
    for (const [name, input] of Object.entries(run.inputs)) {
      if (!made.has(input)) throw new Error(`${lesson.id}: input ${name} was not made with cold() or hot()`);
      names.set(input, name);
    }
    // Subscribed as expectObservable does: scheduled, in the order the outputs are listed.
    for (const [name, output] of Object.entries(run.outputs)) {
      const marbles = run.consumers?.[name];
      const { subscribedFrame, unsubscribedFrame } = marbles
        ? TestScheduler.parseMarblesAsSubscriptions(marbles, true)
        : { subscribedFrame: 0, unsubscribedFrame: Infinity };
      const rec: OutputRecord = {
        name,
        notifications: [],
        consumer: { from: subscribedFrame, to: unsubscribedFrame },
        explicitConsumer: marbles !== undefined,
      };
      outputs.push(rec);
      const push = (notification: ObservableNotification<unknown>) =>
        rec.notifications.push({ frame: testScheduler.now(), ...toRecorded(notification, names) });
      let subscription: { unsubscribe(): void } | undefined;
      testScheduler.schedule(() => {
        subscription = output.subscribe({
          next: (value) => push({ kind: 'N', value }),
          error: (error: unknown) => push({ kind: 'E', error }),
          complete: () => push({ kind: 'C' }),
        });
      }, subscribedFrame);
      if (unsubscribedFrame !== Infinity) testScheduler.schedule(() => subscription?.unsubscribe(), unsubscribedFrame);
    }
  });

  const inputs = Object.entries(run!.inputs).map(([name, input]): InputRecord => {
    const marbled = input as Marbled;
    return {
      name,
      kind: made.get(input)!,
      messages: marbled.messages.map(({ frame, notification }) => ({ frame, ...toRecorded(notification, names) })),
      subscriptions: marbled.subscriptions.map(({ subscribedFrame, unsubscribedFrame }) => ({ from: subscribedFrame, to: unsubscribedFrame })),
    };
  });
  return { lesson, inputs, outputs, notes };
}

function toRecorded(notification: ObservableNotification<unknown>, names: Map<unknown, string>): Omit<Recorded, 'frame'> {
  switch (notification.kind) {
    case 'N': {
      const { value } = notification;
      const name = names.get(value);
      const literal = name ?? (typeof value === 'string' ? value : undefined);
      const single = literal !== undefined && literal.length === 1 && !RESERVED.includes(literal);
      return { kind: 'N', text: show(value, names), ...(single ? { literal } : {}) };
    }
    case 'E':
      return { kind: 'E', text: show(notification.error, names) };
    case 'C':
      return { kind: 'C', text: '' };
  }
}

/** A value as code, as it is at this moment (a Task's state changes later). */
export function show(value: unknown, names: Map<unknown, string> = new Map()): string {
  const name = names.get(value);
  if (name !== undefined) return name;
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Task) return showTask(value, names);
  if (value instanceof Error) return `${value.name}(${show(value.message)})`;
  if (Array.isArray(value)) return `[${value.map((v) => show(v, names)).join(', ')}]`;
  if (value instanceof Observable) return 'Observable';
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, v]) => `${key}: ${show(v, names)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(value);
}

function showTask(task: Task<unknown>, names: Map<unknown, string>): string {
  if (!task.done()) return 'Task(pending)';
  if (task.cancelled()) return 'Task(cancelled)';
  const error = task.exception();
  return error === undefined ? `Task(${show(task.result(), names)})` : `Task(failed: ${show(error, names)})`;
}
