/**
 * For work a test cannot await (notifications are written in the background): re-reads `read`
 * until it returns at least `atLeast` rows or the time is up, and returns the last read; the
 * caller asserts on it. `atLeast: 0` reads once.
 */
export async function pollRows<T>(read: () => Promise<T[]>, { atLeast = 1, timeoutMs = 10_000, everyMs = 50 } = {}): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await read();
    if (rows.length >= atLeast || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
