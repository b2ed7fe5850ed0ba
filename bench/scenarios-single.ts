// Owns the single-user scenarios: (1) cold sign-in, (2) warm paging and re-sorting, (3) opening
// messages, (6) sign-in after a webcache restart, and the memory figures. Must not start servers.
import { ImapFlow, type MessageStructureObject } from 'imapflow';
import { AlphaMailUser, type IndexView } from './alphamail-user.js';
import { baselineIndexPage, baselineMessagePage } from './baseline-client.js';
import { baselineTarget, coldUser, idleUser, openUser, type BenchContext } from './context.js';
import { measureRssGrowth, type MemoryFigures } from './memory.js';
import { measurePhase, type PhaseResult } from './phase.js';
import { readIntoPageCache } from './seed.js';

export interface MessageOpen {
  uid: number;
  size: number;
  /** What the message page shows: the header (its fields are displayed) plus the text. */
  shownBytes: number;
  headerBytes: number;
  /** Encoded size of the text parts a reader sees (the HTML one of an alternative). */
  textBytes: number;
  alphamailImapBytes: number;
  baselineImapBytes: number;
}

function password(ctx: BenchContext, user: string): string {
  return ctx.mail.passwords.get(user) ?? '';
}

/**
 * Scenario 1: each cold user signs in once; the largest one also gives the memory per indexed
 * message (into `memory`). Cold means AlphaMail has no index and Dovecot has cached no dates
 * (it must read every message's Date header to SORT); the mail files themselves are first read
 * into the OS page cache, so the figure does not depend on this VM's proactive page-out.
 */
export async function coldSignIn(
  ctx: BenchContext,
  memory: MemoryFigures,
): Promise<{ phases: PhaseResult[]; largest: AlphaMailUser }> {
  const phases: PhaseResult[] = [];
  let largest: AlphaMailUser | null = null;
  const biggest = Math.max(...ctx.sizes.coldSizes);
  for (const size of ctx.sizes.coldSizes) {
    const name = coldUser(size);
    const user = new AlphaMailUser(ctx.alphamail.url, name, password(ctx, name));
    const scenario = `1 cold sign-in, ${size} messages`;
    const started = Date.now();
    const read = readIntoPageCache(ctx.mail.dovecot.maildir(name));
    ctx.log(
      `${name}: ${read.files} mail files read into the page cache in ${Date.now() - started} ms`,
    );
    const signIn = (): Promise<PhaseResult> =>
      measurePhase(ctx.env, scenario, 'alphamail', ctx.alphamailProxy, async (rec) => {
        await rec('signin').time(() => user.signIn());
        return null;
      });
    if (size === biggest) {
      largest = user;
      const what = { label: scenario, units: size, unitName: 'message' };
      const grown = await measureRssGrowth(ctx, memory, what, signIn);
      phases.push(grown.result);
      memory.bytesPerIndexedMessage = grown.settled.bytesPerUnit;
      memory.bytesPerIndexedMessagePeak = grown.peak.bytesPerUnit;
      if (grown.settled.why !== null) memory.notMeasured.bytesPerIndexedMessage = grown.settled.why;
    } else {
      phases.push(await signIn());
    }
    const target = baselineTarget(ctx, name);
    phases.push(
      await measurePhase(ctx.env, scenario, 'baseline', ctx.baselineProxy, async (rec) => {
        const view = {
          sort: 'date',
          order: 'desc',
          page: 1,
          pageSize: ctx.sizes.pageSize,
        } as const;
        await rec('signin').time(() => baselineIndexPage(target, view));
        return null;
      }),
    );
  }
  if (largest === null) throw new Error('no cold sizes configured');
  return { phases, largest };
}

/** Every sort column in both orders, pages 1..n of each. */
function warmViews(pagesPerSort: number): IndexView[] {
  const views: IndexView[] = [];
  for (const sort of ['date', 'from', 'subject', 'size'] as const) {
    for (const order of ['desc', 'asc'] as const) {
      for (let page = 1; page <= pagesPerSort; page++) views.push({ sort, order, page });
    }
  }
  return views;
}

/** Scenario 2: the largest cold user, already signed in, pages and re-sorts twice over. */
export async function warmIndex(ctx: BenchContext, user: AlphaMailUser): Promise<PhaseResult[]> {
  const views = warmViews(ctx.sizes.warmPagesPerSort);
  const phases: PhaseResult[] = [];
  for (const pass of ['first visit', 'revisit']) {
    const scenario = `2 warm index, ${pass}`;
    phases.push(
      await measurePhase(ctx.env, scenario, 'alphamail', ctx.alphamailProxy, async (rec) => {
        for (const view of views) await rec('index').time(() => user.indexPage(view));
        return null;
      }),
    );
  }
  const target = baselineTarget(ctx, user.name);
  phases.push(
    await measurePhase(ctx.env, '2 warm index', 'baseline', ctx.baselineProxy, async (rec) => {
      for (const view of views) {
        await rec('index').time(() =>
          baselineIndexPage(target, { ...view, pageSize: ctx.sizes.pageSize }),
        );
      }
      return null;
    }),
  );
  return phases;
}

/** Encoded bytes of the text a reader is shown: text leaves, the HTML one of an alternative. */
export function shownTextBytes(node: MessageStructureObject): number {
  const children = node.childNodes ?? [];
  if (children.length > 0) {
    if (node.type === 'multipart/alternative') {
      const pick = children.find((c) => c.type === 'text/html') ?? children.at(-1);
      return pick ? shownTextBytes(pick) : 0;
    }
    return children.reduce((sum, c) => sum + shownTextBytes(c), 0);
  }
  if (node.disposition === 'attachment') return 0;
  return node.type === 'text/plain' || node.type === 'text/html' ? (node.size ?? 0) : 0;
}

