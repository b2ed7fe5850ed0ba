// Owns grouping messages into conversations (a JWZ-style algorithm, RFC 5256 §2 REFERENCES in
// spirit): parent links from References and In-Reply-To, then roots joined by base subject.
// Pure and allocation-light: typed arrays indexed by Message-ID key, no object per message.
import type { PackedThreadKeys } from './thread-keys.js';

/** Conversations of a message set. Message numbers are those ThreadKeys.add returned. */
export interface ThreadSet {
  /** Number of conversations. */
  count: number;
  /** The conversation of each message. */
  threadOf: Int32Array;
  /** Members of conversation t are members[starts[t]] .. members[starts[t + 1] - 1]. */
  starts: Uint32Array;
  /**
   * Message numbers grouped by conversation, each group oldest first; messages with the same
   * Date (headers have whole seconds) come parent before reply, then by number.
   */
  members: Uint32Array;
}

/**
 * Threads `keys`. Containers are Message-ID keys, plus one fresh container per message that has
 * no Message-ID or repeats one. Links are never allowed to form a cycle: a link that would is
 * dropped, as JWZ does. A message repeating a Message-ID (a copy in another folder, or a server
 * that stored it twice) joins its twin's conversation instead of starting its own.
 *
 * Roots with the same base subject are joined only when at least one of them reads as a reply
 * ("Re:", "AW:", … or a root whose first message is missing): a reply that lost its References
 * joins the latest earlier conversation of that subject. Two unrelated messages that merely share
 * a subject ("Meeting", "Fwd: Invoice") stay apart; JWZ would glue them.
 */
export function buildThreads(keys: PackedThreadKeys): ThreadSet {
  const n = keys.count;
  const capacity = keys.idCount + n;
  const parent = new Int32Array(capacity).fill(-1);
  const childCount = new Int32Array(capacity);
  const messageOf = new Int32Array(capacity).fill(-1);
  const containerOf = new Int32Array(n);
  let nextFresh = keys.idCount;

  const setParent = (child: number, to: number): void => {
    const old = parent[child] ?? -1;
    if (old === to) return;
    if (old !== -1) childCount[old] = (childCount[old] ?? 1) - 1;
    parent[child] = to;
    if (to !== -1) childCount[to] = (childCount[to] ?? 0) + 1;
  };
  /** Is `a` the same as or an ancestor of `b`? A container without children is nobody's. */
  const isAncestorOrSelf = (a: number, b: number): boolean => {
    if (a === b) return true;
    if ((childCount[a] ?? 0) === 0) return false;
    for (let x = parent[b] ?? -1, steps = 0; x !== -1 && steps < capacity; steps++) {
      if (x === a) return true;
      x = parent[x] ?? -1;
    }
    return false;
  };

  for (let i = 0; i < n; i++) {
    let c = keys.ownIds[i] ?? -1;
    if (c < 0 || (messageOf[c] ?? -1) >= 0) {
      const twin = c;
      c = nextFresh++;
      messageOf[c] = i;
      containerOf[i] = c;
      if (twin >= 0) {
        setParent(c, twin);
        continue;
      }
    } else {
      messageOf[c] = i;
      containerOf[i] = c;
    }
    const from = keys.chainStarts[i] ?? 0;
    const to = keys.chainStarts[i + 1] ?? from;
    // Each id of the chain is the parent of the next, unless already linked (first word wins).
    for (let j = from + 1; j < to; j++) {
      const up = keys.chain[j - 1] ?? -1;
      const down = keys.chain[j] ?? -1;
      if (parent[down] === -1 && !isAncestorOrSelf(down, up)) setParent(down, up);
    }
    // The message's own parent comes from its own headers: they are authoritative.
    if (to > from) {
      const up = keys.chain[to - 1] ?? -1;
      if (!isAncestorOrSelf(c, up)) setParent(c, up);
    }
  }

  // The root container of every message, path results remembered.
  const rootOf = new Int32Array(capacity).fill(-1);
  const findRoot = (start: number): number => {
    let r = start;
    while ((rootOf[r] ?? -1) === -1 && (parent[r] ?? -1) !== -1) r = parent[r] ?? -1;
    if ((rootOf[r] ?? -1) !== -1) r = rootOf[r] ?? r;
    for (let x = start; (rootOf[x] ?? -1) === -1; x = parent[x] ?? -1) {
      rootOf[x] = r;
      if (x === r) break;
    }
    return r;
  };
  // Depth of each container below its root (memoised walk), so a reply sent within the same
  // second as its parent still comes after it.
  const depthOf = new Int32Array(capacity).fill(-1);
  const containerDepth = (start: number): number => {
    const path: number[] = [];
    let x = start;
    while ((depthOf[x] ?? -1) === -1 && (parent[x] ?? -1) !== -1 && path.length < capacity) {
      path.push(x);
      x = parent[x] ?? -1;
    }
    let d = (depthOf[x] ?? -1) === -1 ? 0 : (depthOf[x] ?? 0);
    depthOf[x] = d;
    for (let k = path.length - 1; k >= 0; k--) depthOf[path[k] ?? 0] = ++d;
    return depthOf[start] ?? 0;
  };
  const depth = new Int32Array(n);
  for (let i = 0; i < n; i++) depth[i] = containerDepth(containerOf[i] ?? 0);
  const order = (a: number, b: number): number =>
    (keys.dates[a] ?? 0) - (keys.dates[b] ?? 0) || (depth[a] ?? 0) - (depth[b] ?? 0) || a - b;
  const messageRoot = new Int32Array(n);
  // Per root: its earliest message (see `order`), which names its subject when empty.
  const earliest = new Int32Array(capacity).fill(-1);
  const roots: number[] = [];
  const isEarlier = (a: number, b: number): boolean => order(a, b) < 0;
  for (let i = 0; i < n; i++) {
    const r = findRoot(containerOf[i] ?? 0);
    messageRoot[i] = r;
    const e = earliest[r] ?? -1;
    if (e === -1) roots.push(r);
    if (e === -1 || isEarlier(i, e)) earliest[r] = i;
  }

  const merged = joinBySubject(keys, roots, messageOf, earliest, isEarlier);
  return collect(keys.count, messageRoot, merged, order);
}

