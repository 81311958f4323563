import type { MailTemplate } from './mail-template';

export interface RegistrationPasswordParams {
  /** The address the account was registered with. */
  readonly email: string;
  /** The generated password; it must be changed at the first sign-in. */
  readonly password: string;
  /** The console's sign-in page. */
  readonly signInUrl: string;
}

/** Sent on registration by e-mail: the generated password and where to use it. */
export const registrationPasswordTemplate: MailTemplate<RegistrationPasswordParams> = {
  name: 'registration-password',
  values: ({ email, password, signInUrl }) => ({ email, password, signInUrl }),
  translations: {
    en: {
      subject: 'Your Switchboard account is ready',
      blocks: [
        { kind: 'paragraph', text: 'Welcome to Switchboard! An account was created for {{email}}.' },
        { kind: 'paragraph', text: 'Here is your temporary password:' },
        { kind: 'code', text: '{{password}}' },
        { kind: 'paragraph', text: 'Sign in with it; you will then be asked to choose your own password.' },
        { kind: 'link', label: 'Sign in', href: '{{signInUrl}}' },
        {
          kind: 'paragraph',
          text: 'If you did not ask for this account, you can ignore this message: nobody can use it without this password.',
        },
      ],
    },
    fr: {
      subject: 'Votre compte Switchboard est prêt',
      blocks: [
        { kind: 'paragraph', text: 'Bienvenue sur Switchboard ! Un compte a été créé pour {{email}}.' },
        { kind: 'paragraph', text: 'Voici votre mot de passe provisoire :' },
        { kind: 'code', text: '{{password}}' },
        {
          kind: 'paragraph',
          text: 'Connectez-vous avec ce mot de passe ; il vous sera ensuite demandé d’en choisir un nouveau.',
        },
        { kind: 'link', label: 'Se connecter', href: '{{signInUrl}}' },
        {
          kind: 'paragraph',
          text: 'Si vous n’avez pas demandé ce compte, ignorez ce message : personne ne peut l’utiliser sans ce mot de passe.',
        },
      ],
    },
    de: {
      subject: 'Ihr Switchboard-Konto ist bereit',
      blocks: [
        { kind: 'paragraph', text: 'Willkommen bei Switchboard! Für {{email}} wurde ein Konto angelegt.' },
        { kind: 'paragraph', text: 'Hier ist Ihr vorläufiges Passwort:' },
        { kind: 'code', text: '{{password}}' },
        {
          kind: 'paragraph',
          text: 'Melden Sie sich damit an; anschließend werden Sie gebeten, ein eigenes Passwort zu wählen.',
        },
        { kind: 'link', label: 'Anmelden', href: '{{signInUrl}}' },
        {
          kind: 'paragraph',
          text: 'Falls Sie dieses Konto nicht angefordert haben, können Sie diese Nachricht ignorieren: Ohne dieses Passwort kann niemand das Konto verwenden.',
        },
      ],
    },
    es: {
      subject: 'Tu cuenta de Switchboard está lista',
      blocks: [
        { kind: 'paragraph', text: '¡Te damos la bienvenida a Switchboard! Se ha creado una cuenta para {{email}}.' },
        { kind: 'paragraph', text: 'Esta es tu contraseña temporal:' },
        { kind: 'code', text: '{{password}}' },
        { kind: 'paragraph', text: 'Inicia sesión con ella; después se te pedirá que elijas tu propia contraseña.' },
        { kind: 'link', label: 'Iniciar sesión', href: '{{signInUrl}}' },
        {
          kind: 'paragraph',
          text: 'Si no has solicitado esta cuenta, ignora este mensaje: nadie puede usarla sin esta contraseña.',
        },
      ],
    },
    it: {
      subject: 'Il tuo account Switchboard è pronto',
      blocks: [
        { kind: 'paragraph', text: 'Ti diamo il benvenuto in Switchboard! È stato creato un account per {{email}}.' },
        { kind: 'paragraph', text: 'Ecco la tua password temporanea:' },
        { kind: 'code', text: '{{password}}' },
        { kind: 'paragraph', text: 'Accedi con questa password; poi ti verrà chiesto di sceglierne una tua.' },
        { kind: 'link', label: 'Accedi', href: '{{signInUrl}}' },
        {
          kind: 'paragraph',
          text: 'Se non hai richiesto questo account, ignora questo messaggio: nessuno può usarlo senza questa password.',
        },
      ],
    },
  },
};
