import type { RecordedEvent } from '../../application/ports/event-store.port';
import { UnknownEventVersionError } from '../../application/errors';

type EventData = Readonly<Record<string, unknown>>;

/** Turns the stored data of `type` at `fromVersion` into the shape of `fromVersion + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: EventData): EventData;
}

export interface UpcasterRegistryOptions {
  /**
   * Current schema version of types that have no upcaster yet, so that a newer stored shape
   * (written by a newer build) is refused rather than read as if it were known.
   */
  readonly currentVersions?: Readonly<Record<string, number>>;
}

/**
 * The upcasters of one build, applied by every adapter on read. Stored events are never
 * rewritten: the hash chain covers the stored shape, the application sees the latest shape.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Map<number, Upcaster>>();
  private readonly latest = new Map<string, number>();

  constructor(upcasters: readonly Upcaster[] = [], options: UpcasterRegistryOptions = {}) {
    for (const upcaster of upcasters) {
      if (!Number.isInteger(upcaster.fromVersion) || upcaster.fromVersion < 1) {
        throw new Error(`Upcaster for ${upcaster.type} has an invalid fromVersion ${upcaster.fromVersion}`);
      }
      const byVersion = this.steps.get(upcaster.type) ?? new Map<number, Upcaster>();
      if (byVersion.has(upcaster.fromVersion)) {
        throw new Error(`Two upcasters for ${upcaster.type} v${upcaster.fromVersion}`);
      }
      byVersion.set(upcaster.fromVersion, upcaster);
      this.steps.set(upcaster.type, byVersion);
      this.latest.set(upcaster.type, Math.max(this.latest.get(upcaster.type) ?? 1, upcaster.fromVersion + 1));
    }
    for (const [type, version] of Object.entries(options.currentVersions ?? {})) {
      const implied = this.latest.get(type);
      if (implied !== undefined && implied !== version) {
        throw new Error(`Upcasters of ${type} lead to v${implied} but its current version is declared v${version}`);
      }
      this.latest.set(type, version);
    }
  }

  static from(upcasters: readonly Upcaster[] | UpcasterRegistry | undefined): UpcasterRegistry {
    return upcasters instanceof UpcasterRegistry ? upcasters : new UpcasterRegistry(upcasters ?? []);
  }

  /** The newest version this build knows for a type; undefined when the type is not registered. */
  latestVersion(type: string): number | undefined {
    return this.latest.get(type);
  }

  /** The event in the latest known shape, with metadata.schemaVersion saying so. */
  upcast(event: RecordedEvent): RecordedEvent {
    const latest = this.latest.get(event.type);
    if (latest === undefined) return event;
    let version = event.metadata.schemaVersion;
    if (version === latest) return event;
    if (!Number.isInteger(version) || version > latest) {
      throw new UnknownEventVersionError(event.type, version, event.position);
    }
    let data = event.data;
    const byVersion = this.steps.get(event.type);
    while (version < latest) {
      const step = byVersion?.get(version);
      if (!step) throw new UnknownEventVersionError(event.type, version, event.position);
      data = step.upcast(data);
      version += 1;
    }
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
  }
}
