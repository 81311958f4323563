import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Put, Req, UseGuards, applyDecorators } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { MeView, Profile } from '../../../application/contracts/auth.contracts';
import type { CommandMeta, CommandResult } from '../../../application/handle-command';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port';
import type { Position } from '../../../application/ports/position';
import { ChangePasswordCommand } from '../../../application/user/change-password.command';
import { DeleteAccountCommand, type DeleteAccountResult } from '../../../application/user/delete-account.command';
import { FinishOnboardingCommand } from '../../../application/user/finish-onboarding.command';
import type { SessionGrant } from '../../../application/user/session-grant';
import { SignInCommand } from '../../../application/user/sign-in.command';
import { UpdateProfileCommand } from '../../../application/user/update-profile.command';
import { AttemptRefusedError } from '../../../application/user/user.errors';
import { GetMeQuery } from '../../../application/user/user.queries';
import { UserCommandSupport } from '../../../application/user/user-command-support';
import type { UserView } from '../../../read-models/user-list/user-list.view';
import { ProblemDto } from '../account.dto';
import { AuthMails } from '../auth/auth-mails';
import { TokenPairDto } from '../auth/auth.dto';
import { LoginThrottle } from '../auth/login-throttle';
import { SessionTokens } from '../auth/session-tokens';
import type { HttpRequest } from '../http-types';
import { AuthGuard } from '../principal/auth.guard';
import { AllowedBeforePasswordChange } from '../principal/auth-route.decorators';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { SessionRevocations } from '../principal/session-revocations';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { ChangePasswordDto, DeleteAccountDto, MeViewDto, OnboardingDto, ProfileDto } from './me.dto';

const ApiMeProblems = () =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'Invalid body (VALIDATION_FAILED)', type: ProblemDto }),
    ApiResponse({ status: 401, description: 'No valid access token (expired, revoked, unknown session)', type: ProblemDto }),
    ApiResponse({ status: 403, description: 'PASSWORD_CHANGE_REQUIRED, or the operator token (USER_TOKEN_REQUIRED)', type: ProblemDto }),
  );

export function meViewOf(view: UserView): MeView {
  return {
    id: view.id,
    accountId: view.accountId,
    email: view.email ?? '',
    role: view.role,
    status: view.status,
    mustChangePassword: view.mustChangePassword,
    profile: view.profile,
    onboarding: view.onboarding,
  };
}

