import { Inject, Injectable } from '@nestjs/common';
import { MAILER, type Mailer } from '../../../application/ports/mailer.port';
import { renderMail } from '../../mail/templates/render-mail';

/** Sends a support link to the end-user, in the technician's console language. */
@Injectable()
export class SupportLinkMails {
  constructor(@Inject(MAILER) private readonly mailer: Mailer) {}

  async send(to: string, language: string | undefined, params: { technicianName: string; url: string; ticket: string | null }): Promise<void> {
    const rendered = renderMail('support-link', language, { email: to, ...params });
    await this.mailer.send({ to, subject: rendered.subject, text: rendered.text, html: rendered.html, headers: { 'X-Switchboard-Template': 'support-link' } });
  }
}
