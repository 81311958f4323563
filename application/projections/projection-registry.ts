import type { Projection } from '../../read-models/projection';
import { ApplicationError } from '../errors';

/** A projection name that no registered projection has (a typo on the CLI, a stale query). */
export class UnknownProjectionError extends ApplicationError {
  constructor(readonly projection: string, known: readonly string[]) {
    super('UNKNOWN_PROJECTION', `Unknown projection ${JSON.stringify(projection)}; known: ${known.join(', ') || 'none'}`, {
      projection,
      known,
    });
  }
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** The projections a runner serves, by name. Names are unique and safe inside collection and meta keys. */
export class ProjectionRegistry {
  private readonly byName = new Map<string, Projection>();

  constructor(projections: readonly Projection[]) {
    for (const projection of projections) {
      if (!NAME.test(projection.name)) {
        throw new Error(`Projection name ${JSON.stringify(projection.name)} must be lower-case kebab-case`);
      }
      if (!Number.isSafeInteger(projection.version) || projection.version < 1) {
        throw new Error(`Projection ${projection.name} has an invalid version ${String(projection.version)}`);
      }
      if (this.byName.has(projection.name)) throw new Error(`Projection ${projection.name} is registered twice`);
      this.byName.set(projection.name, projection);
    }
  }

  /** The projection with this name; throws UnknownProjectionError otherwise. */
  get(name: string): Projection {
    const projection = this.byName.get(name);
    if (!projection) throw new UnknownProjectionError(name, this.names());
    return projection;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): Projection[] {
    return [...this.byName.values()];
  }
}
