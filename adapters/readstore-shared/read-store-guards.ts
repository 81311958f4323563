import { ForbiddenError } from '../../application/errors';

/**
 * Stages and operators that could read other collections or run server-side code. A tenant-scoped
 * query must not reach past its own documents, so both read-store adapters refuse them.
 */
const FORBIDDEN_OPERATORS = new Set([
  '$lookup',
  '$graphLookup',
  '$unionWith',
  '$out',
  '$merge',
  '$documents',
  '$where',
  '$function',
  '$accumulator',
]);

/** Throws ForbiddenError when a filter or pipeline, at any depth, uses one of FORBIDDEN_OPERATORS. */
export function assertNoForbiddenOperators(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) assertNoForbiddenOperators(item);
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (FORBIDDEN_OPERATORS.has(key)) throw new ForbiddenError(`${key} is not allowed in a tenant-scoped read query`);
    assertNoForbiddenOperators(inner);
  }
}

export function assertDocId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('A read-model document needs a non-empty string id');
}

export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) throw new TypeError('A tenant id is required');
}
