import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { HttpRequest as Request, HttpResponse as Response, NextFunction } from './http-types';
import { HttpProblem, PROBLEM_CONTENT_TYPE, toProblem, type MappedError } from './problem-details';

/** Writes a mapped error as `application/problem+json`. */
export function sendProblem(res: Response, mapped: MappedError): void {
  res.status(mapped.problem.status);
  for (const [name, value] of Object.entries(mapped.headers)) res.setHeader(name, value);
  res.type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(mapped.problem));
}

/** Every error an HTTP route throws becomes a problem here, and only here. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const mapped = toProblem(error, req.originalUrl ?? req.url);
    if (mapped.serverFault) this.logger.error({ err: error, correlationId: req.correlationId }, 'request failed');
    if (res.headersSent) return;
    sendProblem(res, mapped);
  }
}

/**
 * Express error middleware placed right after the body parser: a body that is too large, not
 * JSON, or in an unknown encoding is refused before any route sees it.
 */
export function bodyErrorMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const type = (error as { type?: string }).type;
  if (!type) return next(error);
  let problem: HttpProblem;
  switch (type) {
    case 'entity.too.large':
      problem = new HttpProblem('PAYLOAD_TOO_LARGE', `The body is larger than ${String((error as { limit?: number }).limit)} bytes`, 413);
      break;
    case 'entity.parse.failed':
      problem = new HttpProblem('VALIDATION_FAILED', 'The body is not valid JSON', 400);
      break;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      problem = new HttpProblem('UNSUPPORTED_MEDIA_TYPE', 'The body encoding is not supported', 415);
      break;
    default:
      problem = new HttpProblem('VALIDATION_FAILED', 'The body could not be read', 400);
  }
  sendProblem(res, toProblem(problem, req.originalUrl ?? req.url));
}
