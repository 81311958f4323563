/** One permalink of an account (the tenant); the id is its path. Never the password hash, only whether there is one. */
export type PermalinkView = {
  readonly id: string;
  readonly tenantId: string;
  readonly path: string;
  readonly computerId: string;
  readonly public: boolean;
  readonly hasPassword: boolean;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly _pos?: string;
};
