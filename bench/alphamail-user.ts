// Owns one benchmark user of AlphaMail's web tier: sign in through the form, fetch index pages
// and open messages like a browser without JavaScript. Must not talk to the webcache directly.
import { FormClient, csrfToken } from '../test/harness/http-client.js';
import type { BenchSortField, BenchSortOrder } from './baseline-client.js';

export const benchDomain = 'bench.test';

export interface IndexView {
  sort: BenchSortField;
  order: BenchSortOrder;
  page: number;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x2F;/gi, '/')
    .replace(/&quot;/g, '"');
}

export class AlphaMailUser {
  readonly #client: FormClient;

  constructor(
    baseUrl: string,
    readonly name: string,
    readonly password: string,
  ) {
    this.#client = new FormClient(baseUrl);
  }

  /** Signs in and returns the message UIDs linked from the first index page it lands on. */
  async signIn(): Promise<number[]> {
    const form = await this.#client.get('/login');
    if (form.status !== 200) throw new Error(`GET /login: HTTP ${form.status}`);
    const landed = await this.#client.post('/login', {
      user: this.name,
      password: this.password,
      domain: benchDomain,
      _csrf: csrfToken(form.body),
    });
    if (landed.status !== 200 || !new URL(landed.url).pathname.startsWith('/f/')) {
      throw new Error(`sign-in of ${this.name}: HTTP ${landed.status} at ${landed.url}`);
    }
    return messageUids(landed.body);
  }

  /** One INBOX index page; returns the UIDs it links to. */
  async indexPage(view: IndexView): Promise<number[]> {
    const query = new URLSearchParams({
      sort: view.sort,
      order: view.order,
      page: String(view.page),
    });
    const page = await this.#client.get(`/f/INBOX?${query.toString()}`);
    if (page.status !== 200) throw new Error(`index page ${query.toString()}: HTTP ${page.status}`);
    return messageUids(page.body);
  }

  /** Opens a message the way a browser does: the page, then the body frame it embeds. */
  async openMessage(uid: number): Promise<void> {
    const page = await this.#client.get(`/f/INBOX/${uid}`);
    if (page.status !== 200) throw new Error(`message ${uid}: HTTP ${page.status}`);
    const frame = /<iframe[^>]*\ssrc="([^"]+)"/.exec(page.body)?.[1];
    if (frame === undefined) return;
    const body = await this.#client.get(decodeEntities(frame));
    if (body.status !== 200) throw new Error(`message ${uid} body: HTTP ${body.status}`);
  }
}

/** UIDs of the INBOX messages an index page links to, in page order, without repeats. */
export function messageUids(body: string): number[] {
  const uids = [...body.matchAll(/href="\/f\/INBOX\/(\d+)(?:[?"])/g)].map((m) => Number(m[1]));
  return [...new Set(uids)];
}
