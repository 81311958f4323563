import { formatDateTime, type MailTemplate, type TimePreferences } from './mail-template';

export interface PasswordChangedParams extends TimePreferences {
  /** The account's address. */
  readonly email: string;
  /** When the password was changed (ISO), shown in the reader's time zone. */
  readonly changedAt: string;
  /** The page where a recovery can be started, for a reader who did not change it. */
  readonly recoveryPageUrl: string;
}

/** Sent after every password change, so that a stolen session cannot change it unnoticed. */
export const passwordChangedTemplate: MailTemplate<PasswordChangedParams> = {
  name: 'password-changed',
  values: ({ email, changedAt, recoveryPageUrl, timeZone, hour12 }, language) => ({
    email,
    recoveryPageUrl,
    changedAt: formatDateTime(changedAt, language, { timeZone, hour12 }),
  }),
  translations: {
    en: {
      subject: 'Your Switchboard password was changed',
      blocks: [
        { kind: 'paragraph', text: 'The password of the Switchboard account {{email}} was changed on {{changedAt}}.' },
        { kind: 'paragraph', text: 'If it was you, there is nothing more to do.' },
        {
          kind: 'paragraph',
          text: 'If it was not you, reset your password right away and tell your administrator:',
        },
        { kind: 'link', label: 'Reset my password', href: '{{recoveryPageUrl}}' },
      ],
    },
    fr: {
      subject: 'Votre mot de passe Switchboard a été modifié',
      blocks: [
        {
          kind: 'paragraph',
          text: 'Le mot de passe du compte Switchboard {{email}} a été modifié le {{changedAt}}.',
        },
        { kind: 'paragraph', text: 'Si c’est bien vous, vous n’avez rien d’autre à faire.' },
        {
          kind: 'paragraph',
          text: 'Sinon, réinitialisez votre mot de passe immédiatement et prévenez votre administrateur :',
        },
        { kind: 'link', label: 'Réinitialiser mon mot de passe', href: '{{recoveryPageUrl}}' },
      ],
    },
    de: {
      subject: 'Ihr Switchboard-Passwort wurde geändert',
      blocks: [
        { kind: 'paragraph', text: 'Das Passwort des Switchboard-Kontos {{email}} wurde am {{changedAt}} geändert.' },
        { kind: 'paragraph', text: 'Wenn Sie das waren, ist nichts weiter zu tun.' },
        {
          kind: 'paragraph',
          text: 'Wenn nicht, setzen Sie Ihr Passwort sofort zurück und informieren Sie Ihren Administrator:',
        },
        { kind: 'link', label: 'Passwort zurücksetzen', href: '{{recoveryPageUrl}}' },
      ],
    },
    es: {
      subject: 'Se ha cambiado tu contraseña de Switchboard',
      blocks: [
        {
          kind: 'paragraph',
          text: 'La contraseña de la cuenta de Switchboard {{email}} se cambió el {{changedAt}}.',
        },
        { kind: 'paragraph', text: 'Si fuiste tú, no tienes que hacer nada más.' },
        {
          kind: 'paragraph',
          text: 'Si no fuiste tú, restablece tu contraseña de inmediato y avisa a tu administrador:',
        },
        { kind: 'link', label: 'Restablecer mi contraseña', href: '{{recoveryPageUrl}}' },
      ],
    },
    it: {
      subject: 'La password di Switchboard è stata modificata',
      blocks: [
        {
          kind: 'paragraph',
          text: 'La password dell’account Switchboard {{email}} è stata modificata il {{changedAt}}.',
        },
        { kind: 'paragraph', text: 'Se la modifica è opera tua, non devi fare altro.' },
        {
          kind: 'paragraph',
          text: 'Altrimenti reimposta subito la password e avvisa il tuo amministratore:',
        },
        { kind: 'link', label: 'Reimposta la password', href: '{{recoveryPageUrl}}' },
      ],
    },
  },
};
