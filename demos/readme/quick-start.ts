import { lastValueFrom } from 'rxjs';
import { gather } from '../../lib';
import { createSession } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';

async function main(): Promise<void> {
  const httpbin = await startHttpbin(); // a local httpbin on 127.0.0.1
  const session = createSession({ baseURL: httpbin.url, timeout: 5000 });
  const urls = ['/status/200', '/status/201', '/status/400'];
  const statuses = await lastValueFrom(
    gather(
      urls.map((url) => session.status(url)),
      { concurrency: 2 },
    ),
  );
  console.log(statuses);
  await session.close();
  await httpbin.close();
}
void main();
// Logs:
// [ 200, 201, 400 ]
