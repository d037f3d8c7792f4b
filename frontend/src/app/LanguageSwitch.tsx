import { LANGS, useI18n, type Lang } from '../i18n';

export function LanguageSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <label className="lang-switch">
      {t('lang.label')}
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
