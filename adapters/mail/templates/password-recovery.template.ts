import { formatDuration, type MailTemplate } from './mail-template';

export interface PasswordRecoveryParams {
  /** The account's address. */
  readonly email: string;
  /** The single-use link carrying the recovery token. */
  readonly recoveryUrl: string;
  /** How long the link stays valid (60 for the product's one hour). */
  readonly expiresInMinutes: number;
}

/** Sent on a recovery request: a single-use link that expires. */
export const passwordRecoveryTemplate: MailTemplate<PasswordRecoveryParams> = {
  name: 'password-recovery',
  values: ({ email, recoveryUrl, expiresInMinutes }, language) => ({
    email,
    recoveryUrl,
    expiresIn: formatDuration(expiresInMinutes, language),
  }),
  translations: {
    en: {
      subject: 'Reset your Switchboard password',
      blocks: [
        { kind: 'paragraph', text: 'Someone, hopefully you, asked to reset the password of the Switchboard account {{email}}.' },
        {
          kind: 'paragraph',
          text: 'Use the link below to choose a new password. It works only once and expires in {{expiresIn}}.',
        },
        { kind: 'link', label: 'Choose a new password', href: '{{recoveryUrl}}' },
        { kind: 'paragraph', text: 'If you did not ask for this, ignore this message: your password stays unchanged.' },
      ],
    },
    fr: {
      subject: 'Réinitialisez votre mot de passe Switchboard',
      blocks: [
        {
          kind: 'paragraph',
          text: 'Une réinitialisation du mot de passe a été demandée pour le compte Switchboard {{email}}.',
        },
        {
          kind: 'paragraph',
          text: 'Utilisez le lien ci-dessous pour choisir un nouveau mot de passe. Il ne fonctionne qu’une seule fois et expire dans {{expiresIn}}.',
        },
        { kind: 'link', label: 'Choisir un nouveau mot de passe', href: '{{recoveryUrl}}' },
        {
          kind: 'paragraph',
          text: 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.',
        },
      ],
    },
    de: {
      subject: 'Setzen Sie Ihr Switchboard-Passwort zurück',
      blocks: [
        {
          kind: 'paragraph',
          text: 'Für das Switchboard-Konto {{email}} wurde das Zurücksetzen des Passworts angefordert.',
        },
        {
          kind: 'paragraph',
          text: 'Über den folgenden Link können Sie ein neues Passwort wählen. Er funktioniert nur einmal und läuft in {{expiresIn}} ab.',
        },
        { kind: 'link', label: 'Neues Passwort wählen', href: '{{recoveryUrl}}' },
        {
          kind: 'paragraph',
          text: 'Falls Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.',
        },
      ],
    },
    es: {
      subject: 'Restablece tu contraseña de Switchboard',
      blocks: [
        { kind: 'paragraph', text: 'Se ha solicitado restablecer la contraseña de la cuenta de Switchboard {{email}}.' },
        {
          kind: 'paragraph',
          text: 'Usa el siguiente enlace para elegir una nueva contraseña. Solo funciona una vez y caduca en {{expiresIn}}.',
        },
        { kind: 'link', label: 'Elegir una nueva contraseña', href: '{{recoveryUrl}}' },
        { kind: 'paragraph', text: 'Si no lo has solicitado, ignora este mensaje: tu contraseña no cambiará.' },
      ],
    },
    it: {
      subject: 'Reimposta la password di Switchboard',
      blocks: [
        { kind: 'paragraph', text: 'È stato richiesto di reimpostare la password dell’account Switchboard {{email}}.' },
        {
          kind: 'paragraph',
          text: 'Usa il link qui sotto per scegliere una nuova password. Funziona una sola volta e scade tra {{expiresIn}}.',
        },
        { kind: 'link', label: 'Scegli una nuova password', href: '{{recoveryUrl}}' },
        {
          kind: 'paragraph',
          text: 'Se non hai fatto tu questa richiesta, ignora questo messaggio: la tua password resta invariata.',
        },
      ],
    },
  },
};
