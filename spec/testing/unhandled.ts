/**
 * The rejections Node reports unhandled while `body` runs, and for two turns of the event
 * loop after (an `unhandledRejection` is reported once the microtasks of the turn in which
 * the Promise rejected have run).
 */
export async function unhandledDuring(body: () => Promise<void> | void): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}
