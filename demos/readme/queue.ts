import { concatMap, finalize, map, repeat, timer } from 'rxjs';
import { Queue } from '../../lib';

const queue = new Queue<string>(2); // at most 2 items waiting: put() waits for room
const worker = (name: string) =>
  queue.get().pipe(
    concatMap((job) =>
      timer(10).pipe(
        map(() => `${name} did ${job}`),
        finalize(() => queue.taskDone()),
      ),
    ), // one job at a time
    repeat(), // then the next, until the queue is shut down
  );
worker('w1').subscribe({ next: console.log, error: (err: Error) => console.log('w1:', err.name) });
worker('w2').subscribe({ next: console.log, error: (err: Error) => console.log('w2:', err.name) });

for (const job of ['a', 'b', 'c', 'd']) queue.put(job).subscribe();
queue.join().subscribe(() => {
  console.log('all done, size', queue.size);
  queue.shutdown(); // the waiting workers end with QueueShutDownError
});
// Logs:
// w1 did a
// w2 did b
// w1 did c
// w2 did d
// all done, size 0
// w1: QueueShutDownError
// w2: QueueShutDownError
