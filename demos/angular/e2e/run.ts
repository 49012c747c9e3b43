/**
 * End to end: the production build in headless Chromium (Debian's, driven by
 * playwright-core), against its API on 127.0.0.1. Both dashboards (`/` over HttpClient,
 * `/session` over provideSession), each twice: over the same-origin proxy (`/api`) and
 * across origins, straight to the httpbin (`?api=`, CORS).
 *
 * Each pass opens the dashboard and checks what the page shows and what the server
 * counted: gather's three widgets (the failing one in its slot), asCompleted's
 * results rendered one by one as they arrived, the mirror race won by the fastest
 * mirror with the other two aborted (the server sees them end long before they would
 * have answered), and the Semaphore's batch never above its limit on the server. Any
 * console error fails the run, except the one the failing widget is designed to cause.
 * Every wait is bounded by an event (a selector, a server counter), never a sleep.
 *
 * A screenshot of each pass goes to e2e/artifacts/. Environment: CHROME_BIN (default
 * /usr/bin/chromium), APP_DIST (default dist/dashboard/browser).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { startStack } from './serve';
import type { Stack } from './serve';

const CHROME = process.env['CHROME_BIN'] ?? '/usr/bin/chromium';
const DIST = process.env['APP_DIST'] ?? 'dist/dashboard/browser';
const ARTIFACTS = join(__dirname, 'artifacts');
/** Chromium's flags for this machine: no GPU, no QUIC, nothing that calls home. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The longest any one wait may take (a page event or a server counter). */
const WAIT_MS = 20_000;

let passed = 0;
const failures: string[] = [];

/** One assertion: counted, and reported with its name. */
function check(name: string, ok: boolean, detail: string): void {
  if (ok) {
    passed++;
    console.log(`  ✓ ${name}`);
  } else {
    failures.push(`${name}: ${detail}`);
    console.log(`  ✗ ${name}: ${detail}`);
  }
}

const text = async (page: Page, testId: string): Promise<string> =>
  ((await page.getByTestId(testId).textContent()) ?? '').trim();

/** The dashboard's two data sources: HttpClient with the core entry (`/`), and a session from provideSession (`/session`). */
type Variant = 'httpclient' | 'session';

