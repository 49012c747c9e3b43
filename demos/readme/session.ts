import { using, lastValueFrom } from 'rxjs';
import { gather } from '../../lib';
import { HttpStatusError, createSession } from '../../lib/http';
import type { ClientSession } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';

async function main(): Promise<void> {
  const httpbin = await startHttpbin();
  // using() is the `async with` of RxJS: the session closes when the stream ends.
  const results = await lastValueFrom(
    using(
      () => createSession({ baseURL: httpbin.url, timeout: 1000, raiseForStatus: true }),
      (session) => {
        const s = session as ClientSession;
        return gather([s.json<{ url: string }>('/get'), s.status('/status/404'), s.text('/delay/3')], { returnExceptions: true });
      },
    ),
  );
  const [json, notFound, slow] = results;
  console.log((json as { url: string }).url === `${httpbin.url}/get`);
  console.log(notFound instanceof HttpStatusError && notFound.status, (slow as Error).name);
  await httpbin.close();
}
void main();
// Logs:
// true
// 404 TimeoutError
