import type { AddressInfo } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AppInfrastructure } from '../../nest/infrastructure';
import { APP_INFRASTRUCTURE } from '../../nest/tokens';

/**
 * Links that mails carry, always built from PUBLIC_URL (or the address the server listens on), never
 * from the request's Host header: a forged Host would otherwise send a recovery token to its author.
 */
@Injectable()
export class PublicLinks {
  constructor(
    @Inject(APP_INFRASTRUCTURE) private readonly infra: AppInfrastructure,
    private readonly http: HttpAdapterHost,
  ) {}

  base(): string {
    if (this.infra.config.publicUrl) return this.infra.config.publicUrl;
    const address = this.http.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null | undefined;
    const port = typeof address === 'object' && address ? address.port : this.infra.config.port;
    const host = this.infra.config.host === '0.0.0.0' || this.infra.config.host === '::' ? 'localhost' : this.infra.config.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  signIn(): string {
    return `${this.base()}/sign-in`;
  }

  recoveryPage(): string {
    return `${this.base()}/recover`;
  }

  recovery(token: string): string {
    return `${this.base()}/recover/complete?token=${encodeURIComponent(token)}`;
  }
}
