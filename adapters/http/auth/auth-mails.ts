import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '../../../application/ports/clock.port';
import { MAILER, type Mailer } from '../../../application/ports/mailer.port';
import type { RegistrationMail } from '../../../application/user/register-by-email.command';
import type { RecoveryMail } from '../../../application/user/request-recovery.command';
import type { UserProfile } from '../../../domain/user/user.profile';
import { renderMail, type MailTemplateName, type MailTemplateParams } from '../../mail/templates/render-mail';
import { PublicLinks } from './public-links';

/** The mails of sign-in: rendered in the reader's language, links built from PUBLIC_URL. */
@Injectable()
export class AuthMails {
  private readonly logger = new Logger('auth-mail');

  constructor(
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly links: PublicLinks,
  ) {}

  /** The generated password; a failure reaches the caller (the person must know no mail is coming). */
  async registration(mail: RegistrationMail): Promise<void> {
    await this.send('registration-password', mail.to, mail.language, { email: mail.to, password: mail.password, signInUrl: this.links.signIn() });
  }

  /** The single-use link; its validity is what the decider set. */
  async recovery(mail: RecoveryMail, fallbackLanguage: string | undefined): Promise<void> {
    const minutes = Math.max(1, Math.round((Date.parse(mail.expiresAt) - Date.parse(this.clock.now())) / 60_000));
    await this.send('password-recovery', mail.to, mail.language ?? fallbackLanguage, {
      email: mail.to,
      recoveryUrl: this.links.recovery(mail.token),
      expiresInMinutes: Number.isFinite(minutes) ? minutes : 60,
    });
  }

  /** A notice after a password change, so that a change made with a stolen session does not go unnoticed. Never fails the change. */
  async passwordChanged(to: string, profile: UserProfile | null): Promise<void> {
    try {
      await this.send('password-changed', to, profile?.language, {
        email: to,
        changedAt: this.clock.now(),
        recoveryPageUrl: this.links.recoveryPage(),
        ...(profile ? { timeZone: profile.timeZone, hour12: profile.timeFormat === '12h' } : {}),
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'the password-changed notice could not be sent');
    }
  }

  private async send<N extends MailTemplateName>(template: N, to: string, language: string | undefined, params: MailTemplateParams[N]): Promise<void> {
    const rendered = renderMail(template, language, params);
    await this.mailer.send({
      to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: { 'X-Switchboard-Template': template },
    });
  }
}
