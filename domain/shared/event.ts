/** Who did something. Every command and event names its actor. */
export type ActorKind = 'user' | 'agent' | 'system' | 'customer';

export interface Actor {
  readonly kind: ActorKind;
  readonly id: string;
}

/** An event as the domain sees it: a past-tense type and a plain readonly payload. */
export type Event<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

/**
 * What every command carries besides its payload: the caller and the time.
 * Deciders never read the clock or make ids; both arrive here.
 */
export interface CommandContext {
  readonly now: string;
  readonly principal: Principal;
}

/** A command: an imperative type, a payload and the context it was sent in. */
export type Command<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  context: CommandContext;
}>;

/** The caller of a command or a query, resolved by the inbound adapter. */
export interface Principal {
  readonly kind: ActorKind;
  readonly id: string;
  /** The tenant (account) the caller acts in. System principals act in the tenant they name. */
  readonly tenantId: string;
  readonly role?: 'owner' | 'admin' | 'technician' | 'operator';
  readonly companies?: readonly string[];
}

/** An aggregate as three pure functions. */
export interface Decider<C extends Command, E extends Event, S> {
  readonly decide: (command: C, state: S) => readonly E[];
  readonly evolve: (state: S, event: E) => S;
  readonly initialState: () => S;
}

/** Exhaustiveness check for discriminated unions: a new member that is not handled fails to compile. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
