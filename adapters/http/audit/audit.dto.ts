import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  AUDIT_ACTOR_PATTERN,
  AUDIT_AGGREGATE_PATTERN,
  AUDIT_PAGE_DEFAULT,
  AUDIT_PAGE_MAX,
  AUDIT_TYPES_MAX,
  AUDIT_TYPE_PATTERN,
} from '../../../application/audit/list-audit-entries.query';

const TENANT_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;
const POS_KEY_PATTERN = /^[0-9]{20}\.[0-9]{20}$/;
const POSITION_PATTERN = /^(0|[1-9][0-9]{0,19})(\.(0|[1-9][0-9]{0,19}))?$/;

/** `type=A,B` and `type=A&type=B` both name several types. */
const listOf = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()) : Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [v])) : value;

/** The filters shared by `GET /api/audit` and `GET /api/audit.csv`. Unknown parameters are refused. */
export class AuditFilterQueryDto {
  @ApiPropertyOptional({ description: "The account (tenant) whose log to read: required for the operator; a user may only name their own", example: '3f1c8e1e-8f7e-4e0b-9a55-2d7f0c7b1a10' })
  @IsOptional()
  @IsString()
  @Matches(TENANT_PATTERN)
  tenant?: string;

  @ApiPropertyOptional({ description: 'Only events by this actor id', example: 'operator' })
  @IsOptional()
  @IsString()
  @Matches(AUDIT_ACTOR_PATTERN)
  actor?: string;

  @ApiPropertyOptional({
    description: `Only events of these types: comma-separated or repeated, at most ${AUDIT_TYPES_MAX}`,
    type: [String],
    example: 'AccountRenamed,AccountClosed',
  })
  @IsOptional()
  @Transform(listOf)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AUDIT_TYPES_MAX)
  @IsString({ each: true })
  @Matches(AUDIT_TYPE_PATTERN, { each: true })
  type?: string[];

  @ApiPropertyOptional({ description: 'A stream (account-42) or every stream of a category (account)', example: 'account' })
  @IsOptional()
  @IsString()
  @Matches(AUDIT_AGGREGATE_PATTERN)
  aggregate?: string;

  @ApiPropertyOptional({ description: 'Events at or after: an ISO-8601 date, or date-time with offset', example: '2026-11-01' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Events strictly before: an ISO-8601 date, or date-time with offset', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Wait (bounded) until the audit log includes this position, as returned by a command', example: '42' })
  @IsOptional()
  @IsString()
  @Matches(POSITION_PATTERN)
  minPosition?: string;
}

/** `GET /api/audit`: the filters plus a page. */
export class ListAuditQueryDto extends AuditFilterQueryDto {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page: only older entries', example: '00000000000000000042.00000000000000000042' })
  @IsOptional()
  @IsString()
  @Matches(POS_KEY_PATTERN, { message: 'before must be a nextCursor returned by a previous page' })
  before?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: AUDIT_PAGE_MAX, default: AUDIT_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_PAGE_MAX)
  limit?: number;
}

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'agent', 'system', 'customer'] }) kind!: string;
  @ApiProperty({ example: 'operator' }) id!: string;
}

export class AuditEntryDto {
  @ApiProperty({ description: 'The event id' }) id!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty({ example: '2026-11-21T10:00:00.000Z' }) at!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({ example: 'AccountRenamed' }) type!: string;
  @ApiProperty({ description: 'The stream', example: 'account-42' }) aggregate!: string;
  @ApiProperty({ description: 'The stream category', example: 'account' }) aggregateType!: string;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.9' }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ example: '42' }) position!: string;
  @ApiProperty({ description: 'Sortable position; a cursor', example: '00000000000000000042.00000000000000000042' }) posKey!: string;
  @ApiProperty({ example: 'Account renamed to "Acme IT"' }) summary!: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'Newest first' }) entries!: AuditEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?before= for the next (older) page; null on the last page' })
  nextCursor!: string | null;
}
