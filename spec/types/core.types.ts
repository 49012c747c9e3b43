/**
 * Type tests, checked by `tsc --noEmit` as part of `npm test` (this file never runs).
 * `Expect<Equal<A, B>>` fails to compile unless A and B are the same type, and each
 * `@ts-expect-error` fails to compile unless the line below it is an error.
 */
import { Observable, of } from 'rxjs';
import { ALL_COMPLETED, FIRST_COMPLETED, asCompleted, asCompletedAll, createTask, deadline, gather, gatherAll, wait, waitFor, waitUntil } from '../../lib';
import type { ResultOf, Settled, Task, WaitResult } from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Emitted<O> = O extends Observable<infer T> ? T : never;

declare const num$: Observable<number>;
declare const str$: Observable<string>;
declare const fetchUser: () => Promise<{ name: string }>;

// ResultOf reads through functions, Promises and Observables.
export type R1 = Expect<Equal<ResultOf<() => Promise<number>>, number>>;
export type R2 = Expect<Equal<ResultOf<Observable<string>>, string>>;
export type R3 = Expect<Equal<ResultOf<Promise<boolean>>, boolean>>;
export type R4 = Expect<Equal<ResultOf<() => Observable<Date>>, Date>>;

// A tuple gives a typed tuple back, position by position.
const tuple = gather([num$, fetchUser, Promise.resolve(true)]);
export type G1 = Expect<Equal<Emitted<typeof tuple>, [number, { name: string }, boolean]>>;

// With returnExceptions, each position may also hold the error.
const settled = gather([num$, str$], { returnExceptions: true });
export type G2 = Expect<Equal<Emitted<typeof settled>, [Settled<number>, Settled<string>]>>;

// With returnExceptions known only at run time (a boolean), the results may hold errors too.
declare const maybe: boolean;
const settledMaybe = gather([num$], { returnExceptions: maybe });
export type G2b = Expect<Equal<Emitted<typeof settledMaybe>, [Settled<number>]>>;

// A record gives a record with the same keys.
const record = gather({ count: num$, user: fetchUser });
export type G3 = Expect<Equal<Emitted<typeof record>['count'], number>>;
export type G4 = Expect<Equal<Emitted<typeof record>['user'], { name: string }>>;

// An array of one type, or any iterable, gives an array.
declare const many: Observable<number>[];
const array = gather(many);
export type G5 = Expect<Equal<Emitted<typeof array>, number[]>>;
const fromSet = gather(new Set([num$]));
export type G6 = Expect<Equal<Emitted<typeof fromSet>, number[]>>;
const empty = gather([]);
export type G7 = Expect<Equal<Emitted<typeof empty>, []>>;

// asCompleted emits the union of the inputs' results.
const completed = asCompleted([num$, str$]);
export type A1 = Expect<Equal<Emitted<typeof completed>, number | string>>;

// wait gives typed tasks.
const waited = wait([num$, fetchUser], { returnWhen: FIRST_COMPLETED });
export type W1 = Expect<Equal<Emitted<typeof waited>, WaitResult<number | { name: string }>>>;
export type W2 = Expect<Equal<WaitResult<number>['done'], Task<number>[]>>;

// waitFor keeps the input's type; createTask gives a Task.
export type F1 = Expect<Equal<Emitted<ReturnType<typeof waitFor<typeof fetchUser>>>, { name: string }>>;
const task = createTask(fetchUser);
export type T1 = Expect<Equal<typeof task, Task<{ name: string }>>>;
export type T2 = Expect<Equal<ReturnType<typeof task.result>, { name: string }>>;

// Operators infer from the source.
const gatheredAll = of(num$, num$).pipe(gatherAll({ concurrency: 2 }));
export type O1 = Expect<Equal<Emitted<typeof gatheredAll>, number[]>>;
const completedAll = of(fetchUser).pipe(asCompletedAll());
export type O2 = Expect<Equal<Emitted<typeof completedAll>, { name: string }>>;
const until = of(str$).pipe(waitUntil(ALL_COMPLETED));
export type O3 = Expect<Equal<Emitted<typeof until>, WaitResult<string>>>;
const bounded = num$.pipe(deadline(100));
export type O4 = Expect<Equal<Emitted<typeof bounded>, number>>;

// Wrong calls do not compile.
// @ts-expect-error a number is not a task input
gather([1, 2, 3]);
// @ts-expect-error concurrency is a number
gather([num$], { concurrency: '4' });
// @ts-expect-error unknown option
gather([num$], { concurency: 4 });
// @ts-expect-error returnWhen is one of three constants
wait([num$], { returnWhen: 'FIRST' });
// @ts-expect-error waitFor needs a deadline
waitFor(num$);
// @ts-expect-error the result of a tuple is not an array of a single type
export const wrong: Observable<[number, number]> = gather([num$, str$]);
// @ts-expect-error gatherAll needs a source of task inputs
of(1, 2).pipe(gatherAll());
