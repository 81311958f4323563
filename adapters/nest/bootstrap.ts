import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { HttpRequest, HttpResponse, NextFunction } from '../http/http-types';
import { bodyErrorMiddleware } from '../http/problem.filter';
import { correlationMiddleware } from '../http/request-context';
import { LeanWsAdapter } from '../ws/lean-ws-adapter';
import { AppModule } from './app.module';
import { describeConfig, type AppConfig } from './config';
import { openInfrastructure, type AppInfrastructure, type InfrastructureOverrides } from './infrastructure';

/** Largest JSON body any route accepts; larger ones get a 413 problem. */
export const MAX_BODY_BYTES = 100 * 1024;

export interface CreateAppOptions extends InfrastructureOverrides {
  /** Close the app on SIGTERM/SIGINT; on in the real server, off in tests (several apps share one process). */
  readonly shutdownHooks?: boolean;
}

export interface CreatedApp {
  readonly app: NestExpressApplication;
  readonly infra: AppInfrastructure;
}

export interface RunningApp extends CreatedApp {
  /** http://host:port the server listens on (127.0.0.1 when it listens on every interface). */
  readonly url: string;
  readonly port: number;
  /** Graceful stop: what SIGTERM does. */
  close(): Promise<void>;
}

/** Paths the console's SPA fallback never answers: they belong to the API, probes and sockets. */
const SERVER_PREFIXES = ['/api', '/health', '/metrics', '/console'];

const isServerPath = (p: string): boolean => SERVER_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));

const UI_MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body><h1>Switchboard</h1><p>The console is not built. Run <code>npm run build:ui</code>, then restart the server.</p>
<p>The API is at <a href="/api/docs">/api/docs</a>, health at <a href="/health">/health</a>.</p></body></html>
`;

/**
 * Serves the Angular build at `/`, with index.html for unknown GET paths (client-side routes);
 * a path with a file extension that is not there stays a 404. Without a build, a page says how to make one.
 */
function serveConsole(app: NestExpressApplication, uiDist: string): void {
  const index = path.join(uiDist, 'index.html');
  const built = existsSync(index);
  if (built) app.useStaticAssets(uiDist, { index: false, fallthrough: true, maxAge: '1h', immutable: false });
  app.use((req: HttpRequest, res: HttpResponse, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path)) return next();
    if (path.posix.basename(req.path).includes('.')) return next();
    if (!built) {
      res.status(200).type('html').send(UI_MISSING_PAGE);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (error) => error && next(error));
  });
}

function setUpOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setDescription(
        'Commands answer { id, revision, position } with ETag "<revision>"; send If-Match to pin a revision and ' +
          '?minPosition=<position> on queries to read your writes. Errors are application/problem+json with a stable code.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: "A user's access token (POST /api/auth/login, 15 minutes), or the operator token (OPERATOR_TOKEN or DATA_DIR/operator-token)",
      })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/**
 * Builds the app on opened infrastructure without listening: the same app the server runs,
 * for tests that want to listen themselves. On failure nothing stays open and the lock is released.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<CreatedApp> {
  const infra = await openInfrastructure(config, options);
  try {
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(infra), {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    });
    app.useLogger(app.get(Logger));
    app.disable('x-powered-by');
    // Only named proxies may set the client address: sign-in back-off is per address.
    if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
    app.use(correlationMiddleware);
    app.useBodyParser('json', { limit: MAX_BODY_BYTES });
    app.use(bodyErrorMiddleware);
    app.useWebSocketAdapter(new LeanWsAdapter(app));
    serveConsole(app, config.uiDist);
    setUpOpenApi(app);
    if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    await app.init();
    return { app, infra };
  } catch (error) {
    await infra.close().catch(() => undefined);
    throw error;
  }
}

/** Creates the app and listens on config.port/host (port 0 picks a free port, as the e2e tests do). */
export async function bootstrap(config: AppConfig, options: CreateAppOptions = {}): Promise<RunningApp> {
  const { app, infra } = await createApp(config, options);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const token = infra.operatorToken.origin;
  infra.logger.info({ config: describeConfig(config) }, 'configuration');
  infra.logger.info(
    typeof token === 'string' ? 'operator token: from OPERATOR_TOKEN' : `operator token: ${token.file}${token.generated ? ' (generated)' : ''}`,
  );
  infra.logger.info({ url, lock: infra.lock.file }, `listening on ${url}`);
  return { app, infra, url, port, close: () => app.close() };
}
