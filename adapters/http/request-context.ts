import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { HttpRequest as Request, HttpResponse as Response, NextFunction } from './http-types';
import type { CommandMeta } from '../../application/handle-command';
import type { EventSource } from '../../application/ports/event-store.port';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request a correlation id, echoed in the answer and carried into events and logs. */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const sent = req.headers[CORRELATION_HEADER];
  const id = typeof sent === 'string' && CORRELATION_PATTERN.test(sent) ? sent : randomUUID();
  req.correlationId = id;
  res.setHeader('X-Correlation-Id', id);
  next();
}

export function sourceOf(req: Request): EventSource {
  const userAgent = req.headers['user-agent'];
  return {
    channel: 'http',
    ...(req.ip ? { ip: req.ip } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}),
  };
}

/** The CommandMeta of the current request (correlation id and source); If-Match is added by the route. */
export const RequestMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandMeta => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { correlationId: req.correlationId ?? randomUUID(), source: sourceOf(req) };
});
