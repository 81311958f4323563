import { randomUUID } from 'node:crypto';
import { type DynamicModule, Module, ValidationPipe, type ValidationError } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { ACCOUNT_COMMAND_HANDLERS } from '../../application/account/account.commands';
import { GetAccountHandler } from '../../application/account/account.queries';
import { ListAuditEntriesHandler } from '../../application/audit/list-audit-entries.query';
import { CommandRunner } from '../../application/command-runner';
import { ACCESS_TOKENS } from '../../application/ports/access-tokens.port';
import { CLOCK, ID_GENERATOR } from '../../application/ports/clock.port';
import { EVENT_STORE } from '../../application/ports/event-store.port';
import { MAILER } from '../../application/ports/mailer.port';
import { PASSWORD_HASHER } from '../../application/ports/password-hasher.port';
import { RATE_LIMITER } from '../../application/ports/rate-limiter.port';
import { READ_MODEL_ACCESS } from '../../application/ports/read-model-access.port';
import { READ_STORE } from '../../application/ports/read-store.port';
import { SECRET_GENERATOR } from '../../application/ports/secret-generator.port';
import { KEY_STORE } from '../../application/ports/key-store.port';
import { USER_PROVIDERS } from '../../application/user';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import { AccountsController } from '../http/accounts.controller';
import { AuditController } from '../http/audit/audit.controller';
import { AuthController } from '../http/auth/auth.controller';
import { OidcController } from '../http/auth/oidc.controller';
import { AuthMails } from '../http/auth/auth-mails';
import { ADDRESS_LIMITS, DEFAULT_ADDRESS_LIMITS, LoginThrottle } from '../http/auth/login-throttle';
import { PublicLinks } from '../http/auth/public-links';
import { SessionTokens } from '../http/auth/session-tokens';
import { MeController } from '../http/me/me.controller';
import { CommandSender } from '../http/command-sender';
import { HealthController } from '../http/health.controller';
import { HealthService } from '../http/health.service';
import type { HttpRequest } from '../http/http-types';
import { MetricsController } from '../http/metrics.controller';
import { OPERATOR_TOKEN, OperatorAuthGuard } from '../http/operator-auth.guard';
import { AuthGuard } from '../http/principal/auth.guard';
import { PrincipalResolver } from '../http/principal/principal-resolver';
import { SessionRevocations } from '../http/principal/session-revocations';
import { TenantAccess } from '../http/principal/tenant-access';
import { HttpProblem } from '../http/problem-details';
import { ProblemFilter } from '../http/problem.filter';
import { oidcProviders } from '../oidc/oidc.providers';
import { AppMetrics } from '../system/metrics';
import { ConsoleGateway } from '../ws/console.gateway';
import type { AppInfrastructure } from './infrastructure';
import { LifecycleService } from './lifecycle.service';
import { AGENT_LINK_CONTROLLERS, agentLinkProviders } from './agent-link.providers';
import { SESSION_CONTROLLERS, sessionsProviders } from './sessions.providers';
import { SESSION_HISTORY_CONTROLLERS, sessionHistoryProviders } from './session-history.providers';
import { SESSION_REALTIME_CONTROLLERS, sessionRealtimeProviders } from './session-realtime.providers';
import { APP_INFRASTRUCTURE } from './tokens';

/** class-validator errors as `field: problem` lines, nested properties with dotted paths. */
export function validationMessages(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((text) => `${field}: ${text}`);
    return [...own, ...validationMessages(error.children ?? [], `${field}.`)];
  });
}

/** DTOs: unknown fields are refused (not silently dropped) so that a client's typo is seen at once. */
export const validationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new HttpProblem('VALIDATION_FAILED', 'The request is invalid', 400, { errors: validationMessages(errors) }),
  });

const QUIET_PATHS = new Set(['/metrics', '/health']);

/** The composition root: which adapter serves which port, for one opened infrastructure. */
@Module({})
export class AppModule {
  static forRoot(infra: AppInfrastructure): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        LoggerModule.forRoot({
          pinoHttp: {
            logger: infra.logger,
            genReqId: (req) => (req as HttpRequest).correlationId ?? randomUUID(),
            customAttributeKeys: { reqId: 'correlationId' },
            autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
            quietReqLogger: true,
          },
        }),
      ],
      controllers: [AccountsController, AuditController, HealthController, MetricsController, AuthController, MeController, OidcController, ...AGENT_LINK_CONTROLLERS,
        ...SESSION_CONTROLLERS,
        ...SESSION_HISTORY_CONTROLLERS,
        ...SESSION_REALTIME_CONTROLLERS,
      ],
      providers: [
        { provide: APP_INFRASTRUCTURE, useValue: infra },
        { provide: EVENT_STORE, useValue: infra.eventStore },
        { provide: READ_STORE, useValue: infra.readStore },
        { provide: ProjectionRunner, useValue: infra.runner },
        { provide: READ_MODEL_ACCESS, useValue: infra.runner },
        { provide: CLOCK, useValue: infra.clock },
        { provide: ID_GENERATOR, useValue: infra.ids },
        { provide: AppMetrics, useValue: infra.metrics },
        { provide: OPERATOR_TOKEN, useValue: infra.operatorToken.token },
        { provide: ACCESS_TOKENS, useValue: infra.accessTokens },
        { provide: RATE_LIMITER, useValue: infra.rateLimiter },
        { provide: ADDRESS_LIMITS, useValue: DEFAULT_ADDRESS_LIMITS },
        { provide: MAILER, useValue: infra.mailer },
        { provide: PASSWORD_HASHER, useValue: infra.passwordHasher },
        { provide: SECRET_GENERATOR, useValue: infra.secrets },
        { provide: KEY_STORE, useValue: infra.keyStore },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
        CommandRunner,
        ...ACCOUNT_COMMAND_HANDLERS,
        GetAccountHandler,
        ListAuditEntriesHandler,
        CommandSender,
        OperatorAuthGuard,
        ...USER_PROVIDERS,
        SessionRevocations,
        PrincipalResolver,
        AuthGuard,
        TenantAccess,
        LoginThrottle,
        SessionTokens,
        AuthMails,
        PublicLinks,
        ...oidcProviders(infra.config),
        HealthService,
        ConsoleGateway,
        ...agentLinkProviders(infra),
        ...sessionsProviders(infra),
        ...sessionHistoryProviders(infra),
        ...sessionRealtimeProviders(infra),
        LifecycleService,
      ],
    };
  }
}
