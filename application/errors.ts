/** A failure of the application layer (not a business rule) with a stable code the HTTP adapter maps. */
export class ApplicationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream moved on since it was read (optimistic concurrency). */
export class StreamRevisionConflictError extends ApplicationError {
  constructor(
    readonly stream: string,
    readonly expected: number | 'no_stream',
    readonly actual: number | 'no_stream',
  ) {
    super('STREAM_REVISION_CONFLICT', `Stream ${stream} is at revision ${actual}, expected ${expected}`, {
      stream,
      expected,
      actual,
    });
  }
}

/** One event's serialized form exceeds the store's size limit. */
export class EventTooLargeError extends ApplicationError {
  constructor(readonly size: number, readonly limit: number, type: string) {
    super('EVENT_TOO_LARGE', `Event ${type} is ${size} bytes; the limit is ${limit}`, { size, limit, type });
  }
}

/** An event's stored shape has no upcaster to the current one. */
export class UnknownEventVersionError extends ApplicationError {
  constructor(type: string, schemaVersion: number, position: string) {
    super('UNKNOWN_EVENT_VERSION', `No upcaster for ${type} v${schemaVersion} at position ${position}`, {
      type,
      schemaVersion,
      position,
    });
  }
}

/** The caller may not do this (tenant or role). */
export class ForbiddenError extends ApplicationError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
  }
}

/** A read model did not reach the asked position in time. */
export class ReadModelBehindError extends ApplicationError {
  constructor(projection: string, wanted: string, at: string) {
    super('READ_MODEL_BEHIND', `Read model ${projection} is at ${at}, not yet at ${wanted}`, { projection, wanted, at });
  }
}

/** The data files cannot be read; the server refuses to start rather than overwrite them. */
export class DataFileError extends ApplicationError {
  constructor(readonly file: string, reason: string) {
    super('DATA_FILE_UNREADABLE', `Cannot use data file ${file}: ${reason}. It was left untouched.`, { file });
  }
}

/** A read-store write would give two documents of one tenant the same key of a unique index. */
export class DuplicateKeyError extends ApplicationError {
  constructor(readonly collection: string, readonly index: string, key: string) {
    super('READ_STORE_DUPLICATE_KEY', `Duplicate key in ${collection}: unique index ${index} already holds ${key}`, {
      collection,
      index,
      key,
    });
  }
}
