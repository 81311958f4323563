import { Body, Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AGENT_CLOSE, AGENT_WS_PATH, type EnrollResponse } from '../../../application/contracts/agent.protocol';
import { AuthenticateAgentCommand, type AgentIdentity } from '../../../application/computer/authenticate-agent.command';
import { EnrollComputerCommand, type EnrollComputerResult } from '../../../application/computer/enroll-computer.command';
import { ApplicationError } from '../../../application/errors';
import type { CommandMeta } from '../../../application/handle-command';
import { screenshotKey } from '../../../application/ports/blob-store.port';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { AttemptRefusedError } from '../../../application/user/user.errors';
import { UserCommandSupport } from '../../../application/user/user-command-support';
import { DomainError } from '../../../domain/shared/domain-error';
import type { AgentLinkInfrastructure } from '../../ws/agent-link.infrastructure';
import { AGENT_LINK } from '../../ws/agent-link.tokens';
import { LoginThrottle } from '../auth/login-throttle';
import { ProblemDto } from '../account.dto';
import { bearerToken } from '../operator-auth.guard';
import type { HttpRequest } from '../http-types';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { parseEnrollRequest } from './enroll-request';
import { readImageBody, SCREENSHOT_MAX_BYTES } from './image-body';
import { requestOrigin, wsUrlOf } from './request-origin';

/**
 * Enrollment refusals the agent prints as they are: a used or expired link is gone (410), a token
 * that is not one of ours is not a credential (401).
 */
const ENROLL_STATUSES: Readonly<Record<string, number>> = {
  ENROLLMENT_TOKEN_INVALID: 401,
  ENROLLMENT_TOKEN_USED: 410,
  ENROLLMENT_TOKEN_EXPIRED: 410,
  ENROLLMENT_TOKEN_REVOKED: 410,
  ACCOUNT_CLOSED: 403,
};

/**
 * The agent's HTTP side: enrollment (no signed-in user: the credentials are the body's) and the
 * screenshot upload (the agent key as bearer). Neither uses the console's AuthGuard.
 */
@ApiTags('agent')
@Controller('api/agent')
export class AgentController {
  constructor(
    private readonly commands: CommandBus,
    private readonly users: UserCommandSupport,
    private readonly throttle: LoginThrottle,
    @Inject(AGENT_LINK) private readonly link: AgentLinkInfrastructure,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** EnrollRequest → EnrollResponse (application/contracts/agent.protocol.ts). Password attempts share the sign-in back-off. */
  @Post('enroll')
  @HttpCode(201)
  @ApiBody({ description: 'EnrollRequest: { method: password | cli, username, password } or { method: enrollment-token | add-computer-link, token }, with facts and an optional name' })
  @ApiOkResponse({ description: 'EnrollResponse: computerId, agentKey (shown once), name, wsUrl' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED', type: ProblemDto })
  @ApiResponse({ status: 401, description: 'INVALID_CREDENTIALS, ENROLLMENT_TOKEN_INVALID', type: ProblemDto })
  @ApiResponse({ status: 410, description: 'ENROLLMENT_TOKEN_USED, ENROLLMENT_TOKEN_EXPIRED, ENROLLMENT_TOKEN_REVOKED', type: ProblemDto })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS (password), with Retry-After', type: ProblemDto })
  async enroll(@Body() body: unknown, @Req() req: HttpRequest, @RequestMeta() meta: CommandMeta): Promise<EnrollResponse> {
    const parsed = parseEnrollRequest(body);
    if ('errors' in parsed) throw new HttpProblem('VALIDATION_FAILED', 'The enrollment request is invalid', 400, { errors: parsed.errors });
    const { credentials, facts, name } = parsed;
    const password = credentials.method === 'password' || credentials.method === 'cli' ? credentials : null;
    const emailHash = password ? this.users.emailHash(password.username) : '';
    const keys = password ? this.throttle.keys(emailHash, req.ip) : null;
    if (keys) await this.throttle.assertAllowed(keys, emailHash, meta);
    let result: EnrollComputerResult;
    try {
      result = await this.commands.execute<EnrollComputerCommand, EnrollComputerResult>(new EnrollComputerCommand(credentials, facts, name, meta));
    } catch (error) {
      if (keys && error instanceof AttemptRefusedError) await this.throttle.failed(keys, emailHash, meta);
      if (error instanceof DomainError && ENROLL_STATUSES[error.code] !== undefined) {
        throw new HttpProblem(error.code, error.message, ENROLL_STATUSES[error.code]);
      }
      throw error;
    }
    if (keys) await this.throttle.succeeded(keys);
    return {
      computerId: result.computerId,
      agentKey: result.agentKey,
      name: result.name,
      wsUrl: wsUrlOf(requestOrigin(req, this.link.publicUrl), AGENT_WS_PATH),
    };
  }

  /**
   * The latest screenshot of the computer whose key is the bearer: image/png or image/jpeg, at most
   * 2 MB, checked by its first bytes. Stored as the computer's one screenshot blob; no event is
   * written, consoles learn of it through a presence notice.
   */
  @Post('screenshot')
  @HttpCode(204)
  @ApiResponse({ status: 204, description: 'Stored' })
  @ApiResponse({ status: 401, description: 'UNAUTHORIZED: the agent key is unknown or revoked', type: ProblemDto })
  @ApiResponse({ status: 403, description: 'COMPUTER_DISABLED', type: ProblemDto })
  @ApiResponse({ status: 413, description: `PAYLOAD_TOO_LARGE: more than ${SCREENSHOT_MAX_BYTES} bytes`, type: ProblemDto })
  @ApiResponse({ status: 415, description: 'UNSUPPORTED_MEDIA_TYPE: not a PNG or JPEG', type: ProblemDto })
  async screenshot(@Req() req: HttpRequest, @Headers('authorization') authorization: string | undefined, @RequestMeta() meta: CommandMeta): Promise<void> {
    const agent = await this.authenticate(authorization, meta);
    const image = await readImageBody(req, SCREENSHOT_MAX_BYTES);
    const at = this.clock.now();
    await this.link.blobs.put(agent.accountId, screenshotKey(agent.computerId), image.data, { contentType: image.contentType, at });
    await this.link.presence.publish({ type: 'presence', computerId: agent.computerId, tenantId: agent.accountId, change: 'screenshot', at });
  }

  private async authenticate(authorization: string | undefined, meta: CommandMeta): Promise<AgentIdentity> {
    const key = authorization ? bearerToken(authorization) : null;
    if (!key) throw new HttpProblem('UNAUTHORIZED', 'Send the agent key: Authorization: Bearer <agent key>', 401);
    let agent: AgentIdentity;
    try {
      agent = await this.commands.execute<AuthenticateAgentCommand, AgentIdentity>(new AuthenticateAgentCommand(key, { ...meta, source: { ...meta.source, channel: 'agent' } }));
    } catch (error) {
      if (error instanceof ApplicationError && error.code === 'UNAUTHORIZED') {
        throw new HttpProblem('UNAUTHORIZED', 'This agent key is unknown or was revoked: enroll again', 401);
      }
      throw error;
    }
    if (agent.planStatus === 'disabled') {
      throw new HttpProblem('COMPUTER_DISABLED', `The account’s plan disables this computer (the link closes with ${AGENT_CLOSE.DISABLED})`, 403);
    }
    return agent;
  }
}
