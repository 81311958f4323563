import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IdentityProviderView } from '../../../application/contracts/auth.contracts';
import type { CommandMeta } from '../../../application/handle-command';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { IDENTITY_PROVIDERS, IdentityProviderError, type IdentityProviders } from '../../../application/ports/identity-providers.port';
import { RATE_LIMITER, type RateLimiter } from '../../../application/ports/rate-limiter.port';
import { RegisterBySocialCommand, type SocialSignInResult } from '../../../application/user/register-by-social.command';
import { SecurityAttemptRecorder } from '../../../application/user/security-attempts';
import { FLOW_COOKIE, FLOW_COOKIE_PATH, FLOW_TTL_MS, FlowCookieSealer, readCookie } from '../../oidc/oidc-flow-cookie';
import type { HttpRequest, HttpResponse } from '../http-types';
import { Public } from '../principal/auth-route.decorators';
import { sourceOf } from '../request-context';
import { LOGIN_IP_BACKOFF } from './login-throttle';
import { PublicLinks } from './public-links';
import { SessionTokens } from './session-tokens';

/** The console's page that takes the tokens from the URL fragment (never sent to a server, never logged). */
export const CONSOLE_CALLBACK_PATH = '/auth/callback';
/** The console's sign-in page, which shows `?error=<code>`. */
export const CONSOLE_SIGN_IN_PATH = '/sign-in';

/** Codes the sign-in page may show, besides those of IdentityProviderError and the sign-in use case. */
type CallbackFailure = 'RATE_LIMITED' | 'SIGN_IN_FAILED';

/** Failures that may be somebody else's doing (a forged or replayed answer): recorded and counted per address. */
const SUSPICIOUS = new Set(['PROVIDER_STATE_INVALID', 'PROVIDER_FAILED', 'EMAIL_MISSING', 'EMAIL_NOT_VERIFIED']);

class IdentityProviderDto implements IdentityProviderView {
  @ApiProperty({ example: 'google' }) id!: string;
  @ApiProperty({ example: 'Google' }) label!: string;
  @ApiProperty({ example: '/api/auth/oidc/google/start' }) startUrl!: string;
}

const errorCodeOf = (error: unknown): string =>
  typeof (error as { code?: unknown })?.code === 'string' && /^[A-Z][A-Z_]{2,63}$/.test((error as { code: string }).code)
    ? (error as { code: string }).code
    : ('SIGN_IN_FAILED' satisfies CallbackFailure);

/** The callback's query parameters; a parameter given twice makes the answer ambiguous, so it is refused. */
function callbackParams(req: HttpRequest): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [key, value] of new URL(req.originalUrl, 'http://callback.invalid').searchParams) {
    if (key in params) return undefined;
    params[key] = value;
  }
  return params;
}

/**
 * Social sign-in in the browser: the sign-in page lists the providers, a button navigates to `start`,
 * which remembers the flow in a sealed cookie and sends the browser to the provider; the provider sends it
 * back to `callback`, which checks the answer against the cookie, signs the person in (registering and
 * activating them if the email is new) and hands the tokens to the console in the URL fragment.
 * Every failure lands on the sign-in page with `?error=<code>`.
 */
@ApiTags('auth')
@Controller('api/auth')
export class OidcController {
  private readonly logger = new Logger('oidc');

