import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EnforceComputerPlan } from '../../domain/computer/computer.commands';
import { COMPUTER_LIST } from '../../read-models/computer-list/computer-list.projection';
import type { ComputerDoc } from '../../read-models/computer-list/computer-list.view';
import type { CommandResult } from '../handle-command';
import { CLOCK, type Clock } from '../ports/clock.port';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { ComputerCommandMessage, ComputerCommandSupport, systemPrincipal } from './computer-command-support';

/** One computer: a limited one whose 10 days are over becomes disabled. */
export class EnforceComputerPlanCommand extends ComputerCommandMessage<EnforceComputerPlan['data']> {
  readonly type = 'EnforceComputerPlan';
}

@CommandHandler(EnforceComputerPlanCommand)
export class EnforceComputerPlanHandler implements ICommandHandler<EnforceComputerPlanCommand, CommandResult> {
  constructor(private readonly computers: ComputerCommandSupport) {}

  execute({ principal, data, meta }: EnforceComputerPlanCommand): Promise<CommandResult> {
    return this.computers.runComputer<EnforceComputerPlan>(data.computerId, { type: 'EnforceComputerPlan', data }, principal, meta);
  }
}

/** Every limited computer of an account whose grace period is over (a periodic sweep runs this per account). */
export class EnforceAccountPlanCommand extends ComputerCommandMessage<{ accountId: string }> {
  readonly type = 'EnforceAccountPlan';
}

export interface EnforceAccountPlanResult {
  readonly disabled: readonly string[];
}

@CommandHandler(EnforceAccountPlanCommand)
export class EnforceAccountPlanHandler implements ICommandHandler<EnforceAccountPlanCommand, EnforceAccountPlanResult> {
  constructor(
    private readonly computers: ComputerCommandSupport,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The read model finds the candidates; each computer's own stream decides. */
  async execute({ data, meta }: EnforceAccountPlanCommand): Promise<EnforceAccountPlanResult> {
    const docs = await this.store
      .forTenant(data.accountId)
      .collection<ComputerDoc>(this.access.activeCollection(COMPUTER_LIST))
      .find({ planStatus: 'limited', limitedUntil: { $lte: this.clock.now() } }, { projection: { id: 1 } });
    const disabled: string[] = [];
    for (const { id } of docs) {
      const result = await this.computers.runComputer<EnforceComputerPlan>(
        id,
        { type: 'EnforceComputerPlan', data: { computerId: id } },
        systemPrincipal(data.accountId, 'plan'),
        meta,
      );
      if (result.events.length > 0) disabled.push(id);
    }
    return { disabled };
  }
}
