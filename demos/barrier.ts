/**
 * Barrier: streams that wait for each other, round after round (asyncio.Barrier).
 * Timers stand in for work.
 *
 * asyncio:  barrier = asyncio.Barrier(3)
 *           async def runner(name, warm_up, laps):
 *               await asyncio.sleep(warm_up); await barrier.wait()     # the start
 *               for lap in laps: await asyncio.sleep(lap); await barrier.wait()
 * rxjs:     concat(timer(warmUp), barrier.wait(), ...laps.map((lap) => concat(timer(lap), barrier.wait())))
 *
 * Three runners warm up for different times, then wait at the line: nobody starts
 * before the last is ready. After each lap they wait for each other again: each round
 * of the barrier passes when its slowest runner arrives. Then a race is called off:
 * `abort()` fails the runners waiting with `BrokenBarrierError`, a runner that comes
 * later fails at once, and `reset()` mends the barrier for the next race.
 *
 *   npx tsx demos/barrier.ts
 */
import { catchError, concat, ignoreElements, lastValueFrom, map, merge, of, tap, timer } from 'rxjs';
import type { Observable } from 'rxjs';
import { Barrier } from '../lib';
import { runIfMain } from './lib/main';
import { at, describeError, scaled, startClock } from './lib/timing';

const ORDINALS = ['first', 'second', 'third'];

/** Waits `ms` demo milliseconds, emitting nothing. */
const work = (ms: number): Observable<never> => timer(scaled(ms)).pipe(ignoreElements());

/** A runner: warms up, waits at the start, then runs its laps, waiting for the others after each. */
function runner(barrier: Barrier, name: string, warmUp: number, laps: readonly number[]): Observable<string> {
  const line = (what: string) => (index: number) => console.log(`  ${at()}  ${name} ${what} (${ORDINALS[index]} to arrive)`);
  return concat(
    work(warmUp),
    barrier.wait().pipe(tap(line('starts'))),
    ...laps.map((ms, lap) => concat(work(ms), barrier.wait().pipe(tap(line(`goes on after lap ${lap + 1}`))))),
  ).pipe(
    ignoreElements(),
    (source) => concat(source, of(`${name} finished`)),
    tap((message) => console.log(`  ${at()}  ${message}`)),
  );
}

export async function main(): Promise<void> {
  console.log('Three runners warm up for 300, 100 and 200 ms, then wait at a Barrier(3): all start at ~300 ms.');
  console.log('After each lap they wait for the slowest: lap 1 takes 100, 300 and 200 ms; lap 2 takes 100, 50 and 200 ms.');
  startClock();
  const barrier = new Barrier(3);
  await lastValueFrom(merge(runner(barrier, 'ada', 300, [100, 100]), runner(barrier, 'bob', 100, [300, 50]), runner(barrier, 'cy', 200, [200, 200])));
  console.log(`race over at ${at()}: ${barrier.waiting} waiting, broken: ${barrier.broken}`);

  console.log('');
  console.log('A race called off: ada and bob wait at the line, cy falls at 100 ms and calls abort().');
  startClock();
  const outcome = (name: string, source: Observable<number>) =>
    source.pipe(
      map((index) => `${name} started (${ORDINALS[index]} to arrive)`),
      catchError((err: unknown) => of(`${name}: ${describeError(err)}`)),
      tap((message) => console.log(`  ${at()}  ${message}`)),
    );
  await lastValueFrom(
    merge(
      outcome('ada', barrier.wait()),
      outcome('bob', barrier.wait()),
      work(100).pipe(
        (source) => concat(source, of(null)),
        tap(() => barrier.abort()),
      ),
    ),
  );
  await lastValueFrom(outcome('dan, who comes late', barrier.wait()));
  console.log(`broken: ${barrier.broken}; reset() mends it, and three runners pass again:`);
  barrier.reset();
  await lastValueFrom(merge(outcome('ada', barrier.wait()), outcome('bob', barrier.wait()), outcome('cy', barrier.wait())));
  console.log(`broken: ${barrier.broken}, ${barrier.waiting} waiting`);
}

runIfMain(module, main);
