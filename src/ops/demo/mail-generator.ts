// Owns the deterministic demo/test mailbox: which messages exist, in which folder, with which
// flags and dates, and the manifest of what each must decode to. Must not write files.
import { AlphaMailError } from '../../base/index.js';
import { languages, people, Random, type Language, type Person } from './demo-content.js';
import type { DemoNamespace } from './dovecot-config.js';
import { buildBody, type BodyKind, type GeneratedAttachment } from './mail-bodies.js';
import type { Charset } from './mime-build.js';
import { canEncode, formatAddress, formatDate, headerText, serializePart } from './mime-build.js';
import type { SeedFlag } from './maildir.js';

export type { GeneratedAttachment, BodyKind };

/** Folders of the demo account in logical (slash) form; the special-use ones exist anyway. */
export const demoFolders = [
  'INBOX',
  'Sent',
  'Drafts',
  'Archive',
  'Archive/2024',
  'Entwürfe',
  'Junk',
  'Trash',
] as const;

/** The span dates are spread over: fixed, so the same seed gives the same bytes forever. */
const firstDateMs = Date.UTC(2024, 5, 1);
const lastDateMs = Date.UTC(2026, 9, 15);
const year2024EndMs = Date.UTC(2024, 11, 31, 23, 0);
/** Share of slots that start a reply thread (2–6 messages) rather than a single message. */
const threadShare = 0.15;

/** How likely a single message lands in a folder; folders not named here weigh 5. */
const folderWeights: Record<string, number> = {
  INBOX: 60,
  Sent: 8,
  Drafts: 3,
  Archive: 8,
  'Archive/2024': 8,
  Entwürfe: 3,
  Junk: 4,
  Trash: 4,
};
/** Folders whose messages were written by the account owner. */
const ownFolders = new Set(['Sent', 'Drafts', 'Entwürfe']);
const draftFolders = new Set(['Drafts', 'Entwürfe']);

const kindWeights: [BodyKind, number][] = [
  ['plain', 30],
  ['html', 12],
  ['alternative', 20],
  ['mixed', 18],
  ['nested', 7],
  ['related', 5],
  ['forward', 8],
];
const languageWeights: [string, number][] = [
  ['en', 55],
  ['de', 15],
  ['ru', 10],
  ['ja', 10],
  ['zh', 10],
];

export interface GeneratedMessage {
  /** Logical folder in slash form, e.g. 'INBOX' or 'Archive/2024'. */
  folder: string;
  raw: Buffer;
  flags: SeedFlag[];
  internalDate: Date;
  kind: BodyKind;
  expect: {
    subject: string;
    from: { name: string; address: string };
    to: { name: string; address: string }[];
    date: Date;
    size: number;
    hasAttachments: boolean;
    /** The text/plain body decoded to a string with '\n' line ends (CRLF on the wire), or null. */
    text: string | null;
    /** The text/html body decoded to a string with '\n' line ends, or null. */
    html: string | null;
    attachments: GeneratedAttachment[];
    messageId: string;
    inReplyTo: string | null;
    references: string[];
    charset: Charset;
  };
}

export interface GenerateMailboxOptions {
  seed: number;
  count: number;
  /** Address of the account owner, e.g. 'demo@demo.test'. */
  user: string;
  /** Logical folders to fill (slash form); defaults to demoFolders. */
  folders?: readonly string[];
}

/** The name of a logical (slash form) folder in a namespace: 'Archive/2024' → 'INBOX.Archive.2024'. */
export function toNamespaceFolder(logical: string, namespace: DemoNamespace): string {
  if (logical === 'INBOX' || namespace === 'slash') return logical;
  return 'INBOX.' + logical.split('/').join('.');
}

function weighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

interface Draft {
  folder: string;
  from: Person;
  to: Person;
  subject: string;
  date: Date;
  kind: BodyKind;
  language: Language;
  flags: SeedFlag[];
  messageId: string;
  inReplyTo: string | null;
  references: string[];
}

