import { Location } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  computed,
  inject,
  input,
  signal,
  viewChild,
  viewChildren,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import type { SessionDetailsView } from '@contracts/session-history.contracts';
import { type InputEvent, SESSION_MAX_PROMPTS, SESSION_MAX_PROMPT_DATA } from '@contracts/session.protocol';
import { TranslatePipe } from '@ngx-translate/core';
import { debounceTime, filter } from 'rxjs';

import { AuthService } from '../../auth/auth.service';
import { type Problem, problemOf } from '../../auth/problem';
import { ConsoleSocketService } from '../../console-link/console-socket.service';
import { ProblemMessage } from '../../shared/problem-message';
import { END_REASONS, SessionsApi } from '../sessions-api';
import { SESSION_LIVE_DEBOUNCE_MS, isSessionHistoryNotice } from '../session-notices';
import { InputBatcher, keyEvent, mouseButton, screenPoint, wheelNotches } from './input-mapping';
import { PromptTerminal } from './prompt-terminal';
import { ScreenPainter, type ScreenSurface, TILE_DECODER } from './screen-painter';
import { SessionConnection, type ViewerCredentials } from './session-connection';
import type { ViewerNavigationState } from './viewer-navigation';
import { errorKey, refusalKey } from './viewer-errors';

interface PromptTab {
  readonly id: string;
  readonly number: number;
  /** The prompt's exit code once its shell ended (null: killed); undefined while it runs. */
  readonly exit?: number | null;
}

let promptCounter = 0;

/** Prompt ids are the console's own: unique in the session, short, URL-safe. */
function newPromptId(): string {
  promptCounter += 1;
  return `p${promptCounter}${Math.random().toString(36).slice(2, 8)}`;
}

/** Splits typed or pasted text into messages the server accepts. */
export function promptChunks(data: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < data.length; i += SESSION_MAX_PROMPT_DATA) chunks.push(data.slice(i, i + SESSION_MAX_PROMPT_DATA));
  return chunks;
}

/**
 * A live session: the remote screen on a canvas (frames drawn as they come, each acknowledged so that
 * the agent paces itself), mouse and keyboard to the agent while the canvas has the focus, web command
 * prompts in tabs beside the screen, who else is watching, the sharer when several end-users came by
 * one link, and End. A guest (permalink) watches with a viewer token instead of an access token.
 */
