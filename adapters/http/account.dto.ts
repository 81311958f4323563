import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { ACCOUNT_NAME_MAX } from '../../domain/account/account.decide';

const ACCOUNT_KINDS = ['client-space', 'msp'] as const;

/** Body of `POST /api/accounts`. The server makes the id. */
export class RegisterAccountDto {
  @ApiProperty({ minLength: 1, maxLength: ACCOUNT_NAME_MAX, example: 'Acme IT' })
  @IsString()
  @MinLength(1)
  @MaxLength(ACCOUNT_NAME_MAX)
  name!: string;

  @ApiProperty({ enum: ACCOUNT_KINDS, example: 'msp' })
  @IsIn(ACCOUNT_KINDS)
  kind!: (typeof ACCOUNT_KINDS)[number];
}

/** Body of `PATCH /api/accounts/:id`. */
export class RenameAccountDto {
  @ApiProperty({ minLength: 1, maxLength: ACCOUNT_NAME_MAX, example: 'Acme IT Services' })
  @IsString()
  @MinLength(1)
  @MaxLength(ACCOUNT_NAME_MAX)
  name!: string;
}

/** Answer of every command: the stream revision (also the ETag) and the global position for read-your-writes. */
export class CommandAcceptedDto {
  @ApiProperty({ example: '3f1c8e1e-8f7e-4e0b-9a55-2d7f0c7b1a10' })
  id!: string;

  @ApiProperty({ description: 'Revision of the account stream after the command; send it back as If-Match', example: 0 })
  revision!: number;

  @ApiProperty({ description: 'Global position of the last event; pass it as ?minPosition= to read your write', example: '42' })
  position!: string;
}

export class AccountViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ACCOUNT_KINDS }) kind!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ description: 'Whether remote sessions opened from now on are recorded' }) sessionRecording!: boolean;
  @ApiProperty() registeredAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class ProblemDto {
  @ApiProperty({ example: 'urn:switchboard:problem:account-not-found' }) type!: string;
  @ApiProperty({ example: 'Not Found' }) title!: string;
  @ApiProperty({ example: 404 }) status!: number;
  @ApiProperty({ example: 'ACCOUNT_NOT_FOUND' }) code!: string;
  @ApiProperty({ example: 'No such account' }) detail!: string;
  @ApiProperty({ example: '/api/accounts/123' }) instance!: string;
  @ApiProperty({ required: false, type: [String] }) errors?: string[];
}
