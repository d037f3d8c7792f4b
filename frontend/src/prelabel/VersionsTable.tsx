// The project's model versions with what each is worth: acceptance rate, accuracy, held-out metrics.
import type { ModelVersion } from './api';
import { useI18n } from '../i18n';
import { heldOutText, rateWithBase, sortVersions } from './versions';

export function VersionsTable({ versions }: { versions: readonly ModelVersion[] }) {
  const { t } = useI18n();
  if (versions.length === 0) return <p>{t('prelabel.versions.empty')}</p>;
  return (
    <table className="table" aria-label={t('prelabel.versions.heading')}>
      <thead>
        <tr>
          <th scope="col">{t('prelabel.versions.version')}</th>
          <th scope="col">{t('prelabel.versions.kind')}</th>
          <th scope="col">{t('prelabel.versions.active')}</th>
          <th scope="col">{t('prelabel.versions.acceptance')}</th>
          <th scope="col">{t('prelabel.versions.accuracy')}</th>
          <th scope="col">{t('prelabel.versions.heldout')}</th>
          <th scope="col">{t('prelabel.versions.labels')}</th>
        </tr>
      </thead>
      <tbody>
        {sortVersions(versions).map((v) => (
          <tr key={v.id} data-version={v.version}>
            <th scope="row">
              <code>{v.version}</code>
            </th>
            <td>{v.kind}</td>
            <td>{v.is_active ? t('prelabel.versions.activeYes') : ''}</td>
            <td data-col="acceptance">{rateWithBase(v.acceptance_rate, v.suggestions_used)}</td>
            <td data-col="accuracy">{rateWithBase(v.accuracy, v.labels_compared)}</td>
            <td>{heldOutText(v.metrics)}</td>
            <td>{v.labels.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
