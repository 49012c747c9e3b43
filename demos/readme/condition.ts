import { defer, of, timer, concatMap } from 'rxjs';
import { Condition } from '../../lib';

const condition = new Condition(); // a Lock, and the waits on it
const stock: string[] = [];

// Runs under the lock once the predicate holds; sleeps, holding nothing, until then.
condition
  .runWhen(
    () => stock.length >= 2,
    defer(() => of(stock.splice(0, 2))),
  )
  .subscribe((pair) => console.log('packed', pair));

for (const [ms, item] of [
  [10, 'left shoe'],
  [20, 'right shoe'],
] as const) {
  timer(ms)
    .pipe(
      concatMap(() =>
        condition.run(
          defer(() => {
            stock.push(item);
            console.log('stocked', item);
            condition.notifyAll(); // the sleepers check their predicates again
            return of(item);
          }),
        ),
      ),
    )
    .subscribe();
}
// Logs:
// stocked left shoe
// stocked right shoe
// packed [ 'left shoe', 'right shoe' ]
