import { AsyncLocalStorage } from 'node:async_hooks';
import { Subject, defer, lastValueFrom, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { RateLimiter, Semaphore, asCompleted, gather } from '../lib';

/**
 * Async context is kept: an input runs in the async context (AsyncLocalStorage) of
 * the subscription that asked for it, whatever starts it: a permit handed on by another
 * job, a slot freed by another input, a rate limit's window opening. A server that
 * shares one Semaphore between requests keeps each request's logs and traces its own.
 */
describe('async context', () => {
  const storage = new AsyncLocalStorage<string>();

  it('a job queued on a Semaphore starts in the context that asked for it, not in that of the job that freed the permit', async () => {
    const semaphore = new Semaphore(1);
    const seen: (string | undefined)[] = [];
    const jobs = ['0', '1', '2'].map((id) =>
      storage.run(id, () => lastValueFrom(semaphore.run(() => new Promise<void>((resolve) => setImmediate(() => (seen.push(storage.getStore()), resolve())))))),
    );
    await Promise.all(jobs);
    expect(seen).toEqual(['0', '1', '2']);
  });

  it('the same for an Observable job whose permit is handed on from another context', () => {
    const semaphore = new Semaphore(1);
    const holder = new Subject<void>();
    const seen: (string | undefined)[] = [];
    storage.run('holder', () => semaphore.run(holder).subscribe());
    for (const id of ['0', '1']) storage.run(id, () => semaphore.run(defer(() => of(seen.push(storage.getStore() ?? 'none')))).subscribe());
    storage.run('elsewhere', () => holder.complete());
    expect(seen).toEqual(['0', '1']);
  });

  it.each<[string, (inputs: (() => Subject<number>)[]) => Observable<unknown>]>([
    ['gather', (inputs) => gather(inputs, { concurrency: 1 })],
    ['asCompleted', (inputs) => asCompleted(inputs, { concurrency: 1 })],
  ])('%s: an input started when a slot frees runs in the subscription’s context, not in that of the input that ended', (_name, run) => {
    const subjects = [new Subject<number>(), new Subject<number>(), new Subject<number>()];
    const seen: (string | undefined)[] = [];
    const inputs = subjects.map((subject) => () => {
      seen.push(storage.getStore());
      return subject;
    });
    storage.run('caller', () => run(inputs).subscribe());
    subjects.forEach((subject, i) =>
      storage.run(`other ${i}`, () => {
        subject.next(i);
        subject.complete();
      }),
    );
    expect(seen).toEqual(['caller', 'caller', 'caller']);
  });

  it('a RateLimiter start that waited for its window runs in the context that asked for it', async () => {
    const limiter = new RateLimiter({ count: 1, interval: 5 });
    const seen: (string | undefined)[] = [];
    const jobs = ['0', '1', '2'].map((id) =>
      storage.run(id, () => new Promise<void>((resolve) => limiter.run(() => of(seen.push(storage.getStore() ?? 'none'))).subscribe({ complete: resolve }))),
    );
    await Promise.all(jobs);
    expect(seen).toEqual(['0', '1', '2']);
  });
});
