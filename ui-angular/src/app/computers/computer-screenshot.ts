import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

import { ComputersApi } from './computers-api';

/**
 * The computer's latest screenshot. The route wants the bearer token, which an <img> cannot send, so the
 * image is fetched and shown from an object URL; the URL's `?v=` changes with each new screenshot.
 */
@Component({
  selector: 'app-computer-screenshot',
  imports: [TranslatePipe],
  template: `
    @if (src(); as source) {
      <img [src]="source" [alt]="'computers.screenshotOf' | translate: { name: name() }" data-testid="computer-screenshot" />
    } @else {
      <span class="none" data-testid="computer-no-screenshot">{{ 'computers.noScreenshot' | translate }}</span>
    }
  `,
  styles: `
    :host {
      display: flex;
      align-items: center;
      justify-content: center;
      aspect-ratio: 16 / 10;
      overflow: hidden;
      border-radius: 6px;
      background: var(--sb-neutral-bg);
    }
    img {
      width: 100%;
      height: 100%;
      object-fit: cover;
    }
    .none {
      padding: 0.5rem;
      font-size: 0.8rem;
      color: var(--sb-text-muted);
      text-align: center;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComputerScreenshot {
  private readonly api = inject(ComputersApi);
  private readonly urls = inject(DOCUMENT).defaultView?.URL;
  readonly url = input<string | null>(null);
  readonly name = input('');
  protected readonly src = signal<string | null>(null);

  constructor() {
    effect((onCleanup) => {
      const url = this.url();
      if (!url) {
        this.show(null);
        return;
      }
      const subscription = this.api.screenshot(url).subscribe({
        next: (blob) => this.show(blob),
        error: () => this.show(null),
      });
      onCleanup(() => subscription.unsubscribe());
    });
    inject(DestroyRef).onDestroy(() => this.show(null));
  }

  private show(blob: Blob | null): void {
    const previous = this.src();
    const next = blob && this.urls?.createObjectURL ? this.urls.createObjectURL(blob) : null;
    this.src.set(next);
    if (previous) this.urls?.revokeObjectURL(previous);
  }
}
