// Owns the compact threading input of a set of messages: Message-IDs and subjects interned as
// integer keys, each message's parent chain in one shared Int32Array. Must not thread (see
// thread-builder.ts) nor read indexes or IMAP: callers add messages one by one.
import { subjectKey } from './subject.js';

/** Parent chain kept per message: References are capped when indexed, this caps In-Reply-To too. */
export const maxChainIds = 21;
/** Distinct raw subjects remembered while adding (bounds the memo on a folder of one-offs). */
const maxRawSubjects = 50_000;
/** A Message-ID longer than this is junk, not a key worth a map entry. */
const maxMessageIdChars = 998;

/** A growable Int32Array: one allocation per doubling, not one object per value. */
class IntVector {
  values = new Int32Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const next = new Int32Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = value;
  }
}

/** The same for dates (milliseconds do not fit 32 bits). */
class DateVector {
  values = new Float64Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = value;
  }
}

/** The `<id>` tokens of a header value (In-Reply-To may carry comments or several ids). */
export function messageIdsIn(value: string): string[] {
  if (value === '') return [];
  const found = value.match(/<[^<>\s]+>/g);
  if (found !== null) return found;
  // Some senders omit the angle brackets around a lone id.
  const bare = value.trim();
  return /^[^\s<>]+@[^\s<>]+$/.test(bare) ? [`<${bare}>`] : [];
}

export class ThreadKeys {
  /** Message-ID → key; keys are dense from 0. */
  private readonly idKeys = new Map<string, number>();
  private readonly subjectKeys = new Map<string, number>();
  /** Subjects as written → subjectOf's answer. */
  private readonly rawSubjects = new Map<string, number>();
  /** Per message: its Message-ID key, -1 when it has none. */
  private ownIds = new IntVector();
  /** Per message: base-subject key, -1 when the subject is empty. */
  private subjects = new IntVector();
  /** Per message: 1 when its subject carries a reply marker. */
  private replies = new IntVector();
  /** Per message: start of its chain in `chain`; one more entry ends the last chain. */
  private chainStarts = new IntVector();
  private chain = new IntVector();
  private dates = new DateVector();
  /** Per Message-ID key: the first message that has it as its own id, -1 for none yet. */
  private owners = new IntVector();

  constructor() {
    this.chainStarts.push(0);
  }

  get count(): number {
    return this.ownIds.length;
  }

  /** Number of distinct Message-IDs seen (own ids and referenced ones). */
  get idCount(): number {
    return this.idKeys.size;
  }

  private keyOf(id: string): number {
    const known = this.idKeys.get(id);
    if (known !== undefined) return known;
    const key = this.idKeys.size;
    this.idKeys.set(id, key);
    this.owners.push(-1);
    return key;
  }

  /** True when a message with this Message-ID was already added as someone's own id. */
  hasMessageId(messageId: string): boolean {
    const own = messageIdsIn(messageId)[0];
    const key = own === undefined ? undefined : this.idKeys.get(own);
    return key !== undefined && (this.owners.values[key] ?? -1) >= 0;
  }

  /**
   * Adds one message and returns its number. `references` are ids oldest first (the References
   * header); `inReplyTo` the raw In-Reply-To value, used as the parent when References lack it.
   */
  add(m: {
    messageId: string;
    inReplyTo: string;
    references: string;
    subject: string;
    dateMs: number;
  }): number {
    const own = messageIdsIn(m.messageId)[0];
    const ownKey = own !== undefined && own.length <= maxMessageIdChars ? this.keyOf(own) : -1;
    if (ownKey >= 0 && this.owners.values[ownKey] === -1) this.owners.values[ownKey] = this.count;
    this.ownIds.push(ownKey);
    const ids = messageIdsIn(m.references);
    const parent = messageIdsIn(m.inReplyTo)[0];
    // RFC 5322 §3.6.4: References ends with the parent; In-Reply-To names it when References
    // is missing or was cut.
    if (parent !== undefined && ids.at(-1) !== parent) ids.push(parent);
    for (const id of ids.slice(-maxChainIds)) {
      if (id.length <= maxMessageIdChars && id !== own) this.chain.push(this.keyOf(id));
    }
    this.chainStarts.push(this.chain.length);
    const packed = this.subjectOf(m.subject);
    this.subjects.push(packed < 0 ? -1 : packed >> 1);
    this.replies.push(packed < 0 ? 0 : packed & 1);
    this.dates.push(m.dateMs);
    return this.ownIds.length - 1;
  }

  /** Base-subject key × 2 + reply bit, or -1 when there is no base; raw subjects repeat a lot. */
  private subjectOf(raw: string): number {
    const known = this.rawSubjects.get(raw);
    if (known !== undefined) return known;
    const subject = subjectKey(raw);
    let packed = -1;
    if (subject.base !== '') {
      const id = this.subjectKeys.get(subject.base) ?? this.subjectKeys.size;
      this.subjectKeys.set(subject.base, id);
      packed = id * 2 + (subject.isReply ? 1 : 0);
    }
    if (this.rawSubjects.size < maxRawSubjects) this.rawSubjects.set(raw, packed);
    return packed;
  }

  /** The packed arrays, for thread-builder.ts. */
  packed(): PackedThreadKeys {
    return {
      count: this.count,
      idCount: this.idKeys.size,
      ownIds: this.ownIds.values,
      subjects: this.subjects.values,
      replies: this.replies.values,
      chainStarts: this.chainStarts.values,
      chain: this.chain.values,
      dates: this.dates.values,
    };
  }
}

export interface PackedThreadKeys {
  count: number;
  idCount: number;
  ownIds: Int32Array;
  subjects: Int32Array;
  replies: Int32Array;
  chainStarts: Int32Array;
  chain: Int32Array;
  dates: Float64Array;
}
