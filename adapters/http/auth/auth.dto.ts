import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ACCOUNT_NAME_MAX } from '../../../domain/account/account.decide';
import { PASSWORD_MAX_LENGTH } from '../../../domain/shared/password-policy';
import { EMAIL_MAX } from '../../../domain/user/email';
import { LANGUAGES, type Language } from '../../../domain/user/user.profile';

/**
 * A password as typed. The policy is the domain's (a weak new password is a 422 with its reasons); the DTO
 * only bounds the length, a few times the policy's maximum, so that hashing an attacker's megabyte never runs.
 */
export const PASSWORD_INPUT_MAX = 4 * PASSWORD_MAX_LENGTH;

/** Refresh tokens and recovery tokens: ids and a 256-bit secret, base64url parts joined by dots. */
export const OPAQUE_TOKEN_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){1,2}$/;
export const OPAQUE_TOKEN_MAX = 400;

export class RegisterDto {
  @ApiProperty({ maxLength: EMAIL_MAX, example: 'ann@example.com' })
  @IsString()
  @MaxLength(EMAIL_MAX)
  email!: string;

  @ApiPropertyOptional({ maxLength: ACCOUNT_NAME_MAX, description: 'Name of the new client space; the email by default', example: 'Ann’s computers' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(ACCOUNT_NAME_MAX)
  accountName?: string;

  @ApiPropertyOptional({ enum: LANGUAGES, description: 'Language of the mail with the generated password', example: 'fr' })
  @IsOptional()
  @IsIn(LANGUAGES)
  language?: Language;
}

export class LoginDto {
  @ApiProperty({ maxLength: EMAIL_MAX, example: 'ann@example.com' })
  @IsString()
  @MaxLength(EMAIL_MAX)
  email!: string;

  @ApiProperty({ maxLength: PASSWORD_INPUT_MAX, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_INPUT_MAX)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh; it is used once', maxLength: OPAQUE_TOKEN_MAX })
  @IsString()
  @MaxLength(OPAQUE_TOKEN_MAX)
  @Matches(OPAQUE_TOKEN_PATTERN, { message: 'refreshToken must be a refresh token as issued' })
  refreshToken!: string;
}

export class RecoveryRequestDto {
  @ApiProperty({ maxLength: EMAIL_MAX, example: 'ann@example.com' })
  @IsString()
  @MaxLength(EMAIL_MAX)
  email!: string;

  @ApiPropertyOptional({ enum: LANGUAGES, description: 'Language of the mail when the user has no profile language yet' })
  @IsOptional()
  @IsIn(LANGUAGES)
  language?: Language;
}

export class RecoveryCompleteDto {
  @ApiProperty({ description: 'The token of the recovery link (its `token` query parameter)', maxLength: OPAQUE_TOKEN_MAX })
  @IsString()
  @MaxLength(OPAQUE_TOKEN_MAX)
  @Matches(OPAQUE_TOKEN_PATTERN, { message: 'token must be the token of a recovery link' })
  token!: string;

  @ApiProperty({ maxLength: PASSWORD_INPUT_MAX, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_INPUT_MAX)
  newPassword!: string;
}

/** Answer of sign-in and refresh. */
export class TokenPairDto {
  @ApiProperty({ description: 'Bearer token for the API, valid `expiresIn` seconds' }) accessToken!: string;
  @ApiProperty({ description: 'Used once, at POST /api/auth/refresh, to get the next pair' }) refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ example: 900 }) expiresIn!: number;
  @ApiProperty({ description: 'The password is the generated one: only POST /api/me/password and GET /api/me work until it changes' })
  mustChangePassword!: boolean;
}

export class AcceptedDto {
  @ApiProperty({ example: 'accepted' }) status!: 'accepted';
}
