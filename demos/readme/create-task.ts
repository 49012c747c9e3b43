import { timer, map } from 'rxjs';
import { createTask } from '../../lib';

const task = createTask(timer(100).pipe(map(() => 'report'))); // started now, once
console.log(task.done());
task.subscribe((result) => {
  console.log(result, task.result());
  const other = createTask(timer(1000));
  console.log(other.cancel(), other.cancelled());
});
// Logs:
// false
// report report
// true true
