import { Injectable } from '@nestjs/common';
import type { CommandMeta } from '../../../application/handle-command';
import { SecurityAttemptRecorder } from '../../../application/user/security-attempts';
import type { Principal } from '../../../domain/shared/event';
import { operatorIn } from '../operator-auth.guard';
import { HttpProblem } from '../problem-details';
import type { Caller } from './caller';

/**
 * Tenant isolation at the door: a user acts only in their own tenant (the operator in any). A reach
 * into another tenant by id is recorded in the caller's security stream, then refused with
 * `<RESOURCE>_FORBIDDEN`; nothing else is read or written.
 */
@Injectable()
export class TenantAccess {
  constructor(private readonly security: SecurityAttemptRecorder) {}

  /** The principal to act as in `tenantId`, or a recorded 403. `resource` names the code (`account` → ACCOUNT_FORBIDDEN, `audit log` → AUDIT_LOG_FORBIDDEN). */
  async principalIn(caller: Caller, tenantId: string, resource: string, meta: CommandMeta): Promise<Principal> {
    if (caller.kind === 'operator') return operatorIn(tenantId);
    const { principal } = caller;
    if (principal.tenantId === tenantId) return principal;
    await this.security.record(
      principal.tenantId,
      { action: 'access', reason: 'cross_tenant', userId: principal.id, targetTenantId: tenantId.slice(0, 128) },
      meta,
      { kind: principal.kind, id: principal.id },
    );
    throw new HttpProblem(`${resource.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_FORBIDDEN`, `This ${resource} belongs to another account`, 403);
  }
}
