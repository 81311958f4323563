import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { AgentPlatform } from '@contracts/agent.protocol';
import { TranslatePipe } from '@ngx-translate/core';

import { AuthService } from '../auth/auth.service';
import { type Problem, problemOf } from '../auth/problem';
import { DateTimePipe } from '../date-time/date-time.pipe';
import { copyText } from '../shared/clipboard';
import { ProblemMessage } from '../shared/problem-message';
import { saveBlob } from '../shared/save-blob';
import { shellQuote } from '../shared/shell-quote';
import { type AddComputerLink, ComputersApi, PLATFORMS } from './computers-api';
import { Modal } from './modal';

/** The agent's command-line enrollment, as the seed's `/createcomputer` form but with long options. */
export function createComputerCommand(username: string, host: string, port: string): string {
  return `switchboard-agent --create-computer --username ${shellQuote(username)} --password <password> --relay-url ${shellQuote(host)} --relay-port ${port}`;
}

/**
 * Adding computers: the agent for each OS (with the auto-connect option, which bakes an enrollment token
 * into the download), a 48-hour add-computer link to send to someone else, with a Copy button, and the
 * command line for scripted installs.
 */
@Component({
  selector: 'app-add-computer-dialog',
  imports: [FormsModule, TranslatePipe, DateTimePipe, Modal, ProblemMessage],
  templateUrl: './add-computer-dialog.html',
  styleUrl: './add-computer-dialog.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddComputerDialog {
  private readonly api = inject(ComputersApi);
  private readonly auth = inject(AuthService);
  private readonly document = inject(DOCUMENT);
  readonly closed = output<void>();

  protected readonly platforms = PLATFORMS;
  protected readonly autoConnect = signal(false);
  protected readonly downloading = signal<AgentPlatform | null>(null);
  protected readonly link = signal<AddComputerLink | null>(null);
  protected readonly creatingLink = signal(false);
  /** Which text was just copied, for a short "Copied" next to its button. */
  protected readonly copied = signal<'link' | 'cli' | null>(null);
  protected readonly problem = signal<Problem | null>(null);

  protected readonly command = computed(() => {
    const location = this.document.location;
    const port = location.port || (location.protocol === 'https:' ? '443' : '80');
    return createComputerCommand(this.auth.me()?.email ?? '<username>', location.hostname, port);
  });

  protected async download(platform: AgentPlatform): Promise<void> {
    this.problem.set(null);
    this.downloading.set(platform);
    try {
      const { blob, fileName } = await this.api.download(platform, this.autoConnect());
      saveBlob(this.document, blob, fileName);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.downloading.set(null);
    }
  }

  protected async createLink(): Promise<void> {
    this.problem.set(null);
    this.creatingLink.set(true);
    try {
      this.link.set(await this.api.addComputerLink());
      this.copied.set(null);
    } catch (error) {
      this.problem.set(problemOf(error));
    } finally {
      this.creatingLink.set(false);
    }
  }

  protected async copy(what: 'link' | 'cli', text: string): Promise<void> {
    const field = this.document.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-copy="${what}"]`);
    if (await copyText(this.document, text, field)) this.copied.set(what);
  }
}
