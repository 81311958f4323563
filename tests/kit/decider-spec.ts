import type { Command, Decider, Event } from '../../domain/shared/event';
import { DomainError } from '../../domain/shared/domain-error';

/**
 * Given / when / then for deciders:
 *   spec.given([events]).when(command).then([events])
 *   spec.given([events]).when(command).thenThrows('CODE')
 */
export function deciderSpec<C extends Command, E extends Event, S>(decider: Decider<C, E, S>) {
  return {
    given(events: readonly E[]) {
      const state = events.reduce(decider.evolve, decider.initialState());
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: readonly E[]): void {
              expect(run()).toEqual(expected);
            },
            thenThrows(code: string): void {
              let thrown: unknown;
              try {
                run();
              } catch (e) {
                thrown = e;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
            },
          };
        },
      };
    },
  };
}
