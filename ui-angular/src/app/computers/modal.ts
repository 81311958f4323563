import { A11yModule } from '@angular/cdk/a11y';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { TranslatePipe } from '@ngx-translate/core';

let nextId = 0;

/**
 * A modal dialog: a backdrop, the focus kept inside (and given back when it closes), Escape and the
 * backdrop close it. The body is projected; the parent decides whether it is shown.
 */
@Component({
  selector: 'app-modal',
  imports: [A11yModule, TranslatePipe],
  template: `
    <div class="backdrop" (click)="closed.emit()" aria-hidden="true"></div>
    <section
      class="dialog card"
      role="dialog"
      aria-modal="true"
      [attr.aria-labelledby]="titleId"
      [attr.data-testid]="testId()"
      cdkTrapFocus
      [cdkTrapFocusAutoCapture]="true"
      (keydown.escape)="closed.emit()"
    >
      <header>
        <h2 [id]="titleId">{{ title() }}</h2>
        <button type="button" class="close" (click)="closed.emit()" [attr.aria-label]="'computers.close' | translate" data-testid="modal-close">
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
        </button>
      </header>
      <ng-content />
    </section>
  `,
  styles: `
    :host {
      position: fixed;
      inset: 0;
      z-index: 50;
      display: grid;
      place-items: center;
      padding: 1rem;
    }
    .backdrop {
      position: absolute;
      inset: 0;
      background: rgb(16 24 40 / 45%);
    }
    .dialog {
      position: relative;
      width: min(36rem, 100%);
      max-height: calc(100vh - 2rem);
      overflow-y: auto;
      display: grid;
      gap: 1rem;
    }
    header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 1rem;
    }
    h2 {
      margin: 0;
      font-size: 1.15rem;
    }
    .close {
      border: 0;
      background: transparent;
      padding: 0.25rem;
      cursor: pointer;
      color: var(--sb-text-muted);
    }
    .close svg {
      width: 1.25rem;
      height: 1.25rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Modal {
  readonly title = input.required<string>();
  readonly testId = input('modal');
  readonly closed = output<void>();
  protected readonly titleId = `modal-title-${++nextId}`;
}
