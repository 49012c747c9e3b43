import { interval, timer } from 'rxjs';
import { deadline, waitFor } from '../../lib';

waitFor(timer(500), 50).subscribe({ error: (err: Error) => console.log(err.name, err.message) });
interval(100)
  .pipe(deadline(350))
  .subscribe({ next: (n) => console.log(n), error: (err: Error) => console.log(err.name) });
// Logs:
// TimeoutError waitFor: input did not complete within 50 ms
// 0
// 1
// 2
// TimeoutError
