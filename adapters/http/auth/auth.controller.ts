import { Body, Controller, HttpCode, Logger, Post, Req, UseGuards, applyDecorators } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RegisterResponse } from '../../../application/contracts/auth.contracts';
import type { CommandMeta, CommandResult } from '../../../application/handle-command';
import { CompleteRecoveryCommand } from '../../../application/user/complete-recovery.command';
import { RefreshSessionCommand } from '../../../application/user/refresh-session.command';
import { RegisterByEmailCommand, type RegisterByEmailResult } from '../../../application/user/register-by-email.command';
import { RequestRecoveryCommand, type RequestRecoveryResult } from '../../../application/user/request-recovery.command';
import type { SessionGrant } from '../../../application/user/session-grant';
import { SignInCommand } from '../../../application/user/sign-in.command';
import { RevokeAllSessionsCommand, SignOutCommand } from '../../../application/user/sign-out.command';
import { AttemptRefusedError } from '../../../application/user/user.errors';
import { UserCommandSupport, isLive } from '../../../application/user/user-command-support';
import { ProblemDto } from '../account.dto';
import type { HttpRequest } from '../http-types';
import { AuthGuard } from '../principal/auth.guard';
import { AllowedBeforePasswordChange, Public } from '../principal/auth-route.decorators';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { SessionRevocations } from '../principal/session-revocations';
import { RequestMeta } from '../request-context';
import { AcceptedDto, LoginDto, RecoveryCompleteDto, RecoveryRequestDto, RefreshDto, RegisterDto, TokenPairDto } from './auth.dto';
import { AuthMails } from './auth-mails';
import { LoginThrottle } from './login-throttle';
import { SessionTokens } from './session-tokens';

const ApiProblems = (...statuses: readonly [number, string][]) =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'Invalid body (VALIDATION_FAILED)', type: ProblemDto }),
    ...statuses.map(([status, description]) => ApiResponse({ status, description, type: ProblemDto })),
  );

