import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ReleaseComputerSlot } from '../../domain/account/account-plan.commands';
import type { RemoveComputer } from '../../domain/computer/computer.commands';
import type { CommandResult } from '../handle-command';
import { ComputerCommandMessage, ComputerCommandSupport, systemPrincipal } from './computer-command-support';

export class RemoveComputerCommand extends ComputerCommandMessage<RemoveComputer['data']> {
  readonly type = 'RemoveComputer';
}

/**
 * The owner or an admin removes a computer: its key stops working at once (the gateway closes its
 * link with 4401), then its plan slot is given back. Slots are counted, not listed, so only the call
 * whose removal went through releases one; should the process stop between the two appends, the
 * slot stays counted until an operator adjusts the limit.
 */
@CommandHandler(RemoveComputerCommand)
export class RemoveComputerHandler implements ICommandHandler<RemoveComputerCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  async execute({ principal, data, meta }: RemoveComputerCommand): Promise<CommandResult> {
    const removed = await this.computers.runComputer<RemoveComputer>(data.computerId, { type: 'RemoveComputer', data }, principal, meta);
    if (removed.events.length > 0) {
      await this.computers.runAccount<ReleaseComputerSlot>(
        principal.tenantId,
        { type: 'ReleaseComputerSlot', data: { accountId: principal.tenantId, computerId: data.computerId } },
        systemPrincipal(principal.tenantId),
        { ...meta, causationId: meta.correlationId },
      );
    }
    return removed;
  }
}
