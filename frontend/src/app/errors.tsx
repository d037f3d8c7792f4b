// Turning any thrown error into text the user can read, in their language.
import { ApiError, NetworkError } from '../api/client';
import { useI18n, type I18n } from '../i18n';

export function errorText(e: unknown, t: I18n['t']): string {
  if (e instanceof NetworkError) return t('error.network');
  if (e instanceof ApiError) {
    // The server translated its messages already (Accept-Language).
    const msgs = e.messages;
    if (msgs.length > 0) return msgs.join('\n');
    if (e.status === 403) return t('error.forbidden');
    if (e.status === 404) return t('error.notFound');
    if (e.status >= 500) return t('error.server', { status: e.status });
  }
  return t('error.generic');
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error === null || error === undefined) return null;
  return (
    <div role="alert" className="error">
      {errorText(error, t)
        .split('\n')
        .map((line, i) => (
          <div key={i}>{line}</div>
        ))}
    </div>
  );
}
