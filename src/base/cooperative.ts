// Owns letting long loops share the event loop: a loop that handles many items calls the
// returned function per item, and every few milliseconds it waits one macrotask so other users'
// requests and I/O run in between. Must not sleep: it yields only when the budget is spent.

/** Continuous work allowed before a loop lets others run; well under a page view's budget. */
export const sliceBudgetMs = 8;

/**
 * A per-loop yielder: `await next()` per item. A `for await` over an already-buffered stream
 * (imapflow's FETCH responses) only runs microtasks, so without this one sign-in's index build
 * or preview fill holds every other session's requests for hundreds of milliseconds (seen in
 * CPU profiles: 600 ms stretches).
 */
export function cooperativeYielder(budgetMs = sliceBudgetMs): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
}
