import { Body, Controller, Get, Param, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { AGENT_WS_PATH } from '../../../application/contracts/agent.protocol';
import type { SupportJoinResponse } from '../../../application/contracts/session.protocol';
import type { CommandMeta } from '../../../application/handle-command';
import { GetSupportLinkQuery, type SupportLinkView } from '../../../application/session/get-support-link.query';
import { SupportJoinCommand, type SupportJoined } from '../../../application/session/support-join.command';
import { ProblemDto } from '../account.dto';
import { CommandSender } from '../command-sender';
import { PublicLinks } from '../auth/public-links';
import type { HttpRequest } from '../http-types';
import { Public } from '../principal/auth-route.decorators';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';
import { SupportJoinDto } from './sessions.dto';

/** A support link's token, alone or inside its full or short URL. */
const LINK_TOKEN = /^(?:.*\/(?:support|s)\/)?([A-Za-z0-9_-]{22,128})(?:[?#].*)?$/;

export function linkToken(link: string): string {
  const token = LINK_TOKEN.exec(link.trim())?.[1];
  if (!token) throw new HttpProblem('SUPPORT_LINK_NOT_FOUND', 'No such support link', 404);
  return token;
}

/**
 * The end-user's side, without an account: what a support link is about, and the agent joining a
 * session by link or 6-digit code. The token or code is the credential; guessing is slowed and audited.
 */
@ApiTags('support')
@Public()
@Controller('api/support')
export class SupportController {
  constructor(
    private readonly commands: CommandSender,
    private readonly queries: QueryBus,
    private readonly links: PublicLinks,
  ) {}

  @Get('links/:token')
  @ApiResponse({ status: 404, description: 'SUPPORT_LINK_NOT_FOUND', type: ProblemDto })
  link(@Param('token') token: string): Promise<SupportLinkView> {
    return this.queries.execute(new GetSupportLinkQuery(linkToken(token)));
  }

  /** The end-user's agent arrives; it then says hello on the agent link with the participant key. */
  @Post('join')
  @ApiResponse({ status: 404, description: 'SUPPORT_LINK_NOT_FOUND, CONNECTION_CODE_UNKNOWN (recorded)', type: ProblemDto })
  @ApiResponse({ status: 410, description: 'CONNECTION_CODE_USED, CONNECTION_CODE_EXPIRED, SESSION_ENDED, SESSION_LINK_EXPIRED', type: ProblemDto })
  @ApiResponse({ status: 429, description: 'TOO_MANY_ATTEMPTS with Retry-After (recorded)', type: ProblemDto })
  async join(@Body() body: SupportJoinDto, @Req() req: HttpRequest, @RequestMeta() meta: CommandMeta): Promise<SupportJoinResponse> {
    if ((body.link === undefined) === (body.code === undefined)) {
      throw new HttpProblem('VALIDATION_FAILED', 'The request is invalid', 400, { errors: ['give exactly one of link and code'] });
    }
    const data = {
      link: body.link === undefined ? null : linkToken(body.link),
      code: body.code ?? null,
      name: body.name,
      facts: body.facts === null ? null : { hostname: body.facts.hostname, platform: body.facts.platform },
      ip: req.ip ?? null,
    };
    const joined = (await this.commands.send(new SupportJoinCommand(data, meta))) as unknown as SupportJoined;
    return { ...joined, wsUrl: `${this.links.base().replace(/^http/, 'ws')}${AGENT_WS_PATH}` };
  }
}
