import type { MailTemplate } from './mail-template';

export interface SupportLinkParams {
  /** The end-user's address, named in the mail so that a forwarded copy says whom it was for. */
  readonly email: string;
  /** The technician who sent the link (their display name). */
  readonly technicianName: string;
  /** The support link (its short form when the technician asked for one). */
  readonly url: string;
  /** The ticket the link is about, if the technician gave one. */
  readonly ticket: string | null;
}

/** A technician's support link, sent to the end-user: open it to start a remote support session. */
export const supportLinkTemplate: MailTemplate<SupportLinkParams> = {
  name: 'support-link',
  values: ({ email, technicianName, url, ticket }) => ({ email, technicianName, url, ticket: ticket ?? '—' }),
  translations: {
    en: {
      subject: 'Remote support from {{technicianName}}',
      blocks: [
        { kind: 'paragraph', text: '{{technicianName}} invites you to a remote support session (ticket: {{ticket}}).' },
        { kind: 'paragraph', text: 'Open the link below when you are ready: it explains how to let your technician see your screen. Nothing happens until you start it yourself.' },
        { kind: 'link', label: 'Start the support session', href: '{{url}}' },
        { kind: 'paragraph', text: 'This message was sent to {{email}}. If you did not expect it, ignore it.' },
      ],
    },
    fr: {
      subject: 'Assistance à distance de {{technicianName}}',
      blocks: [
        { kind: 'paragraph', text: '{{technicianName}} vous invite à une session d’assistance à distance (ticket : {{ticket}}).' },
        { kind: 'paragraph', text: 'Ouvrez le lien ci-dessous quand vous êtes prêt : il explique comment laisser votre technicien voir votre écran. Rien ne se passe tant que vous ne l’avez pas lancée vous-même.' },
        { kind: 'link', label: 'Démarrer la session d’assistance', href: '{{url}}' },
        { kind: 'paragraph', text: 'Ce message a été envoyé à {{email}}. Si vous ne l’attendiez pas, ignorez-le.' },
      ],
    },
    de: {
      subject: 'Fernsupport von {{technicianName}}',
      blocks: [
        { kind: 'paragraph', text: '{{technicianName}} lädt Sie zu einer Fernsupport-Sitzung ein (Ticket: {{ticket}}).' },
        { kind: 'paragraph', text: 'Öffnen Sie den folgenden Link, wenn Sie bereit sind: Er erklärt, wie Ihr Techniker Ihren Bildschirm sehen kann. Nichts geschieht, bevor Sie die Sitzung selbst starten.' },
        { kind: 'link', label: 'Support-Sitzung starten', href: '{{url}}' },
        { kind: 'paragraph', text: 'Diese Nachricht wurde an {{email}} gesendet. Falls Sie sie nicht erwartet haben, ignorieren Sie sie.' },
      ],
    },
    es: {
      subject: 'Asistencia remota de {{technicianName}}',
      blocks: [
        { kind: 'paragraph', text: '{{technicianName}} te invita a una sesión de asistencia remota (ticket: {{ticket}}).' },
        { kind: 'paragraph', text: 'Abre el siguiente enlace cuando estés listo: explica cómo dejar que tu técnico vea tu pantalla. No ocurre nada hasta que la inicies tú mismo.' },
        { kind: 'link', label: 'Iniciar la sesión de asistencia', href: '{{url}}' },
        { kind: 'paragraph', text: 'Este mensaje se ha enviado a {{email}}. Si no lo esperabas, ignóralo.' },
      ],
    },
    it: {
      subject: 'Assistenza remota da {{technicianName}}',
      blocks: [
        { kind: 'paragraph', text: '{{technicianName}} ti invita a una sessione di assistenza remota (ticket: {{ticket}}).' },
        { kind: 'paragraph', text: 'Apri il link qui sotto quando sei pronto: spiega come permettere al tuo tecnico di vedere il tuo schermo. Non succede nulla finché non la avvii tu.' },
        { kind: 'link', label: 'Avvia la sessione di assistenza', href: '{{url}}' },
        { kind: 'paragraph', text: 'Questo messaggio è stato inviato a {{email}}. Se non lo aspettavi, ignoralo.' },
      ],
    },
  },
};
