import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The few Express request and response members this adapter uses. Declared here because the
 * project does not depend on @types/express; Express's objects satisfy these shapes.
 */
export interface HttpRequest extends IncomingMessage {
  readonly ip?: string;
  readonly originalUrl: string;
  readonly path: string;
  /** From X-Correlation-Id when the client sent a sane one, else generated. */
  correlationId?: string;
}

export interface HttpResponse extends ServerResponse {
  status(code: number): this;
  type(contentType: string): this;
  send(body?: unknown): this;
  sendFile(file: string, callback?: (error?: Error) => void): void;
}

export type NextFunction = (error?: unknown) => void;
