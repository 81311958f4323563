import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { EMAIL_MAX } from '../../../domain/user/email';
import { LANGUAGES, NAME_MAX, type Language, type TimeFormat } from '../../../domain/user/user.profile';
import { PASSWORD_INPUT_MAX } from '../auth/auth.dto';

const TIME_FORMATS: readonly TimeFormat[] = ['12h', '24h'];
const ONBOARDING_OUTCOMES = ['dismissed', 'completed'] as const;
/** Longer than any IANA zone name. */
const TIME_ZONE_MAX = 64;

export class ChangePasswordDto {
  @ApiProperty({ maxLength: PASSWORD_INPUT_MAX, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_INPUT_MAX)
  currentPassword!: string;

  @ApiProperty({ maxLength: PASSWORD_INPUT_MAX, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_INPUT_MAX)
  newPassword!: string;
}

/** The profile as the user edits it; the domain checks the values (country code, time zone...). */
export class ProfileDto {
  @ApiProperty({ maxLength: NAME_MAX, example: 'Ann' })
  @IsString()
  @MaxLength(NAME_MAX)
  firstName!: string;

  @ApiProperty({ maxLength: NAME_MAX, example: 'Smith' })
  @IsString()
  @MaxLength(NAME_MAX)
  lastName!: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'FR' })
  @IsString()
  @MaxLength(2)
  country!: string;

  @ApiProperty({ enum: LANGUAGES, example: 'fr' })
  @IsIn(LANGUAGES)
  language!: Language;

  @ApiProperty({ description: 'IANA time zone', example: 'Europe/Paris' })
  @IsString()
  @MaxLength(TIME_ZONE_MAX)
  timeZone!: string;

  @ApiProperty({ enum: TIME_FORMATS, example: '24h' })
  @IsIn(TIME_FORMATS)
  timeFormat!: TimeFormat;

  @ApiPropertyOptional({ maxLength: NAME_MAX, description: 'A technician’s title, shown to the people they help', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  title?: string | null;

  @ApiPropertyOptional({ maxLength: EMAIL_MAX, description: 'Where the people a technician helps may write', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(EMAIL_MAX)
  technicianEmail?: string | null;
}

export class OnboardingDto {
  @ApiProperty({ enum: ONBOARDING_OUTCOMES })
  @IsIn(ONBOARDING_OUTCOMES)
  outcome!: (typeof ONBOARDING_OUTCOMES)[number];
}

export class DeleteAccountDto {
  @ApiProperty({ maxLength: PASSWORD_INPUT_MAX, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_INPUT_MAX)
  currentPassword!: string;
}

export class MeViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['owner', 'admin', 'technician'] }) role!: string;
  @ApiProperty({ enum: ['pending', 'active'] }) status!: string;
  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty({ type: ProfileDto, nullable: true }) profile!: ProfileDto | null;
  @ApiProperty({ enum: ['pending', 'dismissed', 'completed'] }) onboarding!: string;
}
