import { TRANSPORTS } from './helpers';
import { KINDS, runMalformed } from './malformed';
import { ResourceTracker } from '../testing/resources';

/**
 * The seeded generator of malformed responses (spec/hostile/malformed.ts), a short run on
 * each transport: every request ends as its kind allows (NetworkError, SyntaxError,
 * ResponseTooLargeError or TimeoutError), with no unhandled rejection, no hang (the run is
 * bounded by the test's timeout) and no socket left open. `npm run soak` runs 600 a
 * transport. HOSTILE_SEED sets the seed (default 13).
 */

const SEED = Number(process.env.HOSTILE_SEED ?? 13);
const COUNT = 2 * KINDS.length;

describe.each(TRANSPORTS)('malformed responses on %s', (_name, make) => {
  const resources = new ResourceTracker();

  beforeEach(() => {
    resources.start();
  });

  afterEach(async () => {
    const leaks = await resources.leaks();
    resources.stop();
    expect(leaks).toEqual([]);
  });

  it(`ends each of ${COUNT} requests (seed ${SEED}) as its kind allows, leaving nothing open`, async () => {
    const report = await runMalformed({ seed: SEED, count: COUNT, concurrency: 16, ...(make ? { transport: make(16) } : {}) });
    expect(report.mismatches).toEqual([]);
    expect(report.unhandled).toBe(0);
    expect(report.openAfterClose).toBe(0);
    expect(Object.keys(report.endings).sort()).toEqual(['NetworkError', 'ResponseTooLargeError', 'SyntaxError', 'TimeoutError']);
    // The draw covers most kinds even in a short run.
    expect(Object.keys(report.kinds).length).toBeGreaterThan(KINDS.length / 2);
  }, 60_000);
});
