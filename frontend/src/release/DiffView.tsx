// Comparing this release with another release of the same project: records added, removed and
// changed, by record key.
import { useState, type FormEvent } from 'react';
import { rows } from '../api/endpoints';
import { ErrorBox } from '../app/errors';
import { useAsync } from '../app/useAsync';
import { useI18n, type MessageKey } from '../i18n';
import { releases, type Release, type ReleaseDiff } from './api';
import { summarizeDiff } from './format';

const KINDS = ['added', 'removed', 'changed'] as const;

export function DiffView({ release }: { release: Release }) {
  const { t } = useI18n();
  const list = useAsync(() => releases.list(release.project), [release.project]);
  const others = (list.data ? rows(list.data) : []).filter((r: Release) => r.id !== release.id && r.state === 'ready');
  const [against, setAgainst] = useState<string>('');
  const [diff, setDiff] = useState<ReleaseDiff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const chosen = against || (others[0] ? String(others[0].id) : '');
  const otherVersion = others.find((r) => String(r.id) === chosen)?.version;

  const compare = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      setDiff(await releases.diff(release.id, Number(chosen)));
    } catch (err) {
      setDiff(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const s = diff ? summarizeDiff(diff) : null;
  return (
    <section aria-labelledby="diff-heading">
      <h2 id="diff-heading">{t('release.diff.title')}</h2>
      <ErrorBox error={list.error} />
      {list.data && others.length === 0 && <p className="muted">{t('release.diff.noOther')}</p>}
      {others.length > 0 && (
        <form onSubmit={compare} className="row">
          <label>
            {t('release.diff.against')}
            <select value={chosen} onChange={(e) => { setAgainst(e.target.value); setDiff(null); }}>
              {others.map((r) => (
                <option key={r.id} value={r.id}>
                  {t('release.versionLabel', { version: r.version })}{r.name ? ` · ${r.name}` : ''}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy}>{t('release.diff.compare')}</button>
        </form>
      )}
      <ErrorBox error={error} />
      {s && (
        <div role="region" aria-label={t('release.diff.result')}>
          <p role="status">
            {s.identical
              ? t('release.diff.identical', { version: otherVersion ?? '?' })
              : t('release.diff.summary', { added: s.added, removed: s.removed, changed: s.changed, version: otherVersion ?? '?' })}
          </p>
          {KINDS.map((k) =>
            s.samples[k].length > 0 ? (
              <details key={k}>
                <summary>{t(`release.diff.${k}` as MessageKey, { n: s[k] })}</summary>
                <ul>
                  {s.samples[k].map((key) => (
                    <li key={key}><code>{key}</code></li>
                  ))}
                </ul>
                {s.hidden[k] > 0 && <p className="muted">{t('release.diff.more', { n: s.hidden[k] })}</p>}
              </details>
            ) : null,
          )}
        </div>
      )}
    </section>
  );
}
