import { format } from 'node:util';
import { main as barrierDemo } from '../../demos/barrier';
import { sections } from '../../demos/run-all';

/**
 * The barrier demo, run as `npm run demo` runs it, on jest's fake clock (its timers stand
 * in for work): each timer fires in order of its due time however busy the machine, so
 * the story is exact. Times are kept: on the fake clock they are exact too.
 */
describe('demos/barrier', () => {
  const savedScale = process.env.DEMO_TIME_SCALE;
  beforeAll(() => {
    process.env.DEMO_TIME_SCALE = '0.1';
  });
  afterAll(() => {
    if (savedScale === undefined) delete process.env.DEMO_TIME_SCALE;
    else process.env.DEMO_TIME_SCALE = savedScale;
  });

  async function output(): Promise<string[]> {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(...format(...args).split('\n'));
    });
    jest.useFakeTimers();
    try {
      const done = barrierDemo();
      await jest.runAllTimersAsync();
      await done;
    } finally {
      jest.useRealTimers();
      spy.mockRestore();
    }
    return lines;
  }

  it('lets each round pass when its slowest runner arrives, then fails the waiters on abort() until reset()', async () => {
    expect(await output()).toEqual([
      'Three runners warm up for 300, 100 and 200 ms, then wait at a Barrier(3): all start at ~300 ms.',
      'After each lap they wait for the slowest: lap 1 takes 100, 300 and 200 ms; lap 2 takes 100, 50 and 200 ms.',
      '  ~300 ms  bob starts (first to arrive)',
      '  ~300 ms  cy starts (second to arrive)',
      '  ~300 ms  ada starts (third to arrive)',
      '  ~600 ms  ada goes on after lap 1 (first to arrive)',
      '  ~600 ms  cy goes on after lap 1 (second to arrive)',
      '  ~600 ms  bob goes on after lap 1 (third to arrive)',
      '  ~800 ms  bob goes on after lap 2 (first to arrive)',
      '  ~800 ms  bob finished',
      '  ~800 ms  ada goes on after lap 2 (second to arrive)',
      '  ~800 ms  ada finished',
      '  ~800 ms  cy goes on after lap 2 (third to arrive)',
      '  ~800 ms  cy finished',
      'race over at ~800 ms: 0 waiting, broken: false',
      '',
      'A race called off: ada and bob wait at the line, cy falls at 100 ms and calls abort().',
      '  ~100 ms  ada: BrokenBarrierError: Barrier.abort: the barrier was broken while waiting',
      '  ~100 ms  bob: BrokenBarrierError: Barrier.abort: the barrier was broken while waiting',
      '  ~100 ms  dan, who comes late: BrokenBarrierError: Barrier.wait: the barrier is broken',
      'broken: true; reset() mends it, and three runners pass again:',
      '  ~100 ms  ada started (first to arrive)',
      '  ~100 ms  bob started (second to arrive)',
      '  ~100 ms  cy started (third to arrive)',
      'broken: false, 0 waiting',
    ]);
  });

  it('is listed in run-all, so `npm run demo` runs it', () => {
    expect(sections.map((s) => s.file)).toContain('barrier.ts');
  });
});
