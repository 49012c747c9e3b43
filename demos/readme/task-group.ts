import { concatMap, finalize, lastValueFrom, map, throwError, timer } from 'rxjs';
import { TaskGroupError, taskGroup } from '../../lib';

taskGroup((group) => {
  const user = group.createTask(timer(20).pipe(map(() => 'ada')));
  const posts = group.createTask(timer(10).pipe(map(() => 3)));
  return Promise.all([lastValueFrom(user), lastValueFrom(posts)]); // the group's result
}).subscribe((result) => {
  console.log(result);
  // Then a group where one task fails: the other is cancelled, and the group fails.
  taskGroup((group) => {
    group.createTask(timer(1000).pipe(finalize(() => console.log('slow task cancelled'))));
    group.createTask(timer(10).pipe(concatMap(() => throwError(() => new Error('boom')))));
  }).subscribe({ error: (err: TaskGroupError) => console.log(err instanceof TaskGroupError, err.errors.map(String)) });
});
// Logs:
// [ 'ada', 3 ]
// slow task cancelled
// true [ 'Error: boom' ]