function compose(random: Random, draft: Draft): GeneratedMessage {
  const wanted = random.pick(draft.language.charsets);
  const { language } = draft;
  const everything = [draft.from.name, draft.to.name, draft.subject, language.greeting]
    .concat(language.sentences, language.closing)
    .join(' ');
  // A legacy charset only when it holds every name and phrase the message may contain.
  const charset: Charset = canEncode(everything, wanted) ? wanted : 'utf-8';
  const headerCharset: Charset = charset === 'us-ascii' ? 'utf-8' : charset;
  const wordEncoding = random.pick(['B', 'Q'] as const);
  const domain = draft.messageId.split('@')[1]?.replace('>', '') ?? 'demo.test';
  const body = buildBody({
    random,
    kind: draft.kind,
    language: draft.language,
    charset,
    recipientName: draft.to.name,
    senderName: draft.from.name,
    innerMessage: () =>
      compose(random, {
        ...draft,
        kind: 'plain',
        subject: draft.subject.replace(/^(Fwd: )+/, ''),
        date: new Date(draft.date.getTime() - random.int(1, 30) * 86_400_000),
        messageId: `<${random.hex(20)}@${domain}>`,
        inReplyTo: null,
        references: [],
      }).raw,
  });
  const headers = [
    `Date: ${formatDate(draft.date)}`,
    `From: ${formatAddress(draft.from.name, draft.from.address, headerCharset)}`,
    `To: ${formatAddress(draft.to.name, draft.to.address, headerCharset)}`,
    `Subject: ${headerText(draft.subject, headerCharset, wordEncoding)}`,
    `Message-ID: ${draft.messageId}`,
  ];
  if (draft.inReplyTo !== null) headers.push(`In-Reply-To: ${draft.inReplyTo}`);
  if (draft.references.length > 0) headers.push(`References: ${draft.references.join('\r\n ')}`);
  headers.push('MIME-Version: 1.0', ...body.part.headers);
  const raw = serializePart({ headers, body: body.part.body });
  // Delivery takes a few seconds to minutes after the Date header.
  const internalDate = new Date(draft.date.getTime() + random.int(2, 600) * 1000);
  return {
    folder: draft.folder,
    raw,
    flags: draft.flags,
    internalDate,
    kind: draft.kind,
    expect: {
      subject: draft.subject,
      from: { name: draft.from.name, address: draft.from.address },
      to: [{ name: draft.to.name, address: draft.to.address }],
      date: draft.date,
      size: raw.length,
      hasAttachments: body.attachments.some((a) => a.disposition === 'attachment'),
      text: body.text,
      html: body.html,
      attachments: body.attachments,
      messageId: draft.messageId,
      inReplyTo: draft.inReplyTo,
      references: draft.references,
      charset,
    },
  };
}

function randomDate(random: Random, folder: string): Date {
  const [from, to] = folder.endsWith('2024')
    ? [firstDateMs, year2024EndMs]
    : [firstDateMs, lastDateMs];
  return new Date(Math.floor((from + random.next() * (to - from)) / 1000) * 1000);
}

function pickLanguage(random: Random): Language {
  const tag = weighted(random, languageWeights);
  return languages.find((l) => l.tag === tag) ?? (languages[0] as Language);
}

