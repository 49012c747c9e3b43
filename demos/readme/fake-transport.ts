import { deepStrictEqual } from 'node:assert';
import { TestScheduler } from 'rxjs/testing';
import { createSession } from '../../lib/http';
import { fakeTransport } from '../../lib/testing';

const testScheduler = new TestScheduler((actual, expected) => deepStrictEqual(actual, expected));
testScheduler.run(({ cold, expectObservable }) => {
  // A session whose "server" answers at frame 3, in virtual time.
  const transport = fakeTransport((request) => cold('---r|', { r: { status: 200, data: { asked: request.url } } }));
  const session = createSession({ baseURL: 'http://api.test', transport, timeout: 5 });
  expectObservable(session.json('/users/1')).toBe('---j|', { j: { asked: 'http://api.test/users/1' } });
});
console.log('the marble test passed');
// Logs:
// the marble test passed
