import { lastValueFrom, map, take, toArray } from 'rxjs';
import { createSession } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';

async function main(): Promise<void> {
  const httpbin = await startHttpbin();
  const session = createSession({ baseURL: httpbin.url });

  // NDJSON, a line at a time as it arrives (aiohttp: `async for line in resp.content`).
  const ids = session.lines('/stream/3').pipe(map((line) => (JSON.parse(line) as { id: number }).id));
  console.log(await lastValueFrom(ids.pipe(toArray())));
  // Server-Sent Events, parsed by the WHATWG rules; `id` carries over, `type` is the event's name.
  const events = await lastValueFrom(session.sse('/sse?count=2&duration=0').pipe(toArray()));
  console.log(events.map((event) => `${event.type}#${event.id}`));
  // Raw chunks, with download progress; take(2) then aborts the request: the rest is never read.
  const seen: string[] = [];
  const onDownloadProgress = ({ loaded, total }: { loaded: number; total: number | undefined }): void => void seen.push(`${loaded}/${total}`);
  const chunks = await lastValueFrom(session.stream('/drip?duration=1&numbytes=5', { onDownloadProgress }).pipe(take(2), toArray()));
  console.log(chunks.length, seen[0]); // a byte every 200 ms, of a Content-Length of 5

  await session.close();
  await httpbin.close();
}
void main();
// Logs:
// [ 0, 1, 2 ]
// [ 'ping#0', 'ping#1' ]
// 2 1/5
