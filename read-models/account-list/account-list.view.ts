/** One row of the account list. A type alias, not an interface, so it fits the read store's `Doc`. */
export type AccountView = {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly kind: 'client-space' | 'msp';
  readonly status: 'open' | 'closed';
  /** Whether remote sessions of the account are recorded (sessions opened from now on). */
  readonly sessionRecording: boolean;
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly _pos?: string;
};
