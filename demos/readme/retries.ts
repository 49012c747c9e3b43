import { lastValueFrom } from 'rxjs';
import { HttpStatusError, createSession } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';

async function main(): Promise<void> {
  const httpbin = await startHttpbin();
  // Up to 2 retries, 10 ms apart, of a GET, HEAD, PUT, DELETE or OPTIONS answered 408, 413, 429, 500, 502, 503 or 504.
  const session = createSession({ baseURL: httpbin.url, retry: { limit: 2, delay: () => 10 } });
  const sent = (): string => `sent ${httpbin.requests} so far`;

  // A GET answered 503 is sent 3 times; the last response is the answer.
  console.log(await lastValueFrom(session.status('/status/503')), sent());
  // A request's own retry replaces the session's: retry: 0 sends it once.
  console.log(await lastValueFrom(session.status('/status/503', { retry: 0 })), sent());
  // Under raiseForStatus, the last attempt's HttpStatusError.
  const err: unknown = await lastValueFrom(session.get('/status/502', { raiseForStatus: true })).catch((e: unknown) => e);
  console.log(err instanceof HttpStatusError && err.status, sent());
  // A POST is sent once (unless retry.methods lists it), and so is a status not in statusCodes.
  console.log((await lastValueFrom(session.post('/status/503'))).status, await lastValueFrom(session.status('/status/404')), sent());

  await session.close();
  await httpbin.close();
}
void main();
// Logs:
// 503 sent 3 so far
// 503 sent 4 so far
// 502 sent 7 so far
// 503 404 sent 9 so far
