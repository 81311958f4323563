import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApplicationError } from '../../application/errors';
import type { CommandResult } from '../../application/handle-command';
import { DomainError } from '../../domain/shared/domain-error';
import { statusForCode } from './problem-details';
import { AppMetrics, type CommandOutcome } from '../system/metrics';

/** Sends a command on the bus and counts how it ended in `switchboard_commands_total`. */
@Injectable()
export class CommandSender {
  constructor(private readonly bus: CommandBus, private readonly metrics: AppMetrics) {}

  async send(command: { readonly type: string }): Promise<CommandResult> {
    try {
      const result = await this.bus.execute<typeof command, CommandResult>(command);
      this.metrics.recordCommand(command.type, 'ok');
      return result;
    } catch (error) {
      this.metrics.recordCommand(command.type, outcomeOf(error), (error as { code?: string }).code);
      throw error;
    }
  }
}

function outcomeOf(error: unknown): CommandOutcome {
  if (error instanceof DomainError) return 'rejected';
  if (error instanceof ApplicationError) {
    if (error.code === 'STREAM_REVISION_CONFLICT' || error.code === 'PRECONDITION_FAILED') return 'conflict';
    return statusForCode(error.code, false) < 500 ? 'rejected' : 'error';
  }
  return 'error';
}
