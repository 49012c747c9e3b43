import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '../../lib/internal/context';
import { Gate } from '../../lib/internal/gate';
import type { Room, Waiter } from '../../lib/internal/gate';

/** A room of `n` permits that a test gives back by hand. */
class Permits implements Room {
  blockedCalls = 0;
  idleCalls = 0;
  constructor(public available: number) {}
  take(): boolean {
    if (this.available === 0) return false;
    this.available--;
    return true;
  }
  blocked(): void {
    this.blockedCalls++;
  }
  idle(): void {
    this.idleCalls++;
  }
}

class Job implements Waiter {
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined;
  nextItem: Waiter | undefined;
  context: Context | undefined;
  constructor(
    readonly name: string,
    private readonly onAdmit: (job: Job) => void,
  ) {}
  admit(): void {
    this.onAdmit(this);
  }
}

describe('Gate', () => {
  function setup(permits: number): { room: Permits; gate: Gate; admitted: string[]; job: (name: string, onAdmit?: (job: Job) => void) => Job } {
    const room = new Permits(permits);
    const gate = new Gate(room);
    const admitted: string[] = [];
    const job = (name: string, onAdmit?: (job: Job) => void): Job =>
      new Job(name, (j) => {
        admitted.push(j.name);
        onAdmit?.(j);
      });
    return { room, gate, admitted, job };
  }

  it('admits at once while there is room, then first come, first served as room is freed', () => {
    const { room, gate, admitted, job } = setup(1);
    expect(gate.enter(job('a'))).toBe(true);
    expect(gate.enter(job('b'))).toBe(false);
    expect(gate.enter(job('c'))).toBe(false);
    expect(gate.waiting).toBe(2);
    room.available++;
    gate.pump();
    expect(admitted).toEqual(['a', 'b']);
    room.available++;
    gate.pump();
    expect(admitted).toEqual(['a', 'b', 'c']);
    expect(gate.waiting).toBe(0);
  });

  it('never lets a newcomer barge in while others wait, even when room is free at that moment', () => {
    const { room, gate, admitted, job } = setup(0);
    gate.enter(job('a'));
    room.available = 1;
    expect(gate.enter(job('b'))).toBe(false);
    expect(admitted).toEqual([]);
    gate.pump();
    expect(admitted).toEqual(['a']);
  });

  it('never admits a waiter that left, and gives its room to the next one', () => {
    const { room, gate, admitted, job } = setup(0);
    const [a, b, c] = [job('a'), job('b'), job('c')];
    for (const w of [a, b, c]) gate.enter(w);
    expect(gate.leave(b)).toBe(true);
    expect(gate.leave(b)).toBe(false);
    room.available = 2;
    gate.pump();
    expect(admitted).toEqual(['a', 'c']);
  });

  it('hands room on in a loop, not in nested calls, when admitted work ends synchronously', () => {
    const { room, gate, job } = setup(1);
    let depth = 0;
    let deepest = 0;
    const release = (): void => {
      depth++;
      deepest = Math.max(deepest, depth);
      room.available++;
      gate.pump();
      depth--;
    };
    gate.enter(job('holder'));
    for (let i = 0; i < 100_000; i++) gate.enter(job(String(i), release));
    release();
    expect(gate.waiting).toBe(0);
    // The first release pumps; each admitted job releases once from inside that pump, never deeper.
    expect(deepest).toBe(2);
  });

  it('queues a waiter that enters during an admission, and admits it once that admission has returned', () => {
    const { gate, admitted, job } = setup(5);
    const inner = job('inner');
    const outer = job('outer', () => {
      // Room is free and nobody waits, but an admission is in progress: inner queues.
      expect(gate.enter(inner)).toBe(false);
      admitted.push('outer returns');
    });
    expect(gate.enter(outer)).toBe(true);
    expect(admitted).toEqual(['outer', 'outer returns', 'inner']);
  });

  it('runs 100,000 re-entries (each admission entering the next waiter) in a loop, not on the stack', () => {
    const { gate, admitted, job } = setup(Infinity);
    let left = 100_000;
    const next = (): void => {
      if (--left > 0) gate.enter(job('x', next));
    };
    gate.enter(job('x', next));
    expect(admitted).toHaveLength(100_000);
  });

  it('goes on admitting when an admission throws, and rethrows the first error at the end', () => {
    const { room, gate, admitted, job } = setup(0);
    gate.enter(
      job('a', () => {
        throw new Error('first');
      }),
    );
    gate.enter(
      job('b', () => {
        throw new Error('second');
      }),
    );
    gate.enter(job('c'));
    room.available = 3;
    expect(() => gate.pump()).toThrow('first');
    expect(admitted).toEqual(['a', 'b', 'c']);
  });

  it('tells its room when waiters are blocked and when the queue has emptied', () => {
    const { room, gate, job } = setup(0);
    const a = job('a');
    gate.enter(a);
    expect(room.blockedCalls).toBe(1);
    gate.pump();
    expect(room.blockedCalls).toBe(2);
    gate.leave(a);
    expect(room.idleCalls).toBe(1);
  });

  it('admits a queued waiter in the async context it asked in, not in that of whoever freed the room', () => {
    const storage = new AsyncLocalStorage<number>();
    const { room, gate, job } = setup(1);
    const seen: (number | undefined)[] = [];
    const record = (): void => void seen.push(storage.getStore());
    for (const id of [0, 1, 2]) storage.run(id, () => gate.enter(job(String(id), record)));
    storage.run(99, () => {
      room.available++;
      gate.pump();
      room.available++;
      gate.pump();
    });
    expect(seen).toEqual([0, 1, 2]);
  });

  it('empties the queue without admitting anyone on takeAll()', () => {
    const { gate, admitted, job } = setup(0);
    const [a, b] = [job('a'), job('b')];
    gate.enter(a);
    gate.enter(b);
    expect(gate.takeAll()).toEqual([a, b]);
    expect(gate.waiting).toBe(0);
    expect(admitted).toEqual([]);
  });
});
