// Download links for every format that applies to the release's schema. Plain links: the session
// cookie authenticates them and the server streams the file. Managers may ask for unmasked data,
// which the server records in the audit log.
import { useState } from 'react';
import { useI18n } from '../i18n';
import { exportUrl, type Release } from './api';

export function Downloads({ release, manager }: { release: Release; manager: boolean }) {
  const { t } = useI18n();
  const [unmasked, setUnmasked] = useState(false);
  const ready = release.state === 'ready';
  return (
    <section aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">{t('release.downloads.title')}</h2>
      {!ready && <p className="muted">{t('release.downloads.notReady')}</p>}
      {ready && manager && (
        <>
          <label className="block">
            <input type="checkbox" checked={unmasked} onChange={(e) => setUnmasked(e.target.checked)} /> {t('release.downloads.unmasked')}
          </label>
          {unmasked && (
            <p className="warning" role="note">
              {t('release.downloads.unmaskedWarning')}
            </p>
          )}
        </>
      )}
      {ready && release.formats.length === 0 && <p>{t('release.downloads.none')}</p>}
      {ready && release.formats.length > 0 && (
        <table className="table">
          <tbody>
            {release.formats.map((f) => (
              <tr key={f.name}>
                <td>
                  <a
                    className="button"
                    href={exportUrl(release.id, f.name, unmasked)}
                    download
                    aria-label={t(unmasked ? 'release.downloads.linkUnmasked' : 'release.downloads.link', { format: f.name })}
                  >
                    {t('release.downloads.button', { format: f.name })}
                  </a>
                </td>
                <td className="muted">{f.description}</td>
                <td><code>.{f.extension}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