@ApiTags('auth')
@UseGuards(AuthGuard)
@Controller('api/auth')
export class AuthController {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly commands: CommandBus,
    private readonly throttle: LoginThrottle,
    private readonly sessionTokens: SessionTokens,
    private readonly sessions: SessionRevocations,
    private readonly mails: AuthMails,
    private readonly users: UserCommandSupport,
  ) {}

  /** A new client space owned by the person; the generated password goes out by mail before the answer. Limited per address. */
  @Post('register')
  @Public()
  @HttpCode(202)
  @ApiBody({ type: RegisterDto })
  @ApiAcceptedResponse({ description: 'Registered; the mail with the generated password was sent', schema: { example: { status: 'mail-sent' } } })
  @ApiProblems(
    [409, 'EMAIL_ALREADY_REGISTERED (recorded)'],
    [422, 'USER_EMAIL_INVALID'],
    [429, 'TOO_MANY_ATTEMPTS: too many registrations from this address this hour, with Retry-After (recorded)'],
  )
  async register(@Body() body: RegisterDto, @Req() req: HttpRequest, @RequestMeta() meta: CommandMeta): Promise<RegisterResponse> {
    await this.throttle.assertAddressWithinLimit('register', req.ip, meta);
    const result = await this.commands.execute<RegisterByEmailCommand, RegisterByEmailResult>(
      new RegisterByEmailCommand({ email: body.email, ...(body.accountName ? { accountName: body.accountName } : {}), ...(body.language ? { language: body.language } : {}) }, meta),
    );
    await this.mails.registration(result.mail);
    return { status: 'mail-sent' };
  }

  /** Email and password; back-off per account and per source address (429 with Retry-After). */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems([401, 'INVALID_CREDENTIALS (recorded)'], [429, 'TOO_MANY_ATTEMPTS, with Retry-After (recorded)'])
  async login(@Body() body: LoginDto, @Req() req: HttpRequest, @RequestMeta() meta: CommandMeta): Promise<TokenPairDto> {
    const emailHash = this.users.emailHash(body.email);
    const keys = this.throttle.keys(emailHash, req.ip);
    await this.throttle.assertAllowed(keys, emailHash, meta);
    let grant: SessionGrant;
    try {
      grant = await this.commands.execute<SignInCommand, SessionGrant>(new SignInCommand({ email: body.email, password: body.password }, meta));
    } catch (error) {
      if (error instanceof AttemptRefusedError) await this.throttle.failed(keys, emailHash, meta);
      throw error;
    }
    await this.throttle.succeeded(keys);
    return this.sessionTokens.tokenPair(grant);
  }

  /** Rotation: the refresh token works once; presenting a spent one revokes the session (theft). */
  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiBody({ type: RefreshDto })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems([401, 'TOKEN_REUSED (the session is revoked), TOKEN_INVALID, SESSION_REVOKED, SESSION_EXPIRED'])
  async refresh(@Body() body: RefreshDto, @RequestMeta() meta: CommandMeta): Promise<TokenPairDto> {
    let grant: SessionGrant;
    try {
      grant = await this.commands.execute<RefreshSessionCommand, SessionGrant>(new RefreshSessionCommand({ refreshToken: body.refreshToken }, meta));
    } catch (error) {
      // A reuse revoked the session: answer only once the revocation is visible to the access-token check.
      if (error instanceof AttemptRefusedError && error.code === 'TOKEN_REUSED') await this.settleHead();
      throw error;
    }
    return this.sessionTokens.tokenPair(grant);
  }

  /** Ends the caller's session: its refresh token and its access tokens stop working at once. */
  @Post('logout')
  @AllowedBeforePasswordChange()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems([401, 'No valid access token'])
  async logout(@CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<void> {
    const result = await this.commands.execute<SignOutCommand, CommandResult>(new SignOutCommand(caller.principal, { sessionId: caller.sessionId }, meta));
    await this.sessions.settled(result.position);
  }

  /** Ends every session of the caller, this one included ("sign out everywhere"). */
  @Post('logout-all')
  @AllowedBeforePasswordChange()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Every session ended' })
  @ApiProblems([401, 'No valid access token'])
  async logoutAll(@CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<void> {
    const result = await this.commands.execute<RevokeAllSessionsCommand, CommandResult>(new RevokeAllSessionsCommand(caller.principal, {}, meta));
    await this.sessions.settled(result.position);
  }

  /**
   * Always 202, whether the email is known or not, and the mail is sent after the answer, so that
   * neither the answer nor its timing tells whether an account exists. (Only the per-address limit
   * answers 429, and it counts every request from the address whatever the email.)
   */
  @Post('recovery')
  @Public()
  @HttpCode(202)
  @ApiBody({ type: RecoveryRequestDto })
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'A link was mailed if the email belongs to an account' })
  @ApiProblems([429, 'TOO_MANY_ATTEMPTS: too many requests from this address this hour, whatever the emails, with Retry-After (recorded)'])
  async requestRecovery(@Body() body: RecoveryRequestDto, @Req() req: HttpRequest, @RequestMeta() meta: CommandMeta): Promise<AcceptedDto> {
    // Per address, whatever the email: a 429 here tells nothing about any account.
    await this.throttle.assertAddressWithinLimit('recovery', req.ip, meta);
    // Too many links to one address: still 202 (the limit reveals nothing), and no mail.
    if (!(await this.throttle.recoveryMailAllowed(this.users.emailHash(body.email), meta))) return { status: 'accepted' };
    const result = await this.commands.execute<RequestRecoveryCommand, RequestRecoveryResult>(new RequestRecoveryCommand({ email: body.email }, meta));
    const mail = result.mail;
    if (mail) {
      setImmediate(() => {
        this.mails.recovery(mail, body.language).catch((error: unknown) => this.logger.error({ err: error }, 'the recovery mail could not be sent'));
      });
    }
    return { status: 'accepted' };
  }

  /** Sets the new password from the link's token; the link then stops working and every session ends. */
  @Post('recovery/complete')
  @Public()
  @HttpCode(204)
  @ApiBody({ type: RecoveryCompleteDto })
  @ApiNoContentResponse({ description: 'Password set; sign in with it' })
  @ApiProblems(
    [400, 'WEAK_PASSWORD (with reasons), RECOVERY_LINK_INVALID (recorded)'],
    [410, 'RECOVERY_LINK_EXPIRED, RECOVERY_LINK_USED (recorded)'],
  )
  async completeRecovery(@Body() body: RecoveryCompleteDto, @RequestMeta() meta: CommandMeta): Promise<void> {
    const result = await this.commands.execute<CompleteRecoveryCommand, { userId: string; position: string }>(
      new CompleteRecoveryCommand({ token: body.token, newPassword: body.newPassword }, meta),
    );
    await this.sessions.settled(result.position);
    const user = await this.users.loadUser(result.userId);
    if (isLive(user) && user.email) await this.mails.passwordChanged(user.email, user.profile);
  }

  private async settleHead(): Promise<void> {
    await this.sessions.settled(await this.users.store.headPosition()).catch(() => undefined);
  }
}
