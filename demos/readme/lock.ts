import { defer, merge, timer, map } from 'rxjs';
import { Lock } from '../../lib';

const lock = new Lock(); // one at a time, across every stream that shares it
let balance = 100;
const withdraw = (amount: number) =>
  lock.run(
    defer(() => {
      const read = balance; // read, wait, write: safe only under the lock
      return timer(10).pipe(map(() => (balance = read - amount)));
    }),
  );

// Without the lock both would read 100, and the balance would end at 50.
merge(withdraw(30), withdraw(50)).subscribe({ complete: () => console.log(balance, lock.locked()) });
// Logs:
// 20 false
