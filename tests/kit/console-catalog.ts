import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where `npm run build:ui` puts the console that the server serves. */
export const UI_DIST = path.join(REPO_ROOT, 'ui-angular', 'dist', 'browser');

const I18N_DIR = path.join(REPO_ROOT, 'ui-angular', 'src', 'assets', 'i18n');

export type Catalog = { [key: string]: string | Catalog };

/** The translation catalog the console ships for a language. */
export const catalog = (language: string): Catalog =>
  JSON.parse(readFileSync(path.join(I18N_DIR, `${language}.json`), 'utf8')) as Catalog;

/** The text a key has in a language, read from the catalog the console ships, so a wording change does not break a test. */
export function t(language: Catalog, key: string): string {
  const value = key.split('.').reduce<string | Catalog | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), language);
  if (typeof value !== 'string') throw new Error(`no translation for ${key}`);
  return value;
}
