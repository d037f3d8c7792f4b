import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { useAuth } from './auth';
import { LanguageSwitch } from './LanguageSwitch';
import { Link } from './router';
import { ReviewNav } from '../review/ReviewNav';

export function Layout({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  const { t } = useI18n();
  const { me, logout } = useAuth();
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')}>
          <Link to="/">{t('nav.projects')}</Link>
          <ReviewNav />
        </nav>
        <span className="spacer" />
        <LanguageSwitch />
        {me && <span className="who">{t('nav.signedInAs', { name: me.username })}</span>}
        <button type="button" onClick={() => void logout()}>
          {t('nav.logout')}
        </button>
      </header>
      <main className={wide ? 'page wide' : 'page'}>{children}</main>
    </>
  );
}
