import type { Provider, Type } from '@nestjs/common';
import { ChangePermalinkHandler } from '../../application/session/change-permalink.command';
import { CreatePermalinkHandler } from '../../application/session/create-permalink.command';
import { CreateSupportLinkHandler } from '../../application/session/create-support-link.command';
import { EndSessionHandler } from '../../application/session/end-session.command';
import { GetPermalinkHandler } from '../../application/session/get-permalink.query';
import { GetSupportLinkHandler } from '../../application/session/get-support-link.query';
import { ListPermalinksHandler } from '../../application/session/list-permalinks.query';
import { IssueConnectionCodeHandler } from '../../application/session/issue-connection-code.command';
import { OpenComputerSessionHandler } from '../../application/session/open-computer-session.command';
import { OpenPermalinkHandler } from '../../application/session/open-permalink.command';
import { RemovePermalinkHandler } from '../../application/session/remove-permalink.command';
import { SESSION_ACCESS } from '../../application/session/session-access.port';
import { SessionAccessService, SIGN_IN_CHECK } from '../../application/session/session-access.service';
import { OPEN_COMPUTERS, SESSION_TIMING, SessionCommandSupport, type OpenComputers, type SessionTiming } from '../../application/session/session-command-support';
import { SessionEndings } from '../../application/session/session-endings';
import { SessionThrottle } from '../../application/session/session-throttle';
import { SetSessionRecordingHandler } from '../../application/session/set-session-recording.command';
import { SupportJoinHandler } from '../../application/session/support-join.command';
import { DemoComputerService } from '../demo/demo-computer.service';
import { SessionRevocations } from '../http/principal/session-revocations';
import { PermalinksController } from '../http/sessions/permalinks.controller';
import { SessionsController } from '../http/sessions/sessions.controller';
import { SupportController } from '../http/sessions/support.controller';
import { SupportLinkMails } from '../http/sessions/support-link-mails';
import type { AppInfrastructure } from './infrastructure';
import { DEFAULT_SESSION_LINK } from './session-link.config';

/** Session use cases (deciders' commands, queries' writes), their HTTP controllers and the SessionAccess the gateways use. */
export const SESSION_CONTROLLERS: Type[] = [SessionsController, SupportController, PermalinksController];

export function sessionsProviders(infra: AppInfrastructure): Provider[] {
  const link = infra.config.sessionLink ?? DEFAULT_SESSION_LINK;
  const timing: SessionTiming = { supportLinkTtlMs: link.supportLinkTtlMs, connectionCodeTtlMs: link.connectionCodeTtlMs };
  return [
    { provide: SESSION_TIMING, useValue: timing },
    { provide: OPEN_COMPUTERS, useFactory: (demo: DemoComputerService): OpenComputers => ({ isOpenToAll: (id) => demo.isDemo(id) }), inject: [DemoComputerService] },
    { provide: SIGN_IN_CHECK, useExisting: SessionRevocations },
    SessionCommandSupport,
    SessionThrottle,
    SessionEndings,
    SessionAccessService,
    { provide: SESSION_ACCESS, useExisting: SessionAccessService },
    SupportLinkMails,
    OpenComputerSessionHandler,
    CreateSupportLinkHandler,
    IssueConnectionCodeHandler,
    SupportJoinHandler,
    GetSupportLinkHandler,
    EndSessionHandler,
    SetSessionRecordingHandler,
    CreatePermalinkHandler,
    ChangePermalinkHandler,
    RemovePermalinkHandler,
    OpenPermalinkHandler,
    GetPermalinkHandler,
    ListPermalinksHandler,
  ];
}