/**
 * Straight from Dovecot (not through a counting proxy): the UID of the one message larger than
 * the big attachment, and the sizes of the messages to open (that one first).
 */
async function structures(
  ctx: BenchContext,
  pageUids: number[],
): Promise<{ largeUid: number; opens: Map<number, MessageOpen> }> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: ctx.mail.dovecot.port,
    secure: false,
    auth: { user: openUser, pass: password(ctx, openUser) },
    logger: false,
  });
  await client.connect();
  const opens = new Map<number, MessageOpen>();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const found = await client.search({ larger: ctx.sizes.largeAttachmentBytes }, { uid: true });
    const largeUid = (found || [])[0];
    if (largeUid === undefined || (found || []).length !== 1) {
      throw new Error(`expected one message over ${ctx.sizes.largeAttachmentBytes} bytes`);
    }
    for (const uid of new Set([largeUid, ...pageUids])) {
      const message = await client.fetchOne(
        String(uid),
        { bodyStructure: true, size: true, headers: true },
        { uid: true },
      );
      if (!message || !message.bodyStructure) throw new Error(`no structure for UID ${uid}`);
      const headerBytes = message.headers?.length ?? 0;
      const textBytes = shownTextBytes(message.bodyStructure);
      opens.set(uid, {
        uid,
        size: message.size ?? 0,
        shownBytes: headerBytes + textBytes,
        headerBytes,
        textBytes,
        alphamailImapBytes: 0,
        baselineImapBytes: 0,
      });
    }
    return { largeUid, opens };
  } finally {
    await client.logout();
  }
}

/** Scenario 3: the open user opens the big message and the first ones of page 1, once each. */
export async function openMessages(
  ctx: BenchContext,
): Promise<{ phases: PhaseResult[]; opens: MessageOpen[]; largeUid: number }> {
  const user = new AlphaMailUser(ctx.alphamail.url, openUser, password(ctx, openUser));
  const pageUids = await user.signIn();
  const { largeUid, opens } = await structures(ctx, pageUids.slice(0, ctx.sizes.messagesToOpen));
  const uids = [...opens.keys()];
  const phases: PhaseResult[] = [];
  const am = await measurePhase(
    ctx.env,
    '3 open messages',
    'alphamail',
    ctx.alphamailProxy,
    async (rec) => {
      for (const uid of uids) {
        const before = ctx.alphamailProxy.counts().bytesFromServer;
        await rec('message').time(() => user.openMessage(uid));
        const entry = opens.get(uid);
        if (entry) entry.alphamailImapBytes = ctx.alphamailProxy.counts().bytesFromServer - before;
      }
      return null;
    },
  );
  phases.push(am);
  const target = baselineTarget(ctx, openUser);
  const base = await measurePhase(
    ctx.env,
    '3 open messages',
    'baseline',
    ctx.baselineProxy,
    async (rec) => {
      for (const uid of uids) {
        const before = ctx.baselineProxy.counts().bytesFromServer;
        await rec('message').time(() => baselineMessagePage(target, uid));
        const entry = opens.get(uid);
        if (entry) entry.baselineImapBytes = ctx.baselineProxy.counts().bytesFromServer - before;
      }
      return null;
    },
  );
  phases.push(base);
  return { phases, opens: [...opens.values()], largeUid };
}

/** Memory per idle session: steady-state RSS growth from signing in users whose INBOX is empty. */
export async function idleSessions(ctx: BenchContext, memory: MemoryFigures): Promise<PhaseResult> {
  const count = ctx.sizes.idleUsers;
  const what = { label: `idle sessions: sign-in ${count}`, units: count, unitName: 'session' };
  const grown = await measureRssGrowth(ctx, memory, what, () =>
    measurePhase(ctx.env, what.label, 'alphamail', ctx.alphamailProxy, async (rec) => {
      for (let n = 1; n <= count; n++) {
        const name = idleUser(n);
        const user = new AlphaMailUser(ctx.alphamail.url, name, password(ctx, name));
        await rec('signin').time(() => user.signIn());
      }
      return null;
    }),
  );
  memory.idleSessions = count;
  memory.bytesPerIdleSession = grown.settled.bytesPerUnit;
  memory.bytesPerIdleSessionPeak = grown.peak.bytesPerUnit;
  if (grown.settled.why !== null) memory.notMeasured.bytesPerIdleSession = grown.settled.why;
  return grown.result;
}

/**
 * Scenario 6: restart the webcache (SIGTERM, as an operator would) and sign in the largest user;
 * the RSS growth of that sign-in gives memory per indexed message without the IMAP fetch.
 */
export async function signInAfterRestart(
  ctx: BenchContext,
  memory: MemoryFigures,
): Promise<PhaseResult> {
  await ctx.alphamail.killWebcache('SIGTERM');
  await ctx.alphamail.startWebcache();
  const size = Math.max(...ctx.sizes.coldSizes);
  const name = coldUser(size);
  const user = new AlphaMailUser(ctx.alphamail.url, name, password(ctx, name));
  const scenario = `6 sign-in after webcache restart, ${size} messages`;
  const what = { label: scenario, units: size, unitName: 'message' };
  const grown = await measureRssGrowth(ctx, memory, what, () =>
    measurePhase(ctx.env, scenario, 'alphamail', ctx.alphamailProxy, async (rec) => {
      await rec('signin').time(() => user.signIn());
      return null;
    }),
  );
  memory.bytesPerIndexedMessageAfterRestart = grown.settled.bytesPerUnit;
  memory.bytesPerIndexedMessageAfterRestartPeak = grown.peak.bytesPerUnit;
  if (grown.settled.why !== null) {
    memory.notMeasured.bytesPerIndexedMessageAfterRestart = grown.settled.why;
  }
  return grown.result;
}
