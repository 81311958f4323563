import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { COMPUTER_NAME_MAX } from '@contracts/agent.protocol';
import type { ComputerRow } from '@contracts/computers-live.contracts';
import type { ComputerGroupView } from '@contracts/computers.contracts';
import { TranslatePipe } from '@ngx-translate/core';

import { type Problem, problemOf } from '../auth/problem';
import { ProblemMessage } from '../shared/problem-message';
import { type CommandAccepted, ComputersApi } from './computers-api';
import { Modal } from './modal';

/**
 * A computer's settings: its name, its group, "allow agent configuration without administrator rights"
 * (Windows agents only; installed ones only, as the server says) and who sees it (its owner decides).
 * Only what changed is sent, one command each.
 */
@Component({
  selector: 'app-computer-settings-dialog',
  imports: [FormsModule, TranslatePipe, Modal, ProblemMessage],
  template: `
    <app-modal [title]="'computers.settings.title' | translate: { name: computer().name }" testId="settings-dialog" (closed)="closed.emit()">
      <form class="form" (ngSubmit)="save()" novalidate>
        <div class="field">
          <label for="settings-name">{{ 'computers.settings.name' | translate }}</label>
          <input
            id="settings-name"
            name="name"
            required
            [maxlength]="nameMax"
            [disabled]="!computer().canManage"
            [ngModel]="name()"
            (ngModelChange)="name.set($event)"
            data-testid="settings-name"
          />
        </div>
        <div class="field">
          <label for="settings-group">{{ 'computers.settings.group' | translate }}</label>
          <select id="settings-group" name="group" [disabled]="!computer().canManage" [ngModel]="groupId()" (ngModelChange)="groupId.set($event)" data-testid="settings-group">
            <option value="">{{ 'computers.groups.ungrouped' | translate }}</option>
            @for (group of groups(); track group.id) {
              <option [value]="group.id">{{ group.path.join(' / ') }}</option>
            }
          </select>
        </div>
        @if (windows()) {
          <div class="field" data-testid="settings-agent-policy">
            <label class="check">
              <input
                type="checkbox"
                name="allowAgentConfig"
                [disabled]="!computer().installed || !computer().canManage"
                [ngModel]="allowAgentConfig()"
                (ngModelChange)="allowAgentConfig.set($event)"
                data-testid="settings-allow-agent-config"
              />
              <span>{{ 'computers.settings.allowAgentConfig' | translate }}</span>
            </label>
            <p class="hint">
              {{ (computer().installed ? 'computers.settings.allowAgentConfigHint' : 'computers.settings.allowAgentConfigNotInstalled') | translate }}
            </p>
          </div>
        }
        <fieldset class="field" data-testid="settings-visibility">
          <legend class="label">{{ 'computers.settings.visibility' | translate }}</legend>
          @if (computer().owned) {
            <label class="check">
              <input type="radio" name="visibility" value="owner" [ngModel]="visibility()" (ngModelChange)="visibility.set($event)" data-testid="settings-visibility-owner" />
              <span>{{ 'computers.settings.visibilityOwner' | translate }}</span>
            </label>
            <label class="check">
              <input type="radio" name="visibility" value="everyone" [ngModel]="visibility()" (ngModelChange)="visibility.set($event)" data-testid="settings-visibility-everyone" />
              <span>{{ 'computers.settings.visibilityEveryone' | translate }}</span>
            </label>
          } @else {
            <p class="hint" data-testid="settings-visibility-owner-only">
              {{ (computer().visibility === 'everyone' ? 'computers.settings.visibilityEveryone' : 'computers.settings.visibilityOwner') | translate }}.
              {{ 'computers.settings.visibilityOwnerOnly' | translate }}
            </p>
          }
        </fieldset>
        <app-problem-message [problem]="problem()" />
        <div class="form-actions">
          <button type="submit" class="button button--primary" [disabled]="busy() || !name().trim()" data-testid="settings-save">{{ 'computers.save' | translate }}</button>
          <button type="button" class="button button--secondary" (click)="closed.emit()">{{ 'form.cancel' | translate }}</button>
        </div>
      </form>
    </app-modal>
  `,
  styles: `
    fieldset {
      margin: 0;
      padding: 0;
      border: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComputerSettingsDialog {
  private readonly api = inject(ComputersApi);
  readonly computer = input.required<ComputerRow>();
  readonly groups = input<readonly ComputerGroupView[]>([]);
  readonly closed = output<void>();
  /** Something was written (the list reads again at this position); the dialog closes itself only when all went through. */
  readonly changed = output<string>();

  protected readonly nameMax = COMPUTER_NAME_MAX;
  protected readonly name = linkedSignal(() => this.computer().name);
  protected readonly groupId = linkedSignal(() => this.computer().groupId ?? '');
  protected readonly allowAgentConfig = linkedSignal(() => this.computer().allowAgentConfigWithoutAdmin);
  protected readonly visibility = linkedSignal(() => this.computer().visibility);
  protected readonly windows = computed(() => this.computer().os.platform === 'win32');
  protected readonly busy = signal(false);
  protected readonly problem = signal<Problem | null>(null);

  protected async save(): Promise<void> {
    const computer = this.computer();
    const id = computer.id;
    const name = this.name().trim();
    const steps: (() => Promise<CommandAccepted>)[] = [];
    if (computer.canManage && name && name !== computer.name) steps.push(() => this.api.rename(id, name));
    if (computer.canManage && this.groupId() !== (computer.groupId ?? '')) steps.push(() => this.api.moveToGroup(id, this.groupId() || null));
    if (this.windows() && computer.installed && this.allowAgentConfig() !== computer.allowAgentConfigWithoutAdmin) {
      steps.push(() => this.api.setAgentConfigPolicy(id, this.allowAgentConfig()));
    }
    if (computer.owned && this.visibility() !== computer.visibility) steps.push(() => this.api.setVisibility(id, this.visibility()));
    if (steps.length === 0) {
      this.closed.emit();
      return;
    }
    this.busy.set(true);
    this.problem.set(null);
    let position: string | null = null;
    let refused = false;
    try {
      for (const step of steps) position = (await step()).position;
    } catch (error) {
      refused = true;
      this.problem.set(problemOf(error));
    } finally {
      this.busy.set(false);
    }
    // What went through (all of it, or what came before a refusal) shows in the list.
    if (position) this.changed.emit(position);
    if (!refused) this.closed.emit();
  }
}
