// The flywheel setting: retrain after every N newly accepted tasks (Project.prelabel.retrain_every).
import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../app/errors';
import { useI18n } from '../i18n';
import { prelabel, type PrelabelSettings } from './api';
import { MAX_RETRAIN_EVERY, parseRetrainEvery } from './versions';

export function FlywheelForm({ projectId, settings }: { projectId: number; settings: PrelabelSettings }) {
  const { t } = useI18n();
  const [text, setText] = useState(settings.retrain_every ? String(settings.retrain_every) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setError(null);
    const parsed = parseRetrainEvery(text);
    if ('error' in parsed) {
      setProblem(parsed.error === 'whole' ? t('prelabel.flywheel.whole') : t('prelabel.flywheel.range', { max: MAX_RETRAIN_EVERY }));
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      await prelabel.saveSettings(projectId, { ...settings, retrain_every: parsed.value });
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="card" aria-labelledby="flywheel-heading">
      <h2 id="flywheel-heading">{t('prelabel.flywheel.heading')}</h2>
      <label>
        {t('prelabel.flywheel.every')}
        <input value={text} onChange={(e) => setText(e.target.value)} inputMode="numeric" placeholder="50" />
      </label>
      <p className="hint">{t('prelabel.flywheel.help')}</p>
      {problem && <p className="error" role="alert">{problem}</p>}
      <ErrorBox error={error} />
      <button type="submit" disabled={busy}>
        {t('prelabel.flywheel.save')}
      </button>
      {saved && <span className="ok" role="status"> {t('prelabel.flywheel.saved')}</span>}
    </form>
  );
}
