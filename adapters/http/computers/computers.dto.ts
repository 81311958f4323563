import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { COMPUTER_NAME_MAX } from '../../../application/contracts/agent.protocol';

const GROUP_NAME_MAX = 64;
const ID_MAX = 128;

/** Body of `PATCH /api/computers/:id`: a new name, which the agent is told. */
export class RenameComputerDto {
  @ApiProperty({ minLength: 1, maxLength: COMPUTER_NAME_MAX, example: 'Reception PC' })
  @IsString()
  @MinLength(1)
  @MaxLength(COMPUTER_NAME_MAX)
  name!: string;
}

/** Body of `PUT /api/computers/:id/group`: a group of the account, or null for none. */
export class MoveComputerDto {
  @ApiProperty({ nullable: true, type: String, example: '1f0c…' })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(ID_MAX)
  groupId!: string | null;
}

/** Body of `POST /api/computers/:id/shares`: a user of the account, by username (email) or id. */
export class ShareComputerDto {
  @ApiProperty({ example: 'bob@example.com', maxLength: 254 })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  user!: string;
}

export class SetVisibilityDto {
  @ApiProperty({ enum: ['owner', 'everyone'] })
  @IsIn(['owner', 'everyone'])
  visibility!: 'owner' | 'everyone';
}

/** Body of `PUT /api/computers/:id/settings`. */
export class ComputerSettingsDto {
  @ApiProperty({ description: 'Allow agent configuration without administrator rights (Windows agents only)' })
  @IsBoolean()
  allowAgentConfigWithoutAdmin!: boolean;
}

export class AddGroupDto {
  @ApiProperty({ minLength: 1, maxLength: GROUP_NAME_MAX, example: 'Accounting' })
  @IsString()
  @MinLength(1)
  @MaxLength(GROUP_NAME_MAX)
  name!: string;

  @ApiProperty({ nullable: true, required: false, type: String })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(ID_MAX)
  parentId?: string | null;
}

export class RenameGroupDto {
  @ApiProperty({ minLength: 1, maxLength: GROUP_NAME_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(GROUP_NAME_MAX)
  name!: string;
}

export class MoveGroupDto {
  @ApiProperty({ nullable: true, type: String })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(ID_MAX)
  parentId!: string | null;
}
