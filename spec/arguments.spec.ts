import { Subject, of } from 'rxjs';
import { RateLimiter, asCompleted, asCompletedAll, createTask, deadline, gather, gatherAll, wait, waitFor, waitUntil } from '../lib';

/**
 * Bad arguments are refused when the function is called, not later when something
 * subscribes, with a TypeError (wrong kind of value) or RangeError (right kind, out of
 * range) whose message names the function, the parameter and the value received.
 */
describe('bad arguments', () => {
  const a = of(1);
  type Case = [call: string, run: () => unknown, error: TypeErrorConstructor | RangeErrorConstructor, message: string | RegExp];
  const INPUT = 'an ObservableInput (Observable, Promise, iterable, ...) or a function returning one';

  // prettier-ignore
  const cases: Case[] = [
    ['gather(42)',                          () => gather(42 as never),                                TypeError,  'gather: inputs must be an iterable (array, Set, Map, generator, ...) or async iterable of task inputs or a record of them, got 42'],
    ['gather("abc")',                       () => gather('abc' as never),                             TypeError,  /^gather: inputs must be .*, got "abc"$/],
    ['gather(undefined)',                   () => gather(undefined as never),                         TypeError,  /^gather: inputs must be .*, got undefined$/],
    ['gather(an Observable)',               () => gather(a as never),                                 TypeError,  /^gather: inputs must be .*, got an instance of Observable$/],
    ['gather([a, 42])',                     () => gather([a, 42] as never),                           TypeError,  `gather: inputs[1] must be ${INPUT}, got 42`],
    ['gather([a, null])',                   () => gather([a, null] as never),                         TypeError,  `gather: inputs[1] must be ${INPUT}, got null`],
    ['gather({ x: {} })',                   () => gather({ x: {} } as never),                         TypeError,  `gather: inputs.x must be ${INPUT}, got {}`],
    ['gather concurrency -1',               () => gather([a], { concurrency: -1 }),                   RangeError, 'gather: options.concurrency must be a positive integer or Infinity, got -1'],
    ['gather concurrency 0',                () => gather([a], { concurrency: 0 }),                    RangeError, 'gather: options.concurrency must be a positive integer or Infinity, got 0'],
    ['gather concurrency 1.5',              () => gather([a], { concurrency: 1.5 }),                  RangeError, 'gather: options.concurrency must be a positive integer or Infinity, got 1.5'],
    ['gather concurrency NaN',              () => gather([a], { concurrency: NaN }),                  RangeError, 'gather: options.concurrency must be a positive integer or Infinity, got NaN'],
    ['gather concurrency "2"',              () => gather([a], { concurrency: '2' as never }),         TypeError,  'gather: options.concurrency must be a positive integer or Infinity, got "2"'],
    ['gather timeout -1',                   () => gather([a], { timeout: -1 }),                       RangeError, 'gather: options.timeout must be a non-negative number of milliseconds, got -1'],
    ['gather timeout NaN',                  () => gather([a], { timeout: NaN }),                      RangeError, 'gather: options.timeout must be a non-negative number of milliseconds, got NaN'],
    ['gather returnExceptions "yes"',       () => gather([a], { returnExceptions: 'yes' as never }),  TypeError,  'gather: options.returnExceptions must be a boolean, got "yes"'],
    ['gather onProgress 1',                 () => gather([a], { onProgress: 1 as never }),            TypeError,  'gather: options.onProgress must be a function, got 1'],
    ['gather unknown option',               () => gather([a], { concurency: 2 } as never),            TypeError,  'gather: options.concurency is not a known option (expected one of concurrency, timeout, returnExceptions, onProgress), got 2'],
    ['gather options null',                 () => gather([a], null as never),                         TypeError,  'gather: options must be an object, got null'],
    ['asCompleted record',                  () => asCompleted({ x: a } as never),                     TypeError,  'asCompleted: inputs must be an iterable (array, Set, Map, generator, ...) or async iterable of task inputs, got { x }'],
    ['asCompleted concurrency -Infinity',   () => asCompleted([a], { concurrency: -Infinity }),       RangeError, 'asCompleted: options.concurrency must be a positive integer or Infinity, got -Infinity'],
    ['asCompleted [() => 1, 2]',            () => asCompleted([() => of(1), 2] as never),             TypeError,  `asCompleted: inputs[1] must be ${INPUT}, got 2`],
    ['wait(null)',                          () => wait(null as never),                                TypeError,  /^wait: inputs must be .*, got null$/],
    ['wait returnWhen "FIRST"',             () => wait([a], { returnWhen: 'FIRST' as never }),        RangeError, 'wait: options.returnWhen must be one of ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, got "FIRST"'],
    ['wait returnWhen 1',                   () => wait([a], { returnWhen: 1 as never }),              TypeError,  'wait: options.returnWhen must be one of ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, got 1'],
    ['wait timeout -5',                     () => wait([a], { timeout: -5 }),                         RangeError, 'wait: options.timeout must be a non-negative number of milliseconds, got -5'],
    ['wait concurrency (not an option)',    () => wait([a], { concurrency: 2 } as never),             TypeError,  'wait: options.concurrency is not a known option (expected one of returnWhen, timeout, onProgress), got 2'],
    ['waitFor timeout -1',                  () => waitFor(a, -1),                                     RangeError, 'waitFor: timeoutMs must be a non-negative number of milliseconds, got -1'],
    ['waitFor input 1',                     () => waitFor(1 as never, 10),                            TypeError,  `waitFor: input must be ${INPUT}, got 1`],
    ['createTask(undefined)',               () => createTask(undefined as never),                     TypeError,  `createTask: input must be ${INPUT}, got undefined`],
    ['gatherAll concurrency 0',             () => gatherAll({ concurrency: 0 }),                      RangeError, 'gatherAll: options.concurrency must be a positive integer or Infinity, got 0'],
    ['asCompletedAll timeout "1"',          () => asCompletedAll({ timeout: '1' as never }),          TypeError,  'asCompletedAll: options.timeout must be a non-negative number of milliseconds, got "1"'],
    ['waitUntil("ANY")',                    () => waitUntil('ANY' as never),                          RangeError, 'waitUntil: returnWhen must be one of ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, got "ANY"'],
    ['waitUntil timeout NaN',               () => waitUntil(undefined, { timeout: NaN }),             RangeError, 'waitUntil: options.timeout must be a non-negative number of milliseconds, got NaN'],
    ['deadline(-1)',                        () => deadline(-1),                                       RangeError, 'deadline: ms must be a non-negative number of milliseconds, got -1'],
    ['deadline("1")',                       () => deadline('1' as never),                             TypeError,  'deadline: ms must be a non-negative number of milliseconds, got "1"'],
  ];

  it.each(cases)('%s throws at call time', (_name, run, errorClass, message) => {
    let thrown: unknown;
    try {
      run();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    if (typeof message === 'string') expect((thrown as Error).message).toBe(message);
    else expect((thrown as Error).message).toMatch(message);
  });

  it('accepts Infinity for concurrency and timeout (no limit)', () => {
    expect(() => gather([a], { concurrency: Infinity, timeout: Infinity })).not.toThrow();
  });
});

/**
 * Options are read as their own properties only: a polluted `Object.prototype` (a
 * library that sets `Object.prototype.concurrency`, a prototype-pollution attack) never
 * changes what a call does.
 */
describe('options read as own properties only', () => {
  const polluted = Object.prototype as Record<string, unknown>;
  afterEach(() => {
    for (const key of ['concurrency', 'timeout', 'returnExceptions', 'count', 'interval', 'returnWhen']) delete polluted[key];
  });

  it('gather ignores an inherited concurrency, timeout and returnExceptions', () => {
    polluted.concurrency = 1;
    polluted.timeout = 0;
    polluted.returnExceptions = true;
    const subjects = [new Subject<number>(), new Subject<number>(), new Subject<number>()];
    let error: unknown;
    gather(subjects, {}).subscribe({ error: (err: unknown) => (error = err) });
    // All three subscribed at once (no concurrency limit) and no deadline fired.
    expect(subjects.map((s) => s.observed)).toEqual([true, true, true]);
    subjects[0]!.error(new Error('boom'));
    // Not kept in place: returnExceptions is off.
    expect(error).toEqual(new Error('boom'));
  });

  it('RateLimiter refuses a missing interval even when Object.prototype has one', () => {
    polluted.interval = 5;
    expect(() => new RateLimiter({ count: 1 } as never)).toThrow(
      'RateLimiter: options.interval must be a positive, finite number of milliseconds, got undefined',
    );
  });

  it('RateLimiter takes no inherited count', () => {
    polluted.count = 1_000;
    expect(() => new RateLimiter({ interval: 10 } as never)).toThrow('RateLimiter: options.count must be a positive integer, got undefined');
  });

  it('wait ignores an inherited returnWhen', () => {
    polluted.returnWhen = 'FIRST_COMPLETED';
    const later = new Subject<number>();
    let emitted = false;
    wait([of(1), later], {}).subscribe(() => (emitted = true));
    expect(emitted).toBe(false);
  });

  // Leaving the options out is no way around the rule.
  it('gather and wait without options ignore inherited ones too', () => {
    polluted.concurrency = 1;
    polluted.timeout = 0;
    polluted.returnWhen = 'FIRST_COMPLETED';
    const subjects = [new Subject<number>(), new Subject<number>()];
    let error: unknown;
    gather(subjects).subscribe({ error: (err: unknown) => (error = err) });
    expect(subjects.map((s) => s.observed)).toEqual([true, true]);
    expect(error).toBeUndefined();
    let emitted = false;
    wait([of(1), new Subject<number>()]).subscribe(() => (emitted = true));
    expect(emitted).toBe(false);
  });

  it('a bad inherited option is no error when the options are left out', () => {
    polluted.concurrency = -1;
    let result: unknown;
    expect(() => gather([of(1)]).subscribe((r) => (result = r))).not.toThrow();
    expect(result).toEqual([1]);
  });
});
