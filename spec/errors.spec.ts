import { BrokenBarrierError, CancelledError, InvalidStateError, QueueEmptyError, QueueFullError, QueueShutDownError, TaskGroupError } from '../lib';

describe('errors', () => {
  it.each([
    [CancelledError, 'CancelledError', 'the task was cancelled'],
    [InvalidStateError, 'InvalidStateError', 'the task is not done'],
    [BrokenBarrierError, 'BrokenBarrierError', 'the barrier is broken'],
    [QueueFullError, 'QueueFullError', 'the queue is full'],
    [QueueEmptyError, 'QueueEmptyError', 'the queue is empty'],
    [QueueShutDownError, 'QueueShutDownError', 'the queue is shut down'],
  ] as const)('%p is an Error named after its class, with a default message', (ErrorClass, name, message) => {
    const err = new ErrorClass();
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.message).toBe(message);
    expect(String(new ErrorClass('custom'))).toBe(`${name}: custom`);
  });

  describe('TaskGroupError', () => {
    it('is an AggregateError holding the failures in order', () => {
      const first = new Error('first');
      const err = new TaskGroupError([first, 'a string thrown']);
      expect(err).toBeInstanceOf(AggregateError);
      expect(err.name).toBe('TaskGroupError');
      expect(err.errors).toEqual([first, 'a string thrown']);
      expect(err.message).toBe('taskGroup: 2 failures: Error: first; a string thrown');
    });

    it('shortens a long failure in its message', () => {
      const err = new TaskGroupError([new Error('x'.repeat(200))]);
      expect(err.message).toBe(`taskGroup: 1 failure: Error: ${'x'.repeat(90)}...`);
    });
  });
});
