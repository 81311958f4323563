import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxMailer } from '../outbox-mailer.adapter';
import { MAIL_CHROME, MAIL_LANGUAGES, type MailTranslation, resolveMailLanguage } from './mail-template';
import { MAIL_TEMPLATE_NAMES, MAIL_TEMPLATES, type MailTemplateParams, escapeHtml, placeholdersOf, renderMail } from './render-mail';

const RECOVERY_URL = 'https://switchboard.test/auth/recovery?token=Zm9vYmFy-_baz&lang=de';

const SAMPLES: { readonly [N in keyof MailTemplateParams]: MailTemplateParams[N] } = {
  'registration-password': { email: 'ann@example.com', password: 'k7#Qz<9&v"Lm2\'Xp', signInUrl: 'https://switchboard.test/sign-in' },
  'password-recovery': { email: 'ann@example.com', recoveryUrl: RECOVERY_URL, expiresInMinutes: 60 },
  'password-changed': {
    email: 'ann@example.com',
    changedAt: '2026-05-06T07:08:09.000Z',
    recoveryPageUrl: 'https://switchboard.test/auth/recovery',
  },
  'support-link': { email: 'ann@example.com', technicianName: 'Tom <Tech>', url: 'https://switchboard.test/s/Zm9vYmFyYmF6cXV4cXV1eA', ticket: 'T-42' },
};

function render<N extends keyof MailTemplateParams>(name: N, language: string | undefined, params?: Partial<MailTemplateParams[N]>) {
  return renderMail(name, language, { ...SAMPLES[name], ...params });
}

function placeholdersIn(translation: MailTranslation): string[] {
  const texts = [translation.subject];
  for (const block of translation.blocks) {
    if (block.kind === 'link') texts.push(block.label, block.href);
    else texts.push(block.text);
  }
  return [...new Set(texts.flatMap(placeholdersOf))].sort();
}

describe('mail templates', () => {
  describe.each(MAIL_TEMPLATE_NAMES)('%s', (name) => {
    const template = MAIL_TEMPLATES[name];
    const english = template.translations.en;

    it('exists in every language', () => {
      expect(Object.keys(template.translations).sort()).toEqual([...MAIL_LANGUAGES].sort());
      expect(template.name).toBe(name);
    });

    it.each(MAIL_LANGUAGES.filter((language) => language !== 'en'))(
      'in %s: same placeholders, same blocks and links as English, and really translated',
      (language) => {
        const translation = template.translations[language];
        expect(placeholdersIn(translation)).toEqual(placeholdersIn(english));
        expect(translation.blocks.map((block) => block.kind)).toEqual(english.blocks.map((block) => block.kind));
        translation.blocks.forEach((block, index) => {
          const original = english.blocks[index];
          if (block.kind === 'link' && original.kind === 'link') {
            expect(block.href).toBe(original.href);
            expect(block.label).not.toBe(original.label);
          } else if (block.kind === 'paragraph' && original.kind === 'paragraph') {
            expect(placeholdersOf(block.text).sort()).toEqual(placeholdersOf(original.text).sort());
            expect(block.text).not.toBe(original.text);
          }
        });
        expect(translation.subject).not.toBe(english.subject);
      },
    );

    it.each([...MAIL_LANGUAGES])('renders in %s with every placeholder filled', (language) => {
      const mail = render(name, language);
      expect(mail.language).toBe(language);
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(/\{\{|\}\}/);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.text).toContain(MAIL_CHROME[language].footer);
      expect(mail.html).toContain(`<html lang="${language}">`);
      expect(mail.text).toContain('ann@example.com');
    });

    it('provides a value for every placeholder its English text uses', () => {
      const values = template.values(SAMPLES[name] as never, 'en');
      expect(Object.keys(values).sort()).toEqual(placeholdersIn(english));
    });
  });

  it('the words around each mail exist in every language and are translated', () => {
    expect(Object.keys(MAIL_CHROME).sort()).toEqual([...MAIL_LANGUAGES].sort());
    for (const language of MAIL_LANGUAGES.filter((l) => l !== 'en')) {
      expect(MAIL_CHROME[language].footer).not.toBe(MAIL_CHROME.en.footer);
      expect(MAIL_CHROME[language].linkFallback).not.toBe(MAIL_CHROME.en.linkFallback);
    }
  });
});

