import { timer } from 'rxjs';
import { Event } from '../../lib';

const ready = new Event();
ready.wait().subscribe(() => console.log('worker 1 starts'));
ready.wait().subscribe(() => console.log('worker 2 starts'));
timer(50).subscribe(() => {
  console.log('config loaded');
  ready.set(); // wakes every waiter; later wait()s emit at once until clear()
  ready.wait().subscribe(() => console.log('worker 3 starts at once'));
});
// Logs:
// config loaded
// worker 1 starts
// worker 2 starts
// worker 3 starts at once