/** Root → the root it joins (itself when it stays apart), per the subject rule above. */
function joinBySubject(
  keys: PackedThreadKeys,
  roots: readonly number[],
  messageOf: Int32Array,
  earliest: Int32Array,
  isEarlier: (a: number, b: number) => boolean,
): Map<number, number> {
  const subjectOf = (r: number): number => {
    const m = messageOf[r] ?? -1;
    return keys.subjects[m >= 0 ? m : (earliest[r] ?? 0)] ?? -1;
  };
  const isReply = (r: number): boolean => {
    const m = messageOf[r] ?? -1;
    return m < 0 || (keys.replies[m] ?? 0) === 1;
  };
  const ordered = roots
    .filter((r) => subjectOf(r) >= 0)
    .sort((a, b) => {
      const bySubject = subjectOf(a) - subjectOf(b);
      if (bySubject !== 0) return bySubject;
      return isEarlier(earliest[a] ?? 0, earliest[b] ?? 0) ? -1 : 1;
    });
  const merged = new Map<number, number>();
  for (let start = 0; start < ordered.length;) {
    const subject = subjectOf(ordered[start] ?? 0);
    let end = start;
    while (end < ordered.length && subjectOf(ordered[end] ?? 0) === subject) end++;
    const group = ordered.slice(start, end);
    const firstStarter = group.find((r) => !isReply(r)) ?? group[0] ?? -1;
    let anchor = -1;
    for (const r of group) {
      if (!isReply(r)) {
        anchor = r;
        continue;
      }
      const target = anchor !== -1 ? anchor : firstStarter;
      if (target !== r) merged.set(r, target);
    }
    start = end;
  }
  return merged;
}

function collect(
  n: number,
  messageRoot: Int32Array,
  merged: Map<number, number>,
  order: (a: number, b: number) => number,
): ThreadSet {
  const threadOf = new Int32Array(n);
  const threadOfRoot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = messageRoot[i] ?? 0;
    const final = merged.get(root) ?? root;
    let t = threadOfRoot.get(final);
    if (t === undefined) {
      t = threadOfRoot.size;
      threadOfRoot.set(final, t);
    }
    threadOf[i] = t;
  }
  const count = threadOfRoot.size;
  const starts = new Uint32Array(count + 1);
  for (let i = 0; i < n; i++)
    starts[(threadOf[i] ?? 0) + 1] = (starts[(threadOf[i] ?? 0) + 1] ?? 0) + 1;
  for (let t = 0; t < count; t++) starts[t + 1] = (starts[t + 1] ?? 0) + (starts[t] ?? 0);
  const fill = starts.slice(0, count);
  const members = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const t = threadOf[i] ?? 0;
    members[fill[t] ?? 0] = i;
    fill[t] = (fill[t] ?? 0) + 1;
  }
  for (let t = 0; t < count; t++) {
    const from = starts[t] ?? 0;
    const to = starts[t + 1] ?? from;
    if (to - from > 1) members.subarray(from, to).sort(order);
  }
  return { count, threadOf, starts, members };
}