@Component({
  selector: 'app-session-viewer-page',
  imports: [TranslatePipe, RouterLink, ProblemMessage, PromptTerminal],
  providers: [SessionConnection],
  templateUrl: './session-viewer-page.html',
  styleUrl: './session-viewer-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionViewerPage {
  private readonly api = inject(SessionsApi);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly consoleSocket = inject(ConsoleSocketService);
  private readonly decodeTile = inject(TILE_DECODER);
  private readonly location = inject(Location);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly link = inject(SessionConnection);

  /** The session id, from the route. */
  readonly id = input.required<string>();
  /** A guest's viewer token from the query string (router state is preferred: it stays out of the address bar). */
  readonly viewerToken = input<string | undefined>(undefined);

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('screen');
  private readonly terminals = viewChildren(PromptTerminal);
  private painter: ScreenPainter | null = null;
  private readonly batcher = new InputBatcher((events) => this.link.send({ type: 'input', events }));
  /** Keys held down on the canvas, released when it loses the focus (or a modifier would stay stuck remotely). */
  private readonly held = new Set<string>();
  /** A keyframe was asked and has not come yet: one request is enough. */
  private keyframeAsked = false;
  /** Prompts whose terminals are ready but whose `prompt-open` waits for the link. */
  private readonly unopened = new Map<string, { cols: number; rows: number }>();

  protected readonly guest = signal(false);
  protected readonly details = signal<SessionDetailsView | null>(null);
  protected readonly problem = signal<Problem | null>(null);
  protected readonly framesDrawn = signal(0);
  protected readonly screenSize = signal<{ w: number; h: number } | null>(null);
  protected readonly prompts = signal<readonly PromptTab[]>([]);
  /** 'screen' or a prompt id. */
  protected readonly tab = signal<string>('screen');
  protected readonly canOpenPrompt = computed(
    () => this.link.state() === 'open' && this.prompts().filter((p) => p.exit === undefined).length < SESSION_MAX_PROMPTS,
  );
  protected readonly title = computed(() => this.link.welcome()?.computerName ?? this.details()?.computerName ?? this.details()?.endUserName ?? null);
  protected readonly presentEndUsers = computed(() => (this.details()?.endUsers ?? []).filter((user) => user.present));
  protected readonly refusalKey = refusalKey;
  protected readonly errorKey = errorKey;
  protected readonly endReasonKey = computed(() => {
    const reason = this.link.endReason();
    return reason && END_REASONS.includes(reason) ? `sessions.endReason.${reason}` : null;
  });

  constructor() {
    afterNextRender(() => void this.start());
    this.destroyRef.onDestroy(() => this.batcher.dispose());
  }

  protected async start(): Promise<void> {
    // The navigation's state, kept in the history entry: a reload keeps a guest's token and leaves it out of the address.
    const state = (this.location.getState() ?? {}) as ViewerNavigationState;
    const guestToken = state.viewerToken ?? this.viewerToken();
    await this.auth.ready();
    if (!guestToken && !this.auth.signedIn()) {
      await this.router.navigate(['/sign-in'], { queryParams: { returnUrl: this.router.url } });
      return;
    }
    this.guest.set(!!guestToken);
    this.painter = new ScreenPainter(this.canvas().nativeElement as ScreenSurface, this.decodeTile);
    this.link.screenFrames.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((frame) => void this.draw(frame));
    this.link.promptOutput.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((frame) => this.terminal(frame.header.p)?.write(frame.payload));
    this.link.promptEvents.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((event) => {
      if (event.type === 'prompt-exit') this.prompts.update((tabs) => tabs.map((tab) => (tab.id === event.promptId ? { ...tab, exit: event.code } : tab)));
    });
    this.link.welcomed.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => {
      this.keyframeAsked = true;
      for (const [promptId, size] of this.unopened) this.sendPromptOpen(promptId, size);
    });
    this.link.connect(this.id(), guestToken ? guestCredentials(guestToken) : this.technicianCredentials());
    if (!guestToken) this.followDetails();
    if (state.openPrompt) this.openPrompt();
  }

  protected openPrompt(): void {
    if (this.prompts().filter((p) => p.exit === undefined).length >= SESSION_MAX_PROMPTS) return;
    const id = newPromptId();
    this.prompts.update((tabs) => [...tabs, { id, number: (tabs.at(-1)?.number ?? 0) + 1 }]);
    this.tab.set(id);
  }

  /** The terminal fits its tab: now the agent can start a shell of that size. */
  protected promptReady(promptId: string, size: { cols: number; rows: number }): void {
    this.unopened.set(promptId, size);
    if (this.link.state() === 'open') this.sendPromptOpen(promptId, size);
  }

  protected promptTyped(promptId: string, data: string): void {
    for (const chunk of promptChunks(data)) this.link.send({ type: 'prompt-data', promptId, data: chunk });
  }

  protected promptResized(promptId: string, size: { cols: number; rows: number }): void {
    this.link.send({ type: 'prompt-resize', promptId, ...size });
  }

  protected closePrompt(promptId: string): void {
    const tab = this.prompts().find((p) => p.id === promptId);
    if (tab?.exit === undefined) this.link.send({ type: 'prompt-close', promptId });
    this.unopened.delete(promptId);
    this.prompts.update((tabs) => tabs.filter((p) => p.id !== promptId));
    if (this.tab() === promptId) this.tab.set('screen');
  }

  protected chooseSharer(participantId: string): void {
    if (participantId) this.link.send({ type: 'choose-sharer', participantId });
  }

  /** Ends the session for everyone; without a live link, a technician ends it through the API. */
  protected async end(): Promise<void> {
    if (this.link.send({ type: 'end' }) || this.guest()) return;
    try {
      await this.api.terminate(this.id());
    } catch (error) {
      this.problem.set(problemOf(error));
    }
  }

  protected pointerMove(event: MouseEvent): void {
    const point = this.point(event);
    if (point) this.input({ t: 'move', ...point });
  }

  protected pointerButton(event: MouseEvent, down: boolean): void {
    const button = mouseButton(event.button);
    const point = this.point(event);
    if (button === null || !point) return;
    event.preventDefault();
    if (down) this.canvas().nativeElement.focus();
    this.input({ t: 'move', ...point });
    this.input({ t: down ? 'down' : 'up', b: button });
  }

  protected wheel(event: WheelEvent): void {
    const dy = wheelNotches(event.deltaY, event.deltaMode);
    event.preventDefault();
    if (dy !== 0) this.input({ t: 'wheel', dy });
  }

  protected key(event: KeyboardEvent, down: boolean): void {
    const input = keyEvent(event.key, down);
    // Every key belongs to the remote computer while the canvas has the focus (Tab, Backspace, F5...).
    event.preventDefault();
    if (!input) return;
    if (down) this.held.add(event.key);
    else this.held.delete(event.key);
    this.input(input);
  }

  protected releaseKeys(): void {
    for (const key of this.held) this.input({ t: 'key', key, down: false });
    this.held.clear();
    this.batcher.flush();
  }

  private input(event: InputEvent): void {
    if (this.link.state() === 'open') this.batcher.push(event);
  }

  private point(event: MouseEvent): { x: number; y: number } | null {
    const size = this.screenSize();
    if (!size) return null;
    const canvas = this.canvas().nativeElement;
    return screenPoint(event.clientX, event.clientY, canvas.getBoundingClientRect(), size.w, size.h);
  }

  private async draw(frame: Parameters<ScreenPainter['paint']>[0]): Promise<void> {
    if (!this.painter) return;
    const result = await this.painter.paint(frame);
    if (frame.header.k && result.drawn) this.keyframeAsked = false;
    this.screenSize.set({ w: frame.header.w, h: frame.header.h });
    this.framesDrawn.update((n) => n + 1);
    this.link.send({ type: 'ack', seq: frame.header.q });
    if (result.needsKeyframe && !this.keyframeAsked) {
      this.keyframeAsked = true;
      this.link.send({ type: 'keyframe' });
    }
  }

  private terminal(promptId: string): PromptTerminal | undefined {
    return this.terminals().find((terminal) => terminal.promptId() === promptId);
  }

  private sendPromptOpen(promptId: string, size: { cols: number; rows: number }): void {
    if (this.link.send({ type: 'prompt-open', promptId, ...size })) this.unopened.delete(promptId);
  }

  private technicianCredentials(): ViewerCredentials {
    return {
      token: () => this.auth.accessToken(),
      renew: () => this.auth.refresh(),
    };
  }

  /** The session's row (end-users for the sharer chooser), again whenever the read model says it changed. */
  private followDetails(): void {
    const load = async (): Promise<void> => {
      try {
        this.details.set(await this.api.get(this.id()));
      } catch (error) {
        // The live screen does not need the row: a refusal here shows, but the viewer goes on.
        this.problem.set(problemOf(error));
      }
    };
    void load();
    this.destroyRef.onDestroy(this.consoleSocket.watch(['read-models']));
    this.consoleSocket
      .on('readModelUpdated')
      .pipe(
        filter((notice) => isSessionHistoryNotice(notice) && notice.id === this.id()),
        debounceTime(SESSION_LIVE_DEBOUNCE_MS),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe(() => void load());
  }
}

function guestCredentials(token: string): ViewerCredentials {
  return { token: () => token, renew: () => Promise.resolve(null) };
}
