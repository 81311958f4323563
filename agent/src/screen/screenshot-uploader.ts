import type { ScreenSource } from './screen-source';

export interface UploaderOptions {
  readonly source: ScreenSource;
  readonly agentKey: string;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** Called when the server refuses the key (401): the link will say the same and stop. */
  readonly onUnauthorized?: () => void;
}

/** What one upload came to, for the log and the tests. */
export type UploadResult = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly status: number | null; readonly message: string };

/**
 * Takes a screenshot at once and every interval while the link is up, and POSTs it to the URL the
 * welcome gave, with the agent key as bearer. One upload at a time: a slow one skips the next tick.
 */
export class ScreenshotUploader {
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy = false;
  private url: string | null = null;
  readonly results: UploadResult[] = [];

  constructor(private readonly options: UploaderOptions) {}

  start(url: string, intervalMs: number): void {
    this.stop();
    this.url = url;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.url = null;
  }

  /** One capture and upload now. */
  async uploadOnce(url: string): Promise<UploadResult> {
    let result: UploadResult;
    try {
      const shot = await this.options.source.capture();
      const res = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.options.agentKey}`, 'Content-Type': shot.contentType },
        body: shot.data,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text().catch(() => '');
      if (res.status === 204 || res.status === 200) result = { ok: true, bytes: shot.data.length };
      else result = { ok: false, status: res.status, message: problemText(text) };
    } catch (error) {
      result = { ok: false, status: null, message: (error as Error).message };
    }
    this.results.push(result);
    if (this.results.length > 10) this.results.shift();
    if (!result.ok) {
      this.options.log('warn', `screenshot upload failed${result.status ? ` (${result.status})` : ''}: ${result.message}`);
      if (result.status === 401) this.options.onUnauthorized?.();
    }
    return result;
  }

  private async tick(): Promise<void> {
    const url = this.url;
    if (!url || this.busy) return;
    this.busy = true;
    try {
      await this.uploadOnce(url);
    } finally {
      this.busy = false;
    }
  }
}

/** "CODE: detail" of an RFC 9457 problem body, or the start of whatever came back. */
export function problemText(body: string): string {
  try {
    const problem = JSON.parse(body) as { code?: unknown; detail?: unknown; title?: unknown };
    const code = typeof problem.code === 'string' ? problem.code : undefined;
    const detail = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : undefined;
    if (code || detail) return [code, detail].filter(Boolean).join(': ');
  } catch {
    // Not JSON: show it as it is.
  }
  return body.slice(0, 200) || '(empty answer)';
}
