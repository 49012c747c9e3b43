import { asyncScheduler } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Deadlines, Silence, startSilence } from '../../lib/internal/deadline';
import type { Expiring } from '../../lib/internal/deadline';
import { ResourceTracker } from '../testing/resources';

/** Records the virtual frame at which each named target expired. */
function recorder(): { target(name: string): Expiring; readonly expired: string[] } {
  const expired: string[] = [];
  return {
    expired,
    target: (name) => ({ expire: () => void expired.push(`${name}@${asyncScheduler.now()}`) }),
  };
}

const virtual = (body: () => void): void => new TestScheduler((a, b) => expect(a).toEqual(b)).run(body);

describe('Deadlines', () => {
  it('ends the deadlines due in order, leaving those ended early alone', () => {
    let expired: string[] = [];
    virtual(() => {
      const deadlines = new Deadlines();
      const r = recorder();
      expired = r.expired;
      const a = deadlines.start(100, r.target('a'))!;
      asyncScheduler.schedule(() => void deadlines.start(100, r.target('b')), 10);
      asyncScheduler.schedule(() => void deadlines.start(100, r.target('c')), 20);
      deadlines.start(50, r.target('short'));
      // The first ends early: its timer wakes at 100 with nothing due, and is set for b.
      asyncScheduler.schedule(() => a.unsubscribe(), 5);
      asyncScheduler.schedule(() => void deadlines.start(100, r.target('late')), 250);
    });
    expect(expired).toEqual(['short@50', 'b@110', 'c@120', 'late@350']);
  });

  it('ends a deadline that a due one starts as it ends (a retry), in its own time', () => {
    let expired: string[] = [];
    virtual(() => {
      const deadlines = new Deadlines();
      const r = recorder();
      expired = r.expired;
      deadlines.start(100, {
        expire: () => {
          expired.push(`first@${asyncScheduler.now()}`);
          deadlines.start(100, r.target('retry'));
        },
      });
    });
    expect(expired).toEqual(['first@100', 'retry@200']);
  });

  it('takes undefined and Infinity for no deadline', () => {
    const deadlines = new Deadlines();
    expect(deadlines.start(undefined, { expire: () => undefined })).toBeUndefined();
    expect(deadlines.start(Infinity, { expire: () => undefined })).toBeUndefined();
  });

  it('leaves no timer behind once every deadline has ended, in real time', async () => {
    const resources = new ResourceTracker().start();
    try {
      const deadlines = new Deadlines();
      const handles = Array.from({ length: 50 }, () => deadlines.start(60_000, { expire: () => undefined })!);
      for (const handle of handles) handle.unsubscribe();
      expect(await resources.leaks()).toEqual([]);
    } finally {
      resources.stop();
    }
  });

  it('keeps deadlines started in virtual time apart from those on the real clock', () => {
    const deadlines = new Deadlines();
    const onRealClock = deadlines.start(60_000, { expire: () => undefined })!;
    let expired: string[] = [];
    try {
      virtual(() => {
        const r = recorder();
        expired = r.expired;
        deadlines.start(60_000, r.target('virtual'));
      });
    } finally {
      onRealClock.unsubscribe();
    }
    expect(expired).toEqual(['virtual@60000']);
  });
});

describe('Silence', () => {
  it('expires after ms without a touch, however long it lasts with touches', () => {
    let expired: number[] = [];
    virtual(() => {
      const at: number[] = [];
      expired = at;
      const silence = startSilence(100, { expire: () => void at.push(asyncScheduler.now()) }) as Silence;
      for (const t of [50, 120, 190]) asyncScheduler.schedule(() => silence.touch(), t);
    });
    expect(expired).toEqual([290]);
  });

  it('is none for Infinity', () => {
    expect(startSilence(Infinity, { expire: () => undefined })).toBeUndefined();
  });
});
