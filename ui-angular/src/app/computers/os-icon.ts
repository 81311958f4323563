import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { AgentPlatform } from '@contracts/agent.protocol';
import { TranslatePipe } from '@ngx-translate/core';

/** One drawing per platform on a 24×24 grid, filled with the text colour. */
const PATHS: Readonly<Record<AgentPlatform, string>> = {
  win32: 'M3 5.5l7.5-1v7H3zM11.5 4.3L21 3v8.5h-9.5zM3 12.5h7.5v7L3 18.5zM11.5 12.5H21V21l-9.5-1.3z',
  darwin:
    'M16.4 12.6c0-2.3 1.9-3.4 2-3.5-1.1-1.6-2.8-1.8-3.4-1.8-1.4-.1-2.8.9-3.5.9s-1.8-.9-3-.8c-1.6 0-3 .9-3.8 2.3-1.6 2.8-.4 7 1.2 9.2.8 1.1 1.7 2.4 2.9 2.3 1.2 0 1.6-.7 3-.7s1.8.7 3 .7c1.3 0 2.1-1.1 2.8-2.3.9-1.3 1.3-2.5 1.3-2.6-.1 0-2.5-.9-2.5-3.7zM14.2 5.8c.6-.8 1.1-1.9 1-3-1 0-2.1.6-2.8 1.4-.6.7-1.1 1.8-1 2.9 1.1.1 2.1-.5 2.8-1.3z',
  linux:
    'M12 2c-2.2 0-3.5 1.8-3.5 4.2 0 1.3.2 2-.6 3.3C6.8 11.2 5 13.5 5 16.3c0 .7.1 1.3.4 1.8-.8.4-1.9.7-1.9 1.6 0 1.1 1.6 1.3 3.3 1.8 1.2.4 2 .5 2.7-.2.5.3 1.5.5 2.5.5s2-.2 2.5-.5c.7.7 1.5.6 2.7.2 1.7-.5 3.3-.7 3.3-1.8 0-.9-1.1-1.2-1.9-1.6.3-.5.4-1.1.4-1.8 0-2.8-1.8-5.1-2.9-6.8-.8-1.3-.6-2-.6-3.3C15.5 3.8 14.2 2 12 2zm-1.5 3.5c.5 0 .8.5.8 1.1s-.3 1.1-.8 1.1-.8-.5-.8-1.1.3-1.1.8-1.1zm3 0c.5 0 .8.5.8 1.1s-.3 1.1-.8 1.1-.8-.5-.8-1.1.3-1.1.8-1.1zM12 8.6l1.8 1-1.8 1-1.8-1z',
};

const LABELS: Readonly<Record<AgentPlatform, string>> = {
  win32: 'computers.os.win32',
  darwin: 'computers.os.darwin',
  linux: 'computers.os.linux',
};

/** The computer's operating system as an icon, named for screen readers and in a tooltip. */
@Component({
  selector: 'app-os-icon',
  imports: [TranslatePipe],
  template: `
    <svg viewBox="0 0 24 24" role="img" [attr.aria-label]="label() | translate" [attr.data-os]="platform()">
      <title>{{ label() | translate }}</title>
      <path [attr.d]="path()" />
    </svg>
  `,
  styles: `
    :host {
      display: inline-flex;
      width: 1.25rem;
      height: 1.25rem;
      color: var(--sb-text-muted);
    }
    svg {
      width: 100%;
      height: 100%;
      fill: currentColor;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OsIcon {
  readonly platform = input.required<AgentPlatform>();
  protected readonly path = computed(() => PATHS[this.platform()] ?? PATHS.linux);
  protected readonly label = computed(() => LABELS[this.platform()] ?? 'computers.os.unknown');
}
