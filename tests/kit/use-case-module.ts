import type { Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { Argon2PasswordHasher } from '../../adapters/password-argon2/argon2-password-hasher.adapter';
import { NodeSecretGenerator } from '../../adapters/secrets/node-secret-generator.adapter';
import { RandomIdGenerator } from '../../adapters/system/system-clock.adapter';
import { CommandRunner } from '../../application/command-runner';
import { CLOCK, ID_GENERATOR, type Clock } from '../../application/ports/clock.port';
import { EVENT_STORE, type EventStore } from '../../application/ports/event-store.port';
import { KEY_STORE, type KeyStore } from '../../application/ports/key-store.port';
import { PASSWORD_HASHER } from '../../application/ports/password-hasher.port';
import { READ_MODEL_ACCESS } from '../../application/ports/read-model-access.port';
import { READ_STORE, type ReadStore } from '../../application/ports/read-store.port';
import { SECRET_GENERATOR } from '../../application/ports/secret-generator.port';
import type { ProjectionRunner } from '../../application/projections/projection-runner';
import { USER_PROVIDERS } from '../../application/user';

export interface UseCaseModuleParts {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly projections: ProjectionRunner;
  readonly clock: Clock;
  readonly keys: KeyStore;
  /** Use cases besides the user ones (which every harness needs for sign-up and enrollment). */
  readonly providers?: readonly Provider[];
}

/**
 * A started Nest testing module with the real CommandBus and QueryBus, the user use cases, the given
 * ones, and the embedded adapters: random ids, argon2 at a test cost, Node's secret generator.
 */
export async function useCaseModule(parts: UseCaseModuleParts): Promise<TestingModule> {
  const module = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [
      CommandRunner,
      ...USER_PROVIDERS,
      ...(parts.providers ?? []),
      { provide: EVENT_STORE, useValue: parts.store },
      { provide: READ_STORE, useValue: parts.readStore },
      { provide: READ_MODEL_ACCESS, useValue: parts.projections },
      { provide: CLOCK, useValue: parts.clock },
      { provide: ID_GENERATOR, useValue: new RandomIdGenerator() },
      { provide: PASSWORD_HASHER, useValue: new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1 }) },
      { provide: SECRET_GENERATOR, useValue: new NodeSecretGenerator() },
      { provide: KEY_STORE, useValue: parts.keys },
    ],
  }).compile();
  await module.init();
  return module;
}
