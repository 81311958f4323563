import { Controller, Get, Header, Param, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SessionRecordingView } from '../../../application/contracts/session-history.contracts';
import type { CommandMeta } from '../../../application/handle-command';
import { GetRecordingChunkQuery, GetSessionRecordingQuery } from '../../../application/session/session-recording.query';
import { ProblemDto } from '../account.dto';
import type { HttpResponse } from '../http-types';
import { AuthGuard } from '../principal/auth.guard';
import { CurrentUser, type UserCaller } from '../principal/caller';
import { HttpProblem } from '../problem-details';
import { RequestMeta } from '../request-context';

/** Chunk numbers as the recorder writes them: 0, 1, 2… */
const CHUNK = /^(0|[1-9][0-9]{0,8})$/;

/**
 * Playback of a recorded session, for those who may see the session: the list of its chunks with
 * the session's events on the same timeline, and each chunk's bytes.
 */
@ApiTags('sessions')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Sign in first', type: ProblemDto })
@ApiResponse({ status: 403, description: 'SESSION_FORBIDDEN (recorded)', type: ProblemDto })
@ApiResponse({ status: 404, description: 'SESSION_NOT_FOUND, RECORDING_CHUNK_NOT_FOUND', type: ProblemDto })
@UseGuards(AuthGuard)
@Controller('api/sessions/:id/recording')
export class SessionRecordingController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'SessionRecordingView (application/contracts/session-history.contracts.ts)' })
  chunks(@Param('id') id: string, @CurrentUser() caller: UserCaller, @RequestMeta() meta: CommandMeta): Promise<SessionRecordingView> {
    return this.queries.execute(new GetSessionRecordingQuery(caller.principal, id, meta));
  }

  /** Its bytes, checked against the SHA-256 recorded for it; a stored chunk never changes, so it may be cached privately. */
  @Get(':chunk')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'Frames one after another: [u32 BE ms offset from the chunk’s from][u32 BE length][frame bytes]' })
  @ApiResponse({ status: 500, description: 'RECORDING_CHUNK_TAMPERED: the blob does not match its recorded SHA-256', type: ProblemDto })
  async chunk(
    @Param('id') id: string,
    @Param('chunk') chunk: string,
    @CurrentUser() caller: UserCaller,
    @RequestMeta() meta: CommandMeta,
    @Res() res: HttpResponse,
  ): Promise<void> {
    if (!CHUNK.test(chunk)) throw new HttpProblem('RECORDING_CHUNK_NOT_FOUND', 'No such recording chunk', 404);
    const data = await this.queries.execute<GetRecordingChunkQuery, Buffer>(new GetRecordingChunkQuery(caller.principal, id, Number(chunk), meta));
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(data.length));
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(200).send(data);
  }
}
