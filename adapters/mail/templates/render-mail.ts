import { MAIL_CHROME, type MailBlock, type MailLanguage, type MailTemplate, resolveMailLanguage } from './mail-template';
import { passwordChangedTemplate, type PasswordChangedParams } from './password-changed.template';
import { passwordRecoveryTemplate, type PasswordRecoveryParams } from './password-recovery.template';
import { registrationPasswordTemplate, type RegistrationPasswordParams } from './registration-password.template';
import { supportLinkTemplate, type SupportLinkParams } from './support-link.template';

/** Every mail the platform sends, by name, with the parameters it needs. */
export interface MailTemplateParams {
  'registration-password': RegistrationPasswordParams;
  'password-recovery': PasswordRecoveryParams;
  'password-changed': PasswordChangedParams;
  'support-link': SupportLinkParams;
}
export type MailTemplateName = keyof MailTemplateParams;

export const MAIL_TEMPLATES: { readonly [N in MailTemplateName]: MailTemplate<MailTemplateParams[N]> } = {
  'registration-password': registrationPasswordTemplate,
  'password-recovery': passwordRecoveryTemplate,
  'password-changed': passwordChangedTemplate,
  'support-link': supportLinkTemplate,
};

export const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_TEMPLATES) as MailTemplateName[];

/** A mail ready for `Mailer.send` (add the recipient). */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The language actually used, after the English fallback. */
  readonly language: MailLanguage;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** The placeholder names a text uses, in order of appearance. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Renders a template in the user's language (English when the language is missing or not offered)
 * as a subject, a plain-text body and a simple HTML body. Every parameter is escaped in the HTML;
 * a link parameter must be an http(s) URL.
 */
export function renderMail<N extends MailTemplateName>(
  template: N,
  language: string | null | undefined,
  params: MailTemplateParams[N],
): RenderedMail {
  const definition = MAIL_TEMPLATES[template] as MailTemplate<MailTemplateParams[N]>;
  const lang = resolveMailLanguage(language);
  const translation = definition.translations[lang];
  const values = definition.values(params, lang);
  const chrome = MAIL_CHROME[lang];
  const plain = (text: string) => fill(template, text, values, (part) => part);
  const html = (text: string) => fill(template, text, values, escapeHtml);

  for (const block of translation.blocks) {
    if (block.kind === 'link') assertHttpUrl(template, plain(block.href));
  }
  const subject = plain(translation.subject);
  const textBlocks = translation.blocks.map((block) => renderTextBlock(block, plain));
  const htmlBlocks = translation.blocks.map((block) => renderHtmlBlock(block, html, chrome.linkFallback));

  return {
    language: lang,
    subject,
    text: [chrome.greeting, ...textBlocks, `-- \n${chrome.footer}`].join('\n\n') + '\n',
    html: [
      '<!DOCTYPE html>',
      `<html lang="${lang}">`,
      `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>`,
      '<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;">',
      '<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:6px;">',
      `<p style="margin:0 0 16px;">${escapeHtml(chrome.greeting)}</p>`,
      ...htmlBlocks,
      `<p style="margin:24px 0 0;font-size:12px;color:#6e7781;">${escapeHtml(chrome.footer)}</p>`,
      '</div>',
      '</body>',
      '</html>',
      '',
    ].join('\n'),
  };
}

function renderTextBlock(block: MailBlock, plain: (text: string) => string): string {
  switch (block.kind) {
    case 'paragraph':
    case 'code':
      return plain(block.text);
    case 'link':
      // The URL alone on its line, so that every client makes it clickable and nothing wraps into it.
      return `${plain(block.label)}\n${plain(block.href)}`;
    default:
      return assertNever(block);
  }
}

function renderHtmlBlock(block: MailBlock, html: (text: string) => string, linkFallback: string): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;">${html(block.text)}</p>`;
    case 'code':
      return `<p style="margin:0 0 16px;padding:12px 16px;background:#f0f2f5;border-radius:4px;font-family:Consolas,Menlo,monospace;font-size:18px;letter-spacing:1px;">${html(block.text)}</p>`;
    case 'link': {
      const href = html(block.href);
      return [
        `<p style="margin:24px 0;"><a href="${href}" style="display:inline-block;padding:10px 20px;background:#0b5cd5;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;">${html(block.label)}</a></p>`,
        `<p style="margin:0 0 16px;font-size:13px;color:#57606a;">${escapeHtml(linkFallback)}<br><span style="word-break:break-all;">${href}</span></p>`,
      ].join('\n');
    }
    default:
      return assertNever(block);
  }
}

/** Replaces every `{{name}}`; literal text and values both go through `encode`. */
function fill(template: string, text: string, values: Readonly<Record<string, string>>, encode: (part: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const value = values[match[1]];
    if (typeof value !== 'string') throw new Error(`Mail template ${template}: no value for {{${match[1]}}}`);
    out += encode(text.slice(last, match.index)) + encode(value);
    last = (match.index ?? 0) + match[0].length;
  }
  return out + encode(text.slice(last));
}

function assertHttpUrl(template: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || /\s/.test(value) || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new Error(`Mail template ${template}: a link must be an http(s) URL`);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected mail block ${JSON.stringify(value)}`);
}
