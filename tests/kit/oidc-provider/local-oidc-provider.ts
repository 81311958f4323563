import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const SCRIPT = path.join(__dirname, 'provider.mjs');
const READY_TIMEOUT_MS = 15_000;

/** A person known to the provider, under the login they type on its sign-in form. */
export interface TestAccount {
  readonly email: string;
  readonly email_verified: boolean;
  readonly name?: string;
}

/** OAuth client metadata as oidc-provider takes it (snake_case, RFC 7591). */
export interface TestClient {
  readonly client_id: string;
  readonly client_secret: string;
  readonly redirect_uris: readonly string[];
  readonly token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post';
  /**
   * `native` lets a loopback redirect URI (http://127.0.0.1/...) match on any port (RFC 8252 §7.3): the app
   * under test listens on a port chosen at boot, after the provider is configured.
   */
  readonly application_type?: 'web' | 'native';
  readonly grant_types?: readonly string[];
  readonly response_types?: readonly string[];
}

export interface LocalOidcProvider {
  /** http://127.0.0.1:<port>: discovery at issuer/.well-known/openid-configuration. */
  readonly issuer: string;
  /** Facebook-shaped endpoints served by the same provider (dialog, token, Graph `me`). */
  readonly facebook: { readonly authorizationUrl: string; readonly tokenUrl: string; readonly meUrl: string };
  /** What the provider wrote to stderr (its development warnings, and errors). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts oidc-provider in a child process on a free port of 127.0.0.1 and waits until it listens. */
export async function startLocalOidcProvider(setup: {
  readonly accounts: Readonly<Record<string, TestAccount>>;
  readonly clients: readonly TestClient[];
}): Promise<LocalOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, NODE_ENV: 'test', OIDC_TEST_CONFIG: JSON.stringify(setup) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-32 * 1024);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OpenID provider did not start in ${READY_TIMEOUT_MS} ms: ${stderr}`)), READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      } catch {
        reject(new Error(`unexpected output from the OpenID provider: ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the OpenID provider exited (${code}) before listening: ${stderr}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  return {
    issuer,
    facebook: { authorizationUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, meUrl: `${issuer}/graph/me` },
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      await exited;
    },
  };
}

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly host: string;
  readonly path: string;
}

/**
 * The cookies of one browser, as RFC 6265 keeps them for what these tests need: by host (not port),
 * path prefix, replaced by name+host+path, removed by Max-Age=0 or an Expires in the past.
 */
export class CookieJar {
  private cookies: StoredCookie[] = [];

  store(url: URL, setCookieHeaders: readonly string[]): void {
    for (const header of setCookieHeaders) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let cookiePath = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.split('=');
        const attrValue = rest.join('=');
        switch (key.toLowerCase()) {
          case 'path':
            cookiePath = attrValue || '/';
            break;
          case 'max-age':
            expired = Number(attrValue) <= 0;
            break;
          case 'expires':
            expired = Date.parse(attrValue) <= Date.now();
            break;
          default:
            break;
        }
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === url.hostname && c.path === cookiePath));
      if (!expired) this.cookies.push({ name, value, host: url.hostname, path: cookiePath });
    }
  }

  /** The Cookie header for a request to `url`, longer paths first. */
  header(url: URL): string | undefined {
    const matching = this.cookies
      .filter((c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  get(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  set(name: string, value: string, url: URL, cookiePath = '/'): void {
    this.store(url, [`${name}=${value}; Path=${cookiePath}`]);
  }
}

export interface BrowserResponse {
  readonly url: URL;
  readonly status: number;
  readonly location?: URL;
  readonly body: string;
}

/**
 * A browser without a screen: plain HTTP requests that keep cookies and follow redirects, and that
 * fill oidc-provider's development sign-in and consent forms as a person would.
 */
export class TestBrowser {
  readonly cookies = new CookieJar();

  /** One request, redirects not followed. */
  async request(url: URL | string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { Accept: 'text/html,application/json', ...init.headers };
    const cookie = this.cookies.header(target);
    if (cookie) headers.Cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.cookies.store(target, response.headers.getSetCookie());
    const location = response.headers.get('location');
    return { url: target, status: response.status, body: await response.text(), ...(location ? { location: new URL(location, target) } : {}) };
  }

  /**
   * Goes to `url` and on, through redirects and the provider's forms (signing in as `login`, granting
   * consent), until a redirect points at a URL for which `stopAt` is true: that URL is returned, not
   * visited. Throws if the journey ends elsewhere or takes more than 20 steps.
   */
  async journey(url: URL | string, options: { login: string; stopAt: (url: URL) => boolean }): Promise<URL> {
    let response = await this.request(url);
    for (let step = 0; step < 20; step += 1) {
      if (response.location) {
        if (options.stopAt(response.location)) return response.location;
        response = await this.request(response.location);
        continue;
      }
      const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[\s\S]*?name="prompt" value="([a-z]+)"/i.exec(response.body);
      if (response.status === 200 && form) {
        const action = new URL(form[1].replace(/&amp;/g, '&'), response.url);
        const prompt = form[2];
        const fields: Record<string, string> = prompt === 'login' ? { prompt, login: options.login, password: 'any' } : { prompt };
        response = await this.request(action, { form: fields });
        continue;
      }
      throw new Error(`the journey stopped at ${response.url.href} with ${response.status}: ${response.body.slice(0, 500)}`);
    }
    throw new Error('the journey took more than 20 steps');
  }
}