describe('renderMail', () => {
  it.each([
    ['fr', 'fr'],
    ['fr-CA', 'fr'],
    ['DE_at', 'de'],
    [' it ', 'it'],
    ['es-419', 'es'],
    ['pt-BR', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    [null, 'en'],
  ])('chooses %j as %s', (asked, expected) => {
    expect(resolveMailLanguage(asked)).toBe(expected);
    expect(render('password-recovery', asked ?? undefined).language).toBe(expected);
  });

  it('falls back to the English text for a language it does not offer', () => {
    expect(render('password-recovery', 'pt').subject).toBe('Reset your Switchboard password');
  });

  it('puts the generated password alone on its line in the text, as is', () => {
    const { text } = render('registration-password', 'en');
    expect(text.split('\n')).toContain(SAMPLES['registration-password'].password);
    expect(text.split('\n')).toContain('https://switchboard.test/sign-in');
  });

  it('escapes every parameter in the HTML', () => {
    const password = SAMPLES['registration-password'].password;
    const { html } = render('registration-password', 'fr', { email: 'o\'brien&<b>@example.com' });
    expect(html).toContain(escapeHtml(password));
    expect(html).not.toContain(password);
    expect(html).toContain('o&#39;brien&amp;&lt;b&gt;@example.com');
    expect(html).not.toContain('<b>');
    expect(html).toContain('Si vous n’avez pas demandé ce compte');
  });

  it('escapes a link in href and text of the HTML, and keeps it raw in the text part', () => {
    const { html, text } = render('password-recovery', 'de');
    expect(html).toContain(`href="${RECOVERY_URL.replace(/&/g, '&amp;')}"`);
    expect(html).not.toContain(RECOVERY_URL);
    expect(text.split('\n')).toContain(RECOVERY_URL);
  });

  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it.each(['javascript:alert(1)', 'ftp://switchboard.test/x', '/relative/path', 'https://ok.test/\nBcc'])(
    'refuses the link %j',
    (recoveryUrl) => {
      expect(() => render('password-recovery', 'en', { recoveryUrl })).toThrow(/must be an http\(s\) URL/);
    },
  );

  it('states the recovery link expiry in the reader’s words', () => {
    // Intl may join number and unit with a no-break space, as typography wants.
    expect(render('password-recovery', 'en').text).toMatch(/expires in 1\shour\./);
    expect(render('password-recovery', 'fr').text).toMatch(/expire dans 1\sheure\./);
    expect(render('password-recovery', 'de').text).toMatch(/läuft in 1\sStunde ab\./);
    expect(render('password-recovery', 'es').text).toMatch(/caduca en 1\shora\./);
    expect(render('password-recovery', 'it').text).toMatch(/scade tra 1\sora\./);
    expect(render('password-recovery', 'en', { expiresInMinutes: 90 }).text).toMatch(/expires in 90\sminutes\./);
    expect(() => render('password-recovery', 'en', { expiresInMinutes: 0 })).toThrow(RangeError);
  });

  it('shows the change time in the reader’s time zone and clock', () => {
    expect(render('password-changed', 'de', { timeZone: 'Europe/Berlin' }).text).toContain('am 6. Mai 2026 um 09:08 MESZ geändert');
    expect(render('password-changed', 'en', { timeZone: 'America/New_York', hour12: true }).text).toMatch(
      /on May 6, 2026 at 03:08\sAM EDT\./,
    );
    expect(render('password-changed', 'fr', { hour12: false }).text).toContain('le 6 mai 2026 à 07:08 UTC.');
    expect(render('password-changed', 'it', { timeZone: 'Not/AZone' }).text).toContain('6 maggio 2026 alle ore 07:08 UTC');
  });
});

describe('a rendered mail through the outbox', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-mail-template-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reads back with its Unicode subject, its password and its link intact', async () => {
    const outbox = new OutboxMailer({
      dataDir,
      from: 'Switchboard <no-reply@switchboard.test>',
      clock: { now: () => '2026-05-06T07:08:09.000Z' },
      log: () => undefined,
    });
    const registration = render('registration-password', 'de');
    await outbox.send({ to: 'ann@example.com', ...registration });
    const recovery = render('password-recovery', 'fr');
    await outbox.send({ to: 'ann@example.com', ...recovery });

    const newest = await outbox.latest('ann@example.com');
    expect(newest?.subject).toBe('Réinitialisez votre mot de passe Switchboard');
    expect(newest?.text).toBe(recovery.text);
    expect(newest?.html).toBe(recovery.html);
    expect(newest?.text.split('\n')).toContain(RECOVERY_URL);

    const first = await outbox.read((await outbox.list())[1].file);
    expect(first.subject).toBe('Ihr Switchboard-Konto ist bereit');
    expect(first.text.split('\n')).toContain(SAMPLES['registration-password'].password);
  });
});
