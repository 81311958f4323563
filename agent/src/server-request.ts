/** The server answered a request with an error: its problem code and detail, for the message the user sees. */
export class ServerRefusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {}
}

/**
 * POSTs JSON to the server and gives the JSON answer of a 200/201; any other answer becomes a
 * ServerRefusal (RFC 9457 problem code and detail, validation errors, Retry-After of a 429). A server
 * that cannot be reached is an Error that says so.
 */
export async function postJson(serverUrl: string, path: string, body: unknown): Promise<Record<string, unknown> | ServerRefusal> {
  let res: Response;
  try {
    res = await fetch(`${serverUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(`Could not reach the server at ${serverUrl}: ${cause ?? (error as Error).message}`);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: a proxy's page, or not a Switchboard server at all.
  }
  if (res.status === 201 || res.status === 200) return json;
  const code = typeof json.code === 'string' ? json.code : `HTTP_${res.status}`;
  let detail = typeof json.detail === 'string' ? json.detail : typeof json.title === 'string' ? json.title : text.slice(0, 200) || res.statusText;
  if (Array.isArray(json.errors)) detail += ` (${json.errors.join('; ')})`;
  const retryAfter = res.headers.get('retry-after');
  if (res.status === 429 && retryAfter) detail += ` Try again in ${retryAfter} s.`;
  return new ServerRefusal(res.status, code, detail);
}
