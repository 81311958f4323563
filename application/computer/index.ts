import { AuthenticateAgentHandler } from './authenticate-agent.command';
import { ComputerCommandSupport } from './computer-command-support';
import {
  AddComputerGroupHandler,
  DeleteComputerGroupHandler,
  MoveComputerGroupHandler,
  RenameComputerGroupHandler,
} from './computer-groups.commands';
import { MarkComputerOfflineHandler, MarkComputerOnlineHandler, UpdateComputerFactsHandler } from './computer-presence.command';
import { EnforceAccountPlanHandler, EnforceComputerPlanHandler } from './enforce-computer-plan.command';
import { EnrollComputerHandler } from './enroll-computer.command';
import {
  IssueAddComputerLinkHandler,
  IssueEnrollmentTokenHandler,
  ListEnrollmentTokensHandler,
  RevokeEnrollmentTokenHandler,
  SetAccountComputerLimitHandler,
} from './enrollment-tokens.command';
import { FavouriteComputerHandler, UnfavouriteComputerHandler } from './favourite-computer.command';
import { GetComputerHandler } from './get-computer.query';
import { ListComputerGroupsHandler } from './list-computer-groups.query';
import { ListComputersHandler } from './list-computers.query';
import { MoveComputerToGroupHandler } from './move-computer-to-group.command';
import { RemoveComputerHandler } from './remove-computer.command';
import { RenameComputerHandler } from './rename-computer.command';
import { SetAgentConfigPolicyHandler } from './set-agent-config-policy.command';
import { SetAgentNameHandler } from './set-agent-name.command';
import { SetComputerVisibilityHandler } from './set-computer-visibility.command';
import { ShareComputerHandler, UnshareComputerHandler } from './share-computer.command';

/**
 * Providers of the computer use cases. They need, besides CommandRunner and the CQRS module:
 * EVENT_STORE, CLOCK, ID_GENERATOR, SECRET_GENERATOR, READ_STORE, READ_MODEL_ACCESS, and the
 * identity providers (USER_PROVIDERS: enrollment by password checks through UserCommandSupport).
 * COMPUTER_PLAN_DEFAULTS is optional.
 */
export const COMPUTER_PROVIDERS = [
  ComputerCommandSupport,
  EnrollComputerHandler,
  AuthenticateAgentHandler,
  RenameComputerHandler,
  SetAgentNameHandler,
  MoveComputerToGroupHandler,
  FavouriteComputerHandler,
  UnfavouriteComputerHandler,
  ShareComputerHandler,
  UnshareComputerHandler,
  SetComputerVisibilityHandler,
  SetAgentConfigPolicyHandler,
  MarkComputerOnlineHandler,
  MarkComputerOfflineHandler,
  UpdateComputerFactsHandler,
  EnforceComputerPlanHandler,
  EnforceAccountPlanHandler,
  RemoveComputerHandler,
  AddComputerGroupHandler,
  RenameComputerGroupHandler,
  MoveComputerGroupHandler,
  DeleteComputerGroupHandler,
  IssueAddComputerLinkHandler,
  IssueEnrollmentTokenHandler,
  RevokeEnrollmentTokenHandler,
  SetAccountComputerLimitHandler,
  ListEnrollmentTokensHandler,
  ListComputersHandler,
  GetComputerHandler,
  ListComputerGroupsHandler,
];
