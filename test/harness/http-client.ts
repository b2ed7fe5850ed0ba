// A plain HTTP client for end-to-end tests: a cookie jar, form posts with the page's CSRF token,
// no JavaScript — exactly what a text browser does.
export interface Page {
  status: number;
  url: string;
  headers: Headers;
  body: string;
}

export class FormClient {
  readonly #base: string;
  readonly #cookies = new Map<string, string>();

  constructor(baseUrl: string) {
    this.#base = baseUrl;
  }

  cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  #remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || value === '')
        this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) headers.set('cookie', this.cookieHeader());
    const res = await fetch(new URL(path, this.#base), { ...init, headers, redirect: 'manual' });
    this.#remember(res);
    return res;
  }

  /** GET that follows same-site redirects, like a browser. */
  async get(path: string): Promise<Page> {
    let url = new URL(path, this.#base).toString();
    for (let hops = 0; hops < 10; hops++) {
      const res = await this.raw(url);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).toString();
        continue;
      }
      return { status: res.status, url, headers: res.headers, body: await res.text() };
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /** POSTs a urlencoded form and follows the redirect (post-redirect-get). */
  async post(path: string, form: Record<string, string>): Promise<Page> {
    const res = await this.raw(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) return this.get(location);
    return {
      status: res.status,
      url: new URL(path, this.#base).toString(),
      headers: res.headers,
      body: await res.text(),
    };
  }

  /** Signs in through the real form (GET /login for its token, then POST); the page it ends on. */
  async signIn(user: string, password: string, domain: string): Promise<Page> {
    const login = await this.get('/login');
    return this.post('/login', { _csrf: csrfToken(login.body), user, password, domain });
  }
}

/** The value of the first hidden `_csrf` field in a page. */
export function csrfToken(body: string): string {
  const match = /name="_csrf"\s+value="([^"]+)"|value="([^"]+)"\s+name="_csrf"/.exec(body);
  const token = match?.[1] ?? match?.[2];
  if (!token) throw new Error('page has no _csrf field');
  return token;
}
