import { ApplicationError } from '../../application/errors';

/** A stored event whose bytes no longer parse: damage or tampering the verifier reports as a broken link. */
export class StoredEventUnreadableError extends ApplicationError {
  constructor(
    readonly stream: string,
    readonly revision: number,
    readonly position: string,
    reason: string,
  ) {
    super('STORED_EVENT_UNREADABLE', `Event ${stream}@${revision} (position ${position}) cannot be read: ${reason}`, {
      stream,
      revision,
      position,
    });
  }
}
