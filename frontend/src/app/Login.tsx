import { useState, type FormEvent } from 'react';
import { auth } from '../api/endpoints';
import { useI18n } from '../i18n';
import { useAuth } from './auth';
import { ErrorBox } from './errors';
import { LanguageSwitch } from './LanguageSwitch';

export function Login() {
  const { t } = useI18n();
  const { setMe } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await auth.csrf();
      const { user } = await auth.login(username, password);
      await auth.csrf(); // the session rotated the token
      setMe(user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <div className="login-card">
        <h1>
          {t('app.name')} <small>{t('app.tagline')}</small>
        </h1>
        <LanguageSwitch />
        <h2>{t('login.title')}</h2>
        <form onSubmit={submit}>
          <label>
            {t('login.username')}
            <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
          </label>
          <label>
            {t('login.password')}
            <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          <ErrorBox error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('login.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
