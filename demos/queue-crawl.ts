/**
 * The canonical asyncio crawler: a Queue of URLs drained by N workers inside a task
 * group. Each worker takes a page off the queue, fetches it, puts the links it has not
 * seen yet back on the queue, and marks the page done; the group's body waits for the
 * queue to be done (`join()`), then shuts it down, and the workers end.
 *
 * asyncio:  queue = asyncio.Queue(); queue.put_nowait(root)
 *           async def worker():
 *               while True:
 *                   url = await queue.get()          # QueueShutDown ends the loop
 *                   for link in links(await fetch(url)):
 *                       if link not in seen: seen.add(link); queue.put_nowait(link)
 *                   queue.task_done()
 *           async with asyncio.TaskGroup() as group:
 *               for _ in range(N): group.create_task(worker())
 *               await queue.join(); queue.shutdown()
 * rxjs:     taskGroup((group) => {
 *             for (let i = 0; i < N; i++) group.createTask(worker);
 *             return queue.join().pipe(tap(() => queue.shutdown()));
 *           })
 *           where worker = queue.get().pipe(concatMap(fetchAndQueueLinks), repeat(), ...)
 *
 * The site is the httpbin's `/links/:n/:offset`: n pages, each linking to all the others,
 * so most links found are already seen. A worker's task ends with the number of pages it
 * fetched: the queue's shutdown ends its `repeat()` loop (its next `get()` fails with
 * `QueueShutDownError`, which the worker takes as its end).
 *
 * Progress: a live bar (cli-progress) when stdout is a terminal, otherwise a plain line
 * at 25, 50, 75 and 100%. At the end: pages fetched, links seen, what each worker did,
 * and the queue back to empty with nothing pending.
 *
 *   npx tsx demos/queue-crawl.ts                   a site of 200 pages, 8 workers
 *   CRAWL_PAGES=50 npx tsx demos/queue-crawl.ts    another size (at most 200)
 *   npx tsx demos/run-all.ts queue-crawl           the short form of `npm run demo`: 100 pages
 */
import { EMPTY, catchError, concatMap, count, finalize, lastValueFrom, map, repeat, tap, throwError } from 'rxjs';
import { Queue, QueueShutDownError, taskGroup } from '../lib';
import type { Task } from '../lib';
import { createSession } from '../lib/http';
import type { DemoEnv } from './run-all';
import { httpbinUrl } from './guide/env';
import { runIfMain } from './lib/main';
import { progressBar, progressLines } from './lib/progress';

/** Workers draining the queue. */
export const WORKERS = 8;
/** Pages of the site in `npm run demo` (the short form) and in a run on its own. */
export const SHORT_FORM = 100;
export const FULL_RUN = 200;

export interface QueueCrawlOptions {
  /** Pages of the site. Default: `CRAWL_PAGES`, else 100 (the short form). */
  readonly pages?: number;
  /** Show a live bar rather than plain lines. Default: whether stdout is a terminal. */
  readonly progressBar?: boolean;
}

/** The links of an httpbin `/links` page, in page order. */
export function linksIn(html: string): string[] {
  return [...html.matchAll(/href='([^']+)'/g)].map((match) => match[1]!);
}

/** `CRAWL_PAGES` as a number of pages (1 to 200), else `fallback`. */
export function pagesFromEnv(fallback: number): number {
  const raw = process.env.CRAWL_PAGES;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1 && n <= 200)) throw new RangeError(`CRAWL_PAGES must be an integer from 1 to 200, got ${JSON.stringify(raw)}`);
  return n;
}

export async function main(env: DemoEnv = {}, options: QueueCrawlOptions = {}): Promise<void> {
  const pages = options.pages ?? pagesFromEnv(SHORT_FORM);
  const showBar = options.progressBar ?? process.stdout.isTTY === true;
  const session = createSession({ baseURL: httpbinUrl(env), raiseForStatus: true, timeout: 10_000 });
  const root = `/links/${pages}/0`;
  const queue = new Queue<string>();
  const seen = new Set<string>([root]);
  let fetched = 0;
  let linksFound = 0;

  console.log(`crawling a site of ${pages} pages from ${root}: one Queue, ${WORKERS} workers in a taskGroup`);
  const started = performance.now();
  const view = showBar ? progressBar(pages, started, 'pages') : progressLines(pages, started, 'pages');

  /** Fetches a page and queues the links not seen yet; the page is done once its teardown has run. */
  const visit = (url: string) =>
    session.text(url).pipe(
      map((html) => {
        for (const link of linksIn(html)) {
          linksFound++;
          if (seen.has(link)) continue;
          seen.add(link);
          queue.putNowait(link);
        }
        view.update({ done: ++fetched, failed: 0, total: pages });
        return url;
      }),
      finalize(() => queue.taskDone()),
    );
  /** Page after page until the queue is shut down; then the number of pages it fetched. */
  const worker = queue.get().pipe(
    concatMap(visit),
    repeat(),
    catchError((err: unknown) => (err instanceof QueueShutDownError ? EMPTY : throwError(() => err))),
    count(),
  );

  const workers: Task<number>[] = [];
  queue.putNowait(root);
  try {
    await lastValueFrom(
      taskGroup((group) => {
        for (let i = 0; i < WORKERS; i++) workers.push(group.createTask(worker));
        // Every page queued has been done: nothing more will be found.
        return queue.join().pipe(tap(() => queue.shutdown()));
      }),
    );
    view.stop();
    const elapsed = (performance.now() - started) / 1000;
    console.log(`done: ${fetched} pages fetched in ${elapsed.toFixed(2)} s, ${linksFound} links found, ${seen.size} distinct`);
    console.log(`pages per worker: ${workers.map((task) => task.result()).join(', ')} (${workers.length} workers, all ended)`);
    console.log(`queue back to empty: size ${queue.size}, and join() emits at once: ${await lastValueFrom(queue.join().pipe(map(() => true)))}`);
  } finally {
    view.stop();
    await session.close();
  }
}

// On its own, a site of 200 pages (or CRAWL_PAGES), against HTTPBIN_URL or an embedded httpbin of its own.
runIfMain(module, (env) => main(env, { pages: pagesFromEnv(FULL_RUN) }), { needsHttpbin: true });
