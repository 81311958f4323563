import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { AgentPlatform } from '@contracts/agent.protocol';
import { TranslatePipe } from '@ngx-translate/core';

import { COMPUTERS_URL, PLATFORMS } from './computers-api';

/**
 * Where an add-computer link lands (`/add-computer?link=…`): the person at the computer downloads the
 * agent for their OS with the link baked in; running it adds the computer to the technician's account.
 * No sign-in: holding the link is the permission, and the server checks it (once, within 48 hours).
 */
@Component({
  selector: 'app-add-computer-page',
  imports: [TranslatePipe],
  template: `
    <section class="card auth-card" data-testid="add-computer-page">
      <h1>{{ 'computers.addPage.title' | translate }}</h1>
      @if (token()) {
        <p class="muted">{{ 'computers.addPage.intro' | translate }}</p>
        <ul class="downloads">
          @for (platform of platforms; track platform) {
            <li>
              <a class="button button--primary button--block" [href]="downloadUrl(platform)" download [attr.data-testid]="'add-page-download-' + platform">
                {{ 'computers.addPage.download' | translate: { os: ('computers.os.' + platform | translate) } }}
              </a>
            </li>
          }
        </ul>
        <p class="hint">{{ 'computers.addPage.validity' | translate }}</p>
      } @else {
        <p class="alert alert--error" role="alert" data-testid="add-computer-no-link">{{ 'computers.addPage.noLink' | translate }}</p>
      }
    </section>
  `,
  styles: `
    .downloads {
      display: grid;
      gap: 0.6rem;
      margin: 1rem 0;
      padding: 0;
      list-style: none;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AddComputerPage {
  /** The query parameter, bound by the router. */
  readonly link = input<string | undefined>(undefined);
  protected readonly token = computed(() => (this.link() ?? '').trim());
  protected readonly platforms = PLATFORMS;

  protected downloadUrl(platform: AgentPlatform): string {
    return `${COMPUTERS_URL}/downloads/${platform}?link=${encodeURIComponent(this.token())}`;
  }
}
