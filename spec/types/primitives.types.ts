/**
 * Type tests of the primitives, checked by `tsc --noEmit` as part of `npm test` (this
 * file never runs). See core.types.ts for `Expect<Equal<A, B>>`.
 */
import { Observable, of } from 'rxjs';
import { Barrier, Condition, Event, LifoQueue, Lock, PriorityQueue, Queue, Semaphore, TaskGroupError, taskGroup, withPermit } from '../../lib';
import type { Limiter, Task, TaskGroup } from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Emitted<O> = O extends Observable<infer T> ? T : never;

declare const num$: Observable<number>;

// taskGroup: the body's result type comes out; a body that returns nothing gives undefined.
const fromObservable = taskGroup(() => num$);
export type G1 = Expect<Equal<Emitted<typeof fromObservable>, number>>;
const fromNothing = taskGroup((group) => {
  group.createTask(num$);
});
export type G2 = Expect<Equal<Emitted<typeof fromNothing>, undefined>>;
const fromTask = taskGroup((group) => group.createTask(() => Promise.resolve('ada')));
export type G3 = Expect<Equal<Emitted<typeof fromTask>, string>>;
const fromAsync = taskGroup(async (group) => {
  group.createTask(num$);
  return 42;
});
export type G4 = Expect<Equal<Emitted<typeof fromAsync>, number>>;
declare const maybe: boolean;
const either = taskGroup((group) => (maybe ? group.createTask(num$) : undefined));
export type G5 = Expect<Equal<Emitted<typeof either>, number | undefined>>;
// createTask infers the task's type from its input.
declare const group: TaskGroup;
export type G6 = Expect<Equal<ReturnType<typeof group.createTask<string>>, Task<string>>>;
const created = group.createTask(of(1, 2));
export type G7 = Expect<Equal<typeof created, Task<number>>>;
// @ts-expect-error: the body must be a function.
taskGroup(num$);
// @ts-expect-error: a body returns an ObservableInput or nothing.
taskGroup(() => 42);
// The form of API.md, with the result type given, still compiles.
const explicit = taskGroup<number>(() => num$);
export type G9 = Expect<Equal<Emitted<typeof explicit>, number | undefined>>;
const asyncNothing = taskGroup(async () => undefined);
export type G10 = Expect<Equal<Emitted<typeof asyncNothing>, undefined>>;
// TaskGroupError's failures are unknown, not any.
export type G8 = Expect<Equal<TaskGroupError['errors'], unknown[]>>;
// TaskGroup is a type: groups come from taskGroup, not from a constructor.
// @ts-expect-error: no public constructor.
new (null as unknown as typeof TaskGroup)();

// Lock and Condition are Limiters; run keeps the input's type.
export const limiters: Limiter[] = [new Lock(), new Condition(), new Condition(new Lock()), new Semaphore(2)];
const locked = new Lock().run(() => Promise.resolve(true));
export type L1 = Expect<Equal<Emitted<typeof locked>, boolean>>;
const when = new Condition().runWhen(() => true, num$);
export type L2 = Expect<Equal<Emitted<typeof when>, number>>;
const permitted = num$.pipe(withPermit(new Lock()));
export type L3 = Expect<Equal<Emitted<typeof permitted>, number>>;
// @ts-expect-error: a Condition's lock is a Lock, not any Limiter.
new Condition(new Semaphore(1));
// @ts-expect-error: a predicate returns a boolean.
new Condition().runWhen(() => 'yes', num$);

// Event and Barrier.
const set = new Event().wait();
export type E1 = Expect<Equal<Emitted<typeof set>, true>>;
const arrival = new Barrier(3).wait();
export type B1 = Expect<Equal<Emitted<typeof arrival>, number>>;

// Queues are typed by their items.
const queue = new Queue<string>();
const got = queue.get();
export type Q1 = Expect<Equal<Emitted<typeof got>, string>>;
const all = queue.items();
export type Q2 = Expect<Equal<Emitted<typeof all>, string>>;
const put = queue.put('x');
export type Q3 = Expect<Equal<Emitted<typeof put>, void>>;
export type Q4 = Expect<Equal<ReturnType<typeof queue.getNowait>, string>>;
// @ts-expect-error: a Queue<string> takes strings.
queue.put(1);
// The compare function types a PriorityQueue's items.
const jobs = new PriorityQueue((a: { priority: number }, b: { priority: number }) => a.priority - b.priority);
export type Q5 = Expect<Equal<ReturnType<typeof jobs.getNowait>, { priority: number }>>;
export const lifo: Queue<number> = new LifoQueue<number>(10);
