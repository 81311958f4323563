import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { PERMALINK_PATH } from '../../../domain/session/permalink.decide';
import { SESSION_TEXT_MAX } from '../../../domain/session/session.decide';

const ID_MAX = 128;
/** Permalink passwords: long enough to resist the back-off's pace of guessing, short enough for argon2. */
const PERMALINK_PASSWORD_MIN = 8;
const PERMALINK_PASSWORD_MAX = 128;

export class OpenSessionDto {
  @ApiProperty({ description: 'The computer to connect to' })
  @IsString()
  @MinLength(1)
  @MaxLength(ID_MAX)
  computerId!: string;

  @ApiProperty({ required: false, description: 'Opened from the mobile console (source mobile)' })
  @IsOptional()
  @IsBoolean()
  mobile?: boolean;
}

export class CreateSupportLinkDto {
  @ApiProperty({ required: false, maxLength: SESSION_TEXT_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(SESSION_TEXT_MAX)
  ticket?: string;

  @ApiProperty({ required: false, maxLength: SESSION_TEXT_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(SESSION_TEXT_MAX)
  endUserName?: string;

  @ApiProperty({ required: false, description: 'Also give the short URL /s/<token>' })
  @IsOptional()
  @IsBoolean()
  shorten?: boolean;

  @ApiProperty({ required: false, description: 'Send the link to this address' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

export class SupportJoinFactsDto {
  @ApiProperty() @IsString() @MaxLength(255) hostname!: string;
  @ApiProperty() @IsString() @MaxLength(32) platform!: string;
}

/** Exactly one of `link` (the token or the whole URL) and `code`. */
export class SupportJoinDto {
  @ApiProperty({ required: false, description: 'The support link (its URL or token)' })
  @ValidateIf((o: SupportJoinDto) => o.code === undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  link?: string;

  @ApiProperty({ required: false, example: '123456' })
  @ValidateIf((o: SupportJoinDto) => o.link === undefined)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiProperty({ maxLength: SESSION_TEXT_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(SESSION_TEXT_MAX)
  name!: string;

  @ApiProperty({ type: SupportJoinFactsDto, nullable: true })
  @ValidateIf((o: SupportJoinDto) => o.facts !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => SupportJoinFactsDto)
  facts!: SupportJoinFactsDto | null;
}

export class SessionRecordingDto {
  @ApiProperty() @IsBoolean() enabled!: boolean;
}

export class CreatePermalinkDto {
  @ApiProperty({ pattern: PERMALINK_PATH.source })
  @IsString()
  @Matches(PERMALINK_PATH, { message: 'path must be 3 to 64 lower-case letters, digits or hyphens' })
  path!: string;

  @ApiProperty() @IsString() @MinLength(1) @MaxLength(ID_MAX) computerId!: string;

  @ApiProperty({ description: 'Open to people who are not signed in, behind the password' })
  @IsBoolean()
  public!: boolean;

  @ApiProperty({ required: false, minLength: PERMALINK_PASSWORD_MIN })
  @IsOptional()
  @IsString()
  @MinLength(PERMALINK_PASSWORD_MIN)
  @MaxLength(PERMALINK_PASSWORD_MAX)
  password?: string;
}

export class ChangePermalinkDto {
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean() public?: boolean;

  @ApiProperty({ required: false, nullable: true, description: 'null removes the password' })
  @IsOptional()
  @ValidateIf((o: ChangePermalinkDto) => o.password !== null)
  @IsString()
  @MinLength(PERMALINK_PASSWORD_MIN)
  @MaxLength(PERMALINK_PASSWORD_MAX)
  password?: string | null;

  @ApiProperty({ required: false }) @IsOptional() @IsString() @MinLength(1) @MaxLength(ID_MAX) computerId?: string;
}

export class OpenPermalinkDto {
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @MaxLength(PERMALINK_PASSWORD_MAX)
  password?: string;
}
