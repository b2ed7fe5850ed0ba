// Owns the pure rules of writing mail: "Re:"/"Fwd:" subjects without stacking, quoting with an
// attribution line, forward header blocks, reply recipients, References chains and format=flowed.
// Must not build MIME or touch the network: the webcache does that with these results.
import type { Address } from './headers.js';
import { formatAddressList } from './address-list.js';

/** RFC 3676 recommends lines of at most 78 characters; we wrap before that. */
export const flowedLineChars = 76;
/** References kept in a reply: the first (thread root) and the most recent ones. */
export const maxReferences = 20;

/**
 * Reply and forward markers in the languages mail clients write them: Re, Aw (de), Sv (sv/da/no),
 * Antw (nl), Odp (pl), Ref/Rif/Réf, Vs, Ynt (tr), Atb (lv), Vá (hu), 回复/回覆/答复 (zh), 返信 (ja);
 * Fwd, Fw, WG (de), Tr (fr), Rv/Enc (es/pt), Doorst (nl), PD (pl), VB (sv), İlt (tr), 转发/轉寄 (zh).
 * Each may carry a counter ("Re[2]:", "Re(3):") and may repeat.
 */
const markerWords =
  're|aw|sv|antw|odp|ref|rif|réf|vs|ynt|atb|vá|fwd?|wg|tr|rv|enc|doorst|pd|vb|i̇lt|ilt';
const prefixRe = new RegExp(
  `^\\s*(?:(?:${markerWords})\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]|回复[:：]|回覆[:：]|答复[:：]|返信[:：]|转发[:：]|轉寄[:：])\\s*`,
  'iu',
);

/** The subject without any leading reply/forward markers. */
export function stripSubjectPrefixes(subject: string): string {
  let rest = subject;
  for (;;) {
    const next = rest.replace(prefixRe, '');
    if (next === rest) return rest.trim();
    rest = next;
  }
}

export function replySubject(subject: string): string {
  return `Re: ${stripSubjectPrefixes(subject)}`;
}

export function forwardSubject(subject: string): string {
  return `Fwd: ${stripSubjectPrefixes(subject)}`;
}

/** "Tue, 12 Mar 2024 14:05 UTC": readable, the same for every reader. */
function formatDate(date: Date): string {
  return date.toUTCString().replace(/:\d\d GMT$/, ' UTC');
}

/** "On Tue, 12 Mar 2024 14:05 UTC, Bob <bob@x.org> wrote:" */
export function attributionLine(from: Address | null, date: Date | null): string {
  const who = from === null ? 'someone' : formatAddressList([from]);
  return date === null ? `${who} wrote:` : `On ${formatDate(date)}, ${who} wrote:`;
}

/** Every line of `text` quoted once more ("> "; an already quoted line gets ">"). */
export function quoteText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line === '' ? '>' : line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
}

/** The body of a reply: room to write above, then the attribution and the quoted original. */
export function replyBody(original: string, from: Address | null, date: Date | null): string {
  return `\n\n${attributionLine(from, date)}\n${quoteText(original)}\n`;
}

/** The body of an inline forward: a header block, then the original text unquoted. */
export function forwardBody(
  original: string,
  headers: { from: Address[]; to: Address[]; cc: Address[]; date: Date | null; subject: string },
): string {
  const lines = ['', '', '---------- Forwarded message ----------'];
  lines.push(`From: ${formatAddressList(headers.from)}`);
  if (headers.date !== null) lines.push(`Date: ${formatDate(headers.date)}`);
  lines.push(`Subject: ${headers.subject}`);
  if (headers.to.length > 0) lines.push(`To: ${formatAddressList(headers.to)}`);
  if (headers.cc.length > 0) lines.push(`Cc: ${formatAddressList(headers.cc)}`);
  return `${lines.join('\n')}\n\n${original.replace(/\r\n?/g, '\n').replace(/\n+$/, '')}\n`;
}

/** Addresses in order, each once (compared without case), leaving out `exclude`. */
export function uniqueAddresses(list: readonly Address[], exclude: readonly string[]): Address[] {
  const seen = new Set(exclude.map((a) => a.toLowerCase()));
  const out: Address[] = [];
  for (const a of list) {
    const key = a.address.toLowerCase();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

export interface RepliedMessage {
  from: Address[];
  replyTo: Address[];
  to: Address[];
  cc: Address[];
}

/**
 * Who a reply goes to. Reply-To wins over From; replying to one's own message goes to its
 * recipients; reply-all adds the other recipients, never the user's own addresses (`self`).
 */
export function replyRecipients(
  original: RepliedMessage,
  mode: 'reply' | 'replyAll',
  self: readonly string[],
): { to: Address[]; cc: Address[] } {
  const selfKeys = new Set(self.map((a) => a.toLowerCase()));
  const isOwn = original.from.some((a) => selfKeys.has(a.address.toLowerCase()));
  const author = original.replyTo.length > 0 ? original.replyTo : original.from;
  const primary = isOwn && original.replyTo.length === 0 ? original.to : author;
  if (mode === 'reply') {
    const to = uniqueAddresses(primary, self);
    // Writing to oneself only (a note to self): keep that one recipient.
    return { to: to.length > 0 ? to : uniqueAddresses(primary, []), cc: [] };
  }
  const to = uniqueAddresses(isOwn ? [...primary] : [...primary, ...original.to], self);
  const cc = uniqueAddresses(original.cc, [...self, ...to.map((a) => a.address)]);
  return { to: to.length > 0 ? to : uniqueAddresses(primary, []), cc };
}

/**
 * References of a reply: the original's References (or its In-Reply-To) plus its Message-ID,
 * each once, capped to the first and the newest `maxReferences - 1`.
 */
export function replyReferences(original: {
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
}): string[] {
  const chain = original.references.length > 0 ? [...original.references] : [];
  if (chain.length === 0 && original.inReplyTo !== null) chain.push(original.inReplyTo);
  if (original.messageId !== null) chain.push(original.messageId);
  const unique = [...new Set(chain.filter((id) => /^<[^<>\s]+>$/.test(id)))];
  if (unique.length <= maxReferences) return unique;
  return [unique[0] ?? '', ...unique.slice(unique.length - (maxReferences - 1))];
}

function wrapLine(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > flowedLineChars) {
    // Break after the last space within the limit (the space stays: a soft break).
    const cut = rest.lastIndexOf(' ', flowedLineChars - 1);
    if (cut <= 0) {
      const next = rest.indexOf(' ', flowedLineChars);
      if (next < 0) break;
      out.push(rest.slice(0, next + 1));
      rest = rest.slice(next + 1);
      continue;
    }
    out.push(rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  out.push(rest);
  return out;
}

/**
 * Plain text as format=flowed (RFC 3676, DelSp=no): trailing spaces removed (they would mean
 * "joined"), long unquoted lines broken after spaces, lines starting with a space or "From "
 * space-stuffed. Quoted lines (">") are left whole, so their quote depth survives.
 */
export function toFlowed(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw === '-- ' ? raw : raw.replace(/ +$/, '');
    if (line.startsWith('>')) {
      out.push(line);
      continue;
    }
    for (const piece of line === '-- ' ? [line] : wrapLine(line)) {
      out.push(piece.startsWith(' ') || piece.startsWith('From ') ? ` ${piece}` : piece);
    }
  }
  return out.join('\r\n');
}