async function pass(
  context: BrowserContext,
  stack: Stack,
  variant: Variant,
  modeOnly: 'proxy' | 'cors',
): Promise<void> {
  const { httpbin, proxy } = stack;
  const path = variant === 'session' ? '/session' : '/';
  const url =
    modeOnly === 'proxy'
      ? `${stack.appUrl}${path}`
      : `${stack.appUrl}${path}?api=${encodeURIComponent(httpbin.url)}`;
  const mode = `${variant}, ${modeOnly}`;
  console.log(
    `\n${variant === 'session' ? 'provideSession' : 'HttpClient'}, ${modeOnly === 'proxy' ? "over the same-origin proxy, base '/api'" : `across origins, straight to ${httpbin.url} (CORS)`}`,
  );
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error')
      consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  page.setDefaultTimeout(WAIT_MS);

  const t0 = Date.now();
  await page.goto(url);

  // gather: the widgets load with the page; the failing one holds its error, the page renders.
  await page.getByTestId('gather-done').waitFor();
  check(
    `[${mode}] gather: profile shows its data`,
    (await text(page, 'widget-profile')) === 'profile: Ada',
    await text(page, 'widget-profile'),
  );
  check(
    `[${mode}] gather: stats (503) holds its error in its slot`,
    // HttpClient's HttpErrorResponse, or the session's HttpStatusError (raiseForStatus).
    (await text(page, 'widget-stats')) ===
      (variant === 'session'
        ? 'stats: failed: 503 (HttpStatusError)'
        : 'stats: failed: 503 Service Unavailable'),
    await text(page, 'widget-stats'),
  );
  check(
    `[${mode}] gather: notices shows its data`,
    (await text(page, 'widget-notices')) === 'notices: Welcome',
    await text(page, 'widget-notices'),
  );
  const title = await page.title();
  const wantedTitle =
    variant === 'session' ? 'Dashboard over provideSession' : 'Dashboard over HttpClient';
  check(`[${mode}] the page is the ${variant} dashboard`, title === wantedTitle, title);
  console.log(`    (page ready ${Date.now() - t0} ms after navigation)`);

  // The Semaphore's batch: the server never had more than its limit in flight (and had that many).
  const requestsBefore = httpbin.requests;
  await page.getByTestId('run-batch').click();
  await page.getByTestId('batch-done').waitFor();
  check(
    `[${mode}] batch: 12 thumbnails loaded`,
    (await text(page, 'batch-count')) === '12',
    await text(page, 'batch-count'),
  );
  check(
    `[${mode}] batch: the page had at most 4 in flight`,
    (await text(page, 'batch-peak')) === '4',
    await text(page, 'batch-peak'),
  );
  check(
    `[${mode}] batch: the server received the 12`,
    httpbin.requests - requestsBefore === 12,
    `${httpbin.requests - requestsBefore} requests`,
  );
  check(
    `[${mode}] batch: the server's peak of requests in flight is the limit, 4`,
    httpbin.maxActiveRequests === 4,
    `peak ${httpbin.maxActiveRequests}`,
  );

  // asCompleted: each result rendered as it arrived. A MutationObserver notes when each
  // item enters the page, so "one by one" is measured in the page, not by polling.
  await page.evaluate(() => {
    const list = document.querySelector('[data-testid="feed"] ol')!;
    const seen: { name: string; at: number }[] = [];
    (window as unknown as { feedSeen: typeof seen }).feedSeen = seen;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof HTMLElement && node.matches('li'))
            seen.push({ name: node.querySelector('b')?.textContent ?? '', at: performance.now() });
        }
      }
    }).observe(list, { childList: true });
  });
  await page.getByTestId('run-feed').click();
  await page.getByTestId('feed-done').waitFor();
  const seen = await page.evaluate(
    () => (window as unknown as { feedSeen: { name: string; at: number }[] }).feedSeen,
  );
  const names = seen.map((item) => item.name).join(', ');
  check(
    `[${mode}] asCompleted: results in the order they arrived (fast, medium, slow)`,
    names === 'fast, medium, slow',
    names,
  );
  const spread = seen.length === 3 ? Math.round(seen[2]!.at - seen[0]!.at) : 0;
  check(
    `[${mode}] asCompleted: shown as they arrived, not at the end (fast on the page ${spread} ms before slow)`,
    spread >= 600,
    `${spread} ms`,
  );

  // wait FIRST_COMPLETED: the fastest mirror wins; the two others are aborted, which the
  // server sees: no request left in flight long before the slower mirrors (3 s, 5 s) answer.
  const abortedBefore = proxy.aborted;
  const raceStarted = Date.now();
  await page.getByTestId('run-race').click();
  await page.getByTestId('race-done').waitFor();
  check(
    `[${mode}] race: eu (0.3 s) wins`,
    (await text(page, 'race-winner')) === 'eu',
    await text(page, 'race-winner'),
  );
  check(
    `[${mode}] race: the 2 others cancelled`,
    (await text(page, 'race-cancelled')) === '2',
    await text(page, 'race-cancelled'),
  );
  await httpbin.waitForActiveRequests(0, WAIT_MS);
  const settled = Date.now() - raceStarted;
  check(
    `[${mode}] race: the server saw every request end ${settled} ms after the start, before the 3 s mirror could answer`,
    settled < 2900,
    `${settled} ms`,
  );
  check(
    `[${mode}] race: the server has no delayed answer left pending`,
    httpbin.pendingTimers === 0,
    `${httpbin.pendingTimers} timers`,
  );
  if (modeOnly === 'proxy')
    check(
      `[${mode}] race: the proxy saw the browser abort 2 requests`,
      proxy.aborted - abortedBefore === 2,
      `${proxy.aborted - abortedBefore} aborted`,
    );

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({
    path: join(ARTIFACTS, `dashboard-${variant}-${modeOnly}.png`),
    fullPage: true,
  });

  // The one console error the page is designed to cause: the failing widget's 503.
  const expected = consoleErrors.filter(
    (line) => /status of 503/.test(line) && line.includes('/status/503'),
  );
  const unexpected = consoleErrors.filter((line) => !expected.includes(line));
  check(
    `[${mode}] console: the failing widget's 503 was reported, once`,
    expected.length === 1,
    `${expected.length} times`,
  );
  check(
    `[${mode}] console: no error but the failing widget's 503`,
    unexpected.length === 0,
    unexpected.join(' | '),
  );
  await page.close();
}

async function main(): Promise<void> {
  const started = Date.now();
  const stack = await startStack(DIST);
  const profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROME,
    headless: true,
    args: FLAGS,
  });
  try {
    console.log(
      `app ${stack.appUrl}, httpbin ${stack.httpbin.url}, Chromium ${context.browser()?.version() ?? '(persistent context)'}`,
    );
    for (const variant of ['httpclient', 'session'] as const) {
      await pass(context, stack, variant, 'proxy');
      await pass(context, stack, variant, 'cors');
    }
  } finally {
    await context.close();
    await stack.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`\nscreenshots in ${ARTIFACTS}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${passed} passed, ${failures.length} failed`);
  if (failures.length > 0) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  console.log(`e2e: ${passed} passed, ${failures.length + 1} failed`);
  process.exit(1);
});