/** The signed-in user's own data: who they are, password, profile, onboarding, leaving. */
@ApiTags('me')
@ApiBearerAuth()
@ApiMeProblems()
@UseGuards(AuthGuard)
@Controller('api/me')
export class MeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly sessionTokens: SessionTokens,
    private readonly sessions: SessionRevocations,
    private readonly throttle: LoginThrottle,
    private readonly mails: AuthMails,
    private readonly users: UserCommandSupport,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Get()
  @AllowedBeforePasswordChange()
  @ApiOkResponse({ type: MeViewDto })
  @ApiResponse({ status: 404, description: 'USER_NOT_FOUND: the user was deleted', type: ProblemDto })
  async me(@CurrentUser() caller: UserCaller): Promise<MeView> {
    return meViewOf(await this.view(caller));
  }

  /**
   * The current password is required; a weak or unchanged new one is refused (400 with reasons). Every
   * session ends, this one included, and a fresh one opens with the new password: the answer is its pair.
   */
  @Post('password')
  @AllowedBeforePasswordChange()
  @HttpCode(200)
  @ApiBody({ type: ChangePasswordDto })
  @ApiOkResponse({ type: TokenPairDto, description: 'The new session; every other one has ended' })
  @ApiResponse({ status: 403, description: 'WRONG_CURRENT_PASSWORD (recorded)', type: ProblemDto })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS at the current password (Retry-After)', type: ProblemDto })
  async changePassword(
    @CurrentUser() caller: UserCaller,
    @Body() body: ChangePasswordDto,
    @Req() req: HttpRequest,
    @RequestMeta() meta: CommandMeta,
  ): Promise<TokenPairDto> {
    const user = await this.users.loadSelf(caller.principal);
    const email = user.email ?? '';
    await this.guessing(email, req, meta, () =>
      this.commands.execute<ChangePasswordCommand, CommandResult>(
        new ChangePasswordCommand(caller.principal, { currentPassword: body.currentPassword, newPassword: body.newPassword }, meta),
      ),
    );
    const grant = await this.commands.execute<SignInCommand, SessionGrant>(new SignInCommand({ email, password: body.newPassword }, meta));
    const pair = await this.sessionTokens.tokenPair(grant);
    await this.mails.passwordChanged(email, user.profile);
    return pair;
  }

  @Get('profile')
  @ApiOkResponse({ type: ProfileDto, description: 'The profile, or null before the first edit' })
  async profile(@CurrentUser() caller: UserCaller): Promise<Profile | null> {
    return (await this.view(caller)).profile;
  }

  @Put('profile')
  @ApiBody({ type: ProfileDto })
  @ApiOkResponse({ type: MeViewDto, description: 'The user with the new profile' })
  @ApiResponse({ status: 422, description: 'USER_PROFILE_INVALID, naming the bad fields', type: ProblemDto })
  async updateProfile(@CurrentUser() caller: UserCaller, @Body() body: ProfileDto, @RequestMeta() meta: CommandMeta): Promise<MeView> {
    const result = await this.commands.execute<UpdateProfileCommand, CommandResult>(
      new UpdateProfileCommand(caller.principal, { profile: { ...body } }, meta),
    );
    return meViewOf(await this.view(caller, result.position));
  }

  /** The tour was dismissed or completed: it is not offered again. */
  @Post('onboarding')
  @HttpCode(204)
  @ApiBody({ type: OnboardingDto })
  @ApiNoContentResponse({ description: 'Remembered' })
  async onboarding(@CurrentUser() caller: UserCaller, @Body() body: OnboardingDto, @RequestMeta() meta: CommandMeta): Promise<void> {
    const result = await this.commands.execute<FinishOnboardingCommand, CommandResult>(
      new FinishOnboardingCommand(caller.principal, { outcome: body.outcome }, meta),
    );
    await this.view(caller, result.position);
  }

  /**
   * With the current password. An owner deletes the whole account (every user of it, their sessions,
   * and the account's computers and shares through AccountClosed); anyone else deletes only themself.
   */
  @Delete('account')
  @HttpCode(204)
  @ApiBody({ type: DeleteAccountDto })
  @ApiNoContentResponse({ description: 'Deleted; personal data erased, the audit trail kept' })
  @ApiResponse({ status: 403, description: 'WRONG_CURRENT_PASSWORD (recorded)', type: ProblemDto })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS at the current password (Retry-After)', type: ProblemDto })
  async deleteAccount(
    @CurrentUser() caller: UserCaller,
    @Body() body: DeleteAccountDto,
    @Req() req: HttpRequest,
    @RequestMeta() meta: CommandMeta,
  ): Promise<void> {
    const user = await this.users.loadSelf(caller.principal);
    const result = await this.guessing(user.email ?? '', req, meta, () =>
      this.commands.execute<DeleteAccountCommand, DeleteAccountResult>(new DeleteAccountCommand(caller.principal, { currentPassword: body.currentPassword }, meta)),
    );
    await this.sessions.settled(result.position);
  }

  /**
   * A route that checks the current password is a place to guess it with a stolen token: it shares the
   * sign-in back-off of the account and the address.
   */
  private async guessing<T>(email: string, req: HttpRequest, meta: CommandMeta, run: () => Promise<T>): Promise<T> {
    const emailHash = this.users.emailHash(email);
    const keys = this.throttle.keys(emailHash, req.ip);
    await this.throttle.assertAllowed(keys, emailHash, meta);
    try {
      const result = await run();
      await this.throttle.succeeded(keys);
      return result;
    } catch (error) {
      if (error instanceof AttemptRefusedError && error.code === 'WRONG_CURRENT_PASSWORD') await this.throttle.failed(keys, emailHash, meta);
      throw error;
    }
  }

  /** The caller's row of the user list, at least at `position` (or at the log's head when it is missing). */
  private async view(caller: UserCaller, position?: Position): Promise<UserView> {
    const at = position ? { minPosition: position } : {};
    let view = await this.queries.execute<GetMeQuery, UserView | null>(new GetMeQuery(caller.principal, at));
    // Just signed up or in: the user list may not have caught up yet.
    view ??= await this.queries.execute<GetMeQuery, UserView | null>(new GetMeQuery(caller.principal, { minPosition: await this.events.headPosition() }));
    if (!view) throw new HttpProblem('USER_NOT_FOUND', 'This user no longer exists', 404);
    return view;
  }
}
