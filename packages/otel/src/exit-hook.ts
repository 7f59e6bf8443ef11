/**
 * Flushes at process exit without the app calling `shutdown`: registers one `beforeExit` listener
 * that runs `flush` whenever `hasPendingWork()` says something is queued or in flight. While the
 * flush runs, a ref'd timer keeps the event loop alive (retry delays are unref'd and would not).
 * `beforeExit` fires again once the flush is done; with nothing pending the listener does nothing
 * and the process exits, so there is no loop. Returns the function that removes the listener.
 *
 * `beforeExit` does not fire on `process.exit()` or on signals: servers should call `shutdown()`
 * from their SIGTERM/SIGINT handlers (the SDK does not install signal handlers, as that would
 * change how the app exits).
 */
export function registerExitFlush(flush: () => Promise<void>, hasPendingWork: () => boolean): () => void {
  let flushing = false;
  const listener = (): void => {
    if (flushing || !hasPendingWork()) return;
    flushing = true;
    const keepAlive = setInterval(() => {}, 1 << 30);
    const done = (): void => {
      clearInterval(keepAlive);
      flushing = false;
    };
    flush().then(done, done);
  };
  process.on("beforeExit", listener);
  return () => {
    process.off("beforeExit", listener);
  };
}