/** The demo account's mail: deterministic for a seed, sorted by internal date. */
export function generateMailbox(opts: GenerateMailboxOptions): GeneratedMessage[] {
  if (!Number.isInteger(opts.count) || opts.count < 0) {
    throw new AlphaMailError('AM_INTERNAL', `count must be a non-negative integer: ${opts.count}`);
  }
  const random = new Random(opts.seed);
  const folders = opts.folders ?? demoFolders;
  const weights = folders.map((f) => [f, folderWeights[f] ?? 5] as const);
  const owner: Person = { name: 'Demo User', address: opts.user };
  const domain = opts.user.split('@')[1] ?? 'demo.test';
  const newId = (): string => `<${random.hex(24)}@${domain}>`;
  const sentFolder = folders.includes('Sent') ? 'Sent' : (folders[0] ?? 'INBOX');
  const inboxFolder = folders.includes('INBOX') ? 'INBOX' : (folders[0] ?? 'INBOX');
  const out: GeneratedMessage[] = [];
  let slot = 0;
  while (out.length < opts.count) {
    const other = random.pick(people.filter((p) => p.address !== opts.user));
    const language = pickLanguage(random);
    // The first slots go once round every folder so none stays empty.
    const isThread = slot >= folders.length && random.chance(threadShare);
    if (!isThread) {
      const folder = slot < folders.length ? (folders[slot] as string) : weighted(random, weights);
      const isOwn = ownFolders.has(folder);
      const flags: SeedFlag[] = [];
      if (draftFolders.has(folder)) flags.push('\\Draft');
      // The owner has read what they wrote; elsewhere some mail is still unread.
      if (isOwn || random.chance(folder === 'INBOX' ? 0.65 : 0.9)) flags.push('\\Seen');
      if (random.chance(0.08)) flags.push('\\Flagged');
      const draftLanguage = folder === 'Entwürfe' ? (languages[1] as Language) : language;
      const kind = weighted(random, kindWeights);
      const subject = random.pick(draftLanguage.subjects);
      out.push(
        compose(random, {
          folder,
          from: isOwn ? owner : other,
          to: isOwn ? other : owner,
          subject: kind === 'forward' ? `Fwd: ${subject}` : subject,
          date: randomDate(random, folder),
          kind,
          language: draftLanguage,
          flags,
          messageId: newId(),
          inReplyTo: null,
          references: [],
        }),
      );
    } else {
      const length = random.int(2, 6);
      const subject = random.pick(language.subjects);
      let date = randomDate(random, 'INBOX');
      const references: string[] = [];
      for (let i = 0; i < length && out.length < opts.count; i++) {
        const fromOwner = i % 2 === 1;
        const messageId = newId();
        const message = compose(random, {
          folder: fromOwner ? sentFolder : inboxFolder,
          from: fromOwner ? owner : other,
          to: fromOwner ? other : owner,
          subject: i === 0 ? subject : `Re: ${subject}`,
          date,
          kind: random.chance(0.7) ? 'plain' : 'alternative',
          language,
          flags: fromOwner || i < length - 1 ? ['\\Seen'] : [],
          messageId,
          inReplyTo: references.at(-1) ?? null,
          references: [...references],
        });
        // The owner answered every message of theirs that has a reply.
        if (!fromOwner && i < length - 1) message.flags.push('\\Answered');
        out.push(message);
        references.push(messageId);
        date = new Date(date.getTime() + random.int(1, 30) * 3_600_000);
      }
    }
    slot += 1;
  }
  return out
    .map((message, index) => ({ message, index }))
    .sort(
      (a, b) =>
        a.message.internalDate.getTime() - b.message.internalDate.getTime() || a.index - b.index,
    )
    .map(({ message }) => message);
}

/** One message with a big seeded-random binary attachment (base64) and a short text part. */
export function largeAttachmentMessage(sizeBytes: number, seed = 1): GeneratedMessage {
  const random = new Random(seed);
  const content = random.bytes(sizeBytes);
  const message = compose(random, {
    folder: 'INBOX',
    from: people[0] as Person,
    to: { name: 'Demo User', address: 'demo@demo.test' },
    subject: `Large file (${sizeBytes} bytes)`,
    date: new Date(lastDateMs),
    kind: 'plain',
    language: languages[0] as Language,
    flags: [],
    messageId: `<large.${sizeBytes}.${seed}@demo.test>`,
    inReplyTo: null,
    references: [],
  });
  const attachment: GeneratedAttachment = {
    filename: 'large.bin',
    contentType: 'application/octet-stream',
    content,
    disposition: 'attachment',
    contentId: null,
  };
  return withAttachment(message, attachment, random);
}

/** Wraps a single-part message into multipart/mixed with one more attachment. */
function withAttachment(
  message: GeneratedMessage,
  attachment: GeneratedAttachment,
  random: Random,
): GeneratedMessage {
  const raw = message.raw;
  const split = raw.indexOf('\r\n\r\n');
  const headerLines = raw
    .subarray(0, split)
    .toString('latin1')
    .split(/\r\n(?![ \t])/);
  const isContent = (l: string): boolean => /^content-/i.test(l);
  const bodyPart = { headers: headerLines.filter(isContent), body: raw.subarray(split + 4) };
  const boundary = `----=_AlphaMail_${random.hex(16)}`;
  const attachmentHeaders = [
    `Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${attachment.filename}"`,
  ];
  const encoded = attachment.content.toString('base64').replace(/.{76}(?=.)/g, '$&\r\n');
  const body = Buffer.concat([
    Buffer.from(`This is a multi-part message in MIME format.\r\n\r\n--${boundary}\r\n`),
    serializePart(bodyPart),
    Buffer.from(
      `\r\n--${boundary}\r\n${attachmentHeaders.join('\r\n')}\r\n\r\n${encoded}\r\n--${boundary}--\r\n`,
    ),
  ]);
  const headers = [
    ...headerLines.filter((l) => !isContent(l)),
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const newRaw = serializePart({ headers, body });
  return {
    ...message,
    raw: newRaw,
    expect: {
      ...message.expect,
      size: newRaw.length,
      hasAttachments: true,
      attachments: [attachment],
    },
  };
}
