import de from '../../assets/i18n/de.json';
import en from '../../assets/i18n/en.json';
import es from '../../assets/i18n/es.json';
import fr from '../../assets/i18n/fr.json';
import itCatalog from '../../assets/i18n/it.json';
import { EXPLAINED_CODES } from '../shared/problem-message';
import { VIEWER_ERROR_CODES } from '../sessions/viewer/viewer-errors';
import { LANGUAGES, LanguageCode } from './languages';

const CATALOGS: Record<LanguageCode, object> = { en, fr, de, es, it: itCatalog };

function leaves(tree: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of leaves(value, path)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

describe('translation catalogs', () => {
  const english = leaves(en);

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has exactly the English keys, each a non-empty text', (lang) => {
    const catalog = leaves(CATALOGS[lang]);
    expect([...catalog.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, value] of catalog) {
      expect({ key, ok: typeof value === 'string' && value.trim().length > 0 }).toEqual({ key, ok: true });
    }
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s is a translation, not a copy of English', (lang) => {
    const catalog = leaves(CATALOGS[lang]);
    const same = [...english].filter(([key, text]) => catalog.get(key) === text).length;
    // Product name, "Version", "Tickets" and the like are legitimately identical; most texts are not.
    expect(same / english.size).toBeLessThan(0.25);
  });

  it('explains every server code the console says it explains', () => {
    const missing = [
      ...EXPLAINED_CODES.map((code) => `errors.${code}`),
      ...VIEWER_ERROR_CODES.map((code) => `sessions.viewer.errors.${code}`),
    ].filter((key) => typeof english.get(key) !== 'string');
    expect(missing).toEqual([]);
  });
});
