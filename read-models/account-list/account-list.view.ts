/** One row of the account list. A type alias, not an interface, so it fits the read store's `Doc`. */
export type AccountView = {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly kind: 'client-space' | 'msp';
  readonly status: 'open' | 'closed';
  readonly registeredAt: string;
  readonly updatedAt: string;
  readonly _pos?: string;
};