  constructor(
    @Inject(IDENTITY_PROVIDERS) private readonly providers: IdentityProviders,
    private readonly sealer: FlowCookieSealer,
    private readonly links: PublicLinks,
    private readonly commands: CommandBus,
    private readonly sessions: SessionTokens,
    private readonly security: SecurityAttemptRecorder,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Public()
  @Get('providers')
  @ApiOperation({ summary: 'The social sign-in buttons to show' })
  @ApiOkResponse({ type: IdentityProviderDto, isArray: true })
  list(): IdentityProviderView[] {
    return this.providers.list();
  }

  @Public()
  @Get('oidc/:provider/start')
  @ApiOperation({ summary: 'Browser navigation: starts a sign-in at the provider (302 there, or to /sign-in?error=<code>)' })
  @ApiResponse({ status: 302, description: 'To the provider, with a sealed flow cookie' })
  async start(@Param('provider') providerId: string, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    try {
      if (!this.providers.has(providerId)) throw new IdentityProviderError('PROVIDER_UNKNOWN', 'No such sign-in provider');
      const flow = await this.providers.start(providerId, this.callbackUrl(providerId));
      const expiresAt = Date.parse(this.clock.now()) + FLOW_TTL_MS;
      const sealed = this.sealer.seal({ provider: providerId, state: flow.state, nonce: flow.nonce, codeVerifier: flow.codeVerifier, expiresAt });
      this.setFlowCookie(res, sealed, FLOW_TTL_MS / 1000);
      this.redirect(res, flow.url);
    } catch (error) {
      this.fail(res, errorCodeOf(error), error);
    }
  }

  @Public()
  @Get('oidc/:provider/callback')
  @ApiOperation({ summary: 'Browser navigation from the provider: 302 to /auth/callback#accessToken=…&refreshToken=…&expiresIn=…, or to /sign-in?error=<code>' })
  @ApiResponse({ status: 302, description: 'To the console, with the tokens in the fragment or the error code in the query' })
  async callback(@Param('provider') providerId: string, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    // A flow is answered once: whatever happens next, its cookie goes.
    this.setFlowCookie(res, '', 0);
    const meta: CommandMeta = { correlationId: req.correlationId ?? randomUUID(), source: sourceOf(req) };
    const ipKey = req.ip ? `oidc:ip:${req.ip}` : undefined;
    try {
      if (ipKey && !(await this.limiter.check(ipKey)).allowed) return this.fail(res, 'RATE_LIMITED' satisfies CallbackFailure);
      const flow = this.sealer.open(readCookie(req.headers.cookie, FLOW_COOKIE), Date.parse(this.clock.now()));
      const params = callbackParams(req);
      if (!flow || flow.provider !== providerId || !params) {
        throw new IdentityProviderError('PROVIDER_STATE_INVALID', 'No sign-in of this provider was started in this browser, or it has expired');
      }
      const identity = await this.providers.finish(providerId, params, flow, this.callbackUrl(providerId));
      const grant = await this.commands.execute<RegisterBySocialCommand, SocialSignInResult>(
        new RegisterBySocialCommand({ provider: identity.kind, email: identity.email, emailVerified: identity.emailVerified }, meta),
      );
      const tokens = await this.sessions.tokenPair(grant);
      const fragment = new URLSearchParams({
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresIn: String(tokens.expiresIn),
      });
      this.redirect(res, `${CONSOLE_CALLBACK_PATH}#${fragment.toString()}`);
    } catch (error) {
      const code = errorCodeOf(error);
      if (SUSPICIOUS.has(code) && ipKey) await this.refused(code, ipKey, meta);
      this.fail(res, code, error);
    }
  }

  /** Always from PUBLIC_URL (or the listening address), never from the Host header: it must be the registered one. */
  private callbackUrl(providerId: string): string {
    return `${this.links.base()}/api/auth/oidc/${encodeURIComponent(providerId)}/callback`;
  }

  /**
   * A suspicious failure counts against the address (so that a flood is cut short) and is recorded in the
   * audit log while the address is not blocked. EMAIL_NOT_VERIFIED was recorded by the use case already.
   */
  private async refused(code: string, ipKey: string, meta: CommandMeta): Promise<void> {
    try {
      await this.limiter.fail(ipKey, LOGIN_IP_BACKOFF);
      if (code !== 'EMAIL_NOT_VERIFIED') await this.security.record(null, { action: 'sign-in', reason: code.toLowerCase() }, meta);
    } catch (error) {
      this.logger.error({ err: error }, 'could not record a refused social sign-in');
    }
  }

  private setFlowCookie(res: HttpResponse, value: string, maxAgeSeconds: number): void {
    // Lax: the provider's redirect back is a top-level GET navigation, which carries it; nothing else does.
    const secure = this.links.base().startsWith('https:') ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${FLOW_COOKIE}=${value}; Path=${FLOW_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`);
  }

  private redirect(res: HttpResponse, location: string): void {
    res.setHeader('Cache-Control', 'no-store');
    // The callback's URL carries the provider's code: it must not leak to the next page as a Referer.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Location', location);
    res.status(302).send();
  }

  private fail(res: HttpResponse, code: string, error?: unknown): void {
    if (code === 'SIGN_IN_FAILED') this.logger.error({ err: error }, 'social sign-in failed');
    else if (error) this.logger.warn(`social sign-in refused: ${code}: ${(error as Error).message}`);
    this.redirect(res, `${CONSOLE_SIGN_IN_PATH}?error=${encodeURIComponent(code)}`);
  }
}
