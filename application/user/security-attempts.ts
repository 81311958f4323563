import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../domain/shared/event';
import { streamName } from '../../domain/shared/stream-name';
import { ANONYMOUS_TENANT, securityStreamId, type SecurityAttemptRecorded } from '../../domain/user/security-attempt';
import { StreamRevisionConflictError } from '../errors';
import type { CommandMeta } from '../handle-command';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../ports/clock.port';
import { EVENT_STORE, type AppendResult, type EventStore } from '../ports/event-store.port';

export type SecurityAttempt = Omit<SecurityAttemptRecorded['data'], 'at'>;

const MAX_ATTEMPTS = 8;
const MAX_REMEMBERED_STREAMS = 1000;

/**
 * Records refused attempts that belong to no user's stream (unknown emails, bad tokens, rate-limit trips,
 * reaches into another tenant) in `security-<tenant|anonymous>-<yyyy-mm-dd>`. There is nothing to decide,
 * but the append still names its expected revision: the last one this node wrote, corrected from the
 * conflict when another writer got there first, so that a busy day's stream is never re-read.
 */
@Injectable()
export class SecurityAttemptRecorder {
  private readonly heads = new Map<string, number>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /** Appends the attempt to the tenant's (or the anonymous) security stream of today. */
  async record(tenantId: string | null, attempt: SecurityAttempt, meta: CommandMeta, actor?: Actor): Promise<AppendResult> {
    const now = this.clock.now();
    const tenant = tenantId ?? ANONYMOUS_TENANT;
    const stream = streamName('security', securityStreamId(tenant, now));
    const event = {
      type: 'SecurityAttemptRecorded',
      data: { ...attempt, at: now },
      metadata: {
        eventId: this.ids.newId(),
        schemaVersion: 1,
        tenantId: tenant,
        actor: actor ?? { kind: 'system' as const, id: 'anonymous' },
        correlationId: meta.correlationId,
        causationId: meta.causationId ?? meta.correlationId,
        occurredAt: now,
        ...(meta.source ? { source: meta.source } : {}),
      },
    };
    for (let attempt = 0; ; attempt++) {
      const head = this.heads.get(stream);
      try {
        const result = await this.store.appendToStream(stream, [event], head === undefined ? 'no_stream' : head);
        this.remember(stream, result.revision);
        return result;
      } catch (error) {
        if (!(error instanceof StreamRevisionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        if (error.actual === 'no_stream') this.heads.delete(stream);
        else this.remember(stream, error.actual);
      }
    }
  }

  private remember(stream: string, revision: number): void {
    // One stream per tenant and day: forget old days rather than grow without bound.
    if (!this.heads.has(stream) && this.heads.size >= MAX_REMEMBERED_STREAMS) this.heads.clear();
    this.heads.set(stream, revision);
  }
}
