// One catalogue, two languages. The default follows the browser; the choice is
// remembered and sent to the server as Accept-Language.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../api/client';
import { en, type MessageKey } from './en';
import { zhHans } from './zh-hans';

export type { MessageKey } from './en';
import { detectLanguage, format, type Lang } from './detect';

export type { Lang } from './detect';
export { detectLanguage } from './detect';
export const LANGS: readonly Lang[] = ['en', 'zh-hans'];

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, 'zh-hans': zhHans };
const STORAGE_KEY = 'zhibiao.lang';

export type Params = Record<string, string | number>;

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = catalogues[lang][key] ?? en[key] ?? key;
  return format(template, params);
}

function initialLanguage(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh-hans') return stored;
  } catch {
    /* storage unavailable */
  }
  const langs = navigator.languages && navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return detectLanguage(langs);
}

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, params?: Params) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLanguage);
  setApiLanguage(lang);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh-hans' ? 'zh-Hans' : 'en';
    document.title = `${translate(lang, 'app.name')} · ${translate(lang, 'app.tagline')}`;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* ignore */
    }
    setApiLanguage(l);
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (key, params) => translate(lang, key, params) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
