import { Gate } from '../../lib/internal/gate';
import type { Room, Waiter } from '../../lib/internal/gate';

/** A room of `free` places, taken one per admission. */
class Places implements Room {
  constructor(public free: number) {}
  take(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }
}

/** A waiter that records its admission, and may do something then. */
class Recorder implements Waiter {
  list: Waiter['list'] = undefined;
  prevItem: Waiter | undefined = undefined;
  nextItem: Waiter | undefined = undefined;
  context: Waiter['context'] = undefined;
  constructor(
    readonly name: string,
    private readonly log: string[],
    private readonly then?: () => void,
  ) {}
  admit(): void {
    this.log.push(this.name);
    this.then?.();
  }
}

describe('Gate', () => {
  it('admits at once only when nobody waits and there is room, else queues, first come first served', () => {
    const room = new Places(1);
    const gate = new Gate(room);
    const log: string[] = [];
    expect(gate.enter(new Recorder('a', log))).toBe(true);
    expect(gate.enter(new Recorder('b', log))).toBe(false);
    expect(gate.enter(new Recorder('c', log))).toBe(false);
    room.free = 2;
    gate.pump();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(gate.waiting).toBe(0);
  });

  it('queues a waiter that enters during an admission, and admits it once that admission has returned', () => {
    const room = new Places(5);
    const gate = new Gate(room);
    const log: string[] = [];
    const inner = new Recorder('inner', log);
    const outer = new Recorder('outer', log, () => {
      // Room is free and nobody waits, but an admission is in progress: inner queues.
      expect(gate.enter(inner)).toBe(false);
      log.push('outer returns');
    });
    expect(gate.enter(outer)).toBe(true);
    expect(log).toEqual(['outer', 'outer returns', 'inner']);
  });

  it('runs 100,000 re-entries (each admission entering the next waiter) in a loop, not on the stack', () => {
    const room = new Places(Infinity);
    const gate = new Gate(room);
    const log: string[] = [];
    let left = 100_000;
    const next = (): void => {
      if (--left > 0) gate.enter(new Recorder('x', log, next));
    };
    gate.enter(new Recorder('x', log, next));
    expect(log).toHaveLength(100_000);
  });

  it('never admits a waiter that left, and hands the room on to the next', () => {
    const room = new Places(0);
    const gate = new Gate(room);
    const log: string[] = [];
    const a = new Recorder('a', log);
    gate.enter(a);
    gate.enter(new Recorder('b', log));
    expect(gate.leave(a)).toBe(true);
    expect(gate.leave(a)).toBe(false);
    room.free = 1;
    gate.pump();
    expect(log).toEqual(['b']);
  });
});
