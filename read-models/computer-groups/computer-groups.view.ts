/** One group of an account's tree. */
export interface ComputerGroupNodeView {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
}

/** The whole tree of one account in one document (an account has at most 1,000 groups). */
export type ComputerGroupsDoc = {
  readonly id: string;
  readonly tenantId: string;
  readonly groups: readonly ComputerGroupNodeView[];
  readonly updatedAt: string;
  readonly _pos?: string;
};
