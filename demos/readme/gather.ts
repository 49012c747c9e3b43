import { of, throwError, timer, map } from 'rxjs';
import { gather } from '../../lib';

const job = (name: string, ms: number) => () => timer(ms).pipe(map(() => name));

gather([job('a', 30), job('b', 10), Promise.resolve(3)], { concurrency: 2 }).subscribe(console.log);
gather({ user: of('ada'), posts: of(2) }).subscribe(console.log);
gather([of(1), throwError(() => new Error('boom'))], { returnExceptions: true }).subscribe((results) => console.log(results.map(String)));
// Logs:
// { user: 'ada', posts: 2 }
// [ '1', 'Error: boom' ]
// [ 'a', 'b', 3 ]
