// Exams open to the caller: what each grants, attempts left, when the next
// attempt is allowed, past scores; start (or continue) an attempt.
import { useState } from 'react';
import { rows } from '../api/endpoints';
import { ErrorBox } from '../app/errors';
import { Link, navigate } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useI18n } from '../i18n';
import { exams, type Exam } from './api';
import { attemptsLeft, openAttempt, percent } from './exam';
import { formatTime, levelText } from './labels';
import './review.css';

function ExamCard({ exam, onError }: { exam: Exam; onError: (e: unknown) => void }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const resume = openAttempt(exam);
  const start = async () => {
    setBusy(true);
    try {
      const a = await exams.start(exam.id);
      navigate(`/exams/attempts/${a.id}`);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="card" aria-label={exam.name}>
      <h2>{exam.name}</h2>
      <dl className="result-text">
        <dt>{t('review.queue.project')}</dt>
        <dd>{exam.project_name}</dd>
        <dt>{t('exams.domain')}</dt>
        <dd>{exam.domain}</dd>
        <dt>{t('exams.grants')}</dt>
        <dd>{levelText(t, exam.level_granted)}</dd>
        <dt>{t('exams.threshold')}</dt>
        <dd>{percent(exam.pass_threshold)}</dd>
        <dt>{t('exams.items')}</dt>
        <dd>{exam.item_count}</dd>
        <dt>{t('exams.attemptsLeft')}</dt>
        <dd>{t('exams.attemptsLeftOf', { left: attemptsLeft(exam), max: exam.max_attempts })}</dd>
      </dl>
      {exam.next_attempt_at && <p className="muted">{t('exams.nextAttempt', { time: formatTime(exam.next_attempt_at, lang) })}</p>}
      {exam.my_attempts.length > 0 && (
        <>
          <h3>{t('exams.history')}</h3>
          <ul>
            {exam.my_attempts.map((a) => (
              <li key={a.id}>
                <Link to={`/exams/attempts/${a.id}`}>{t('exams.attemptLine', { status: t(`exams.status.${a.status}`), score: percent(a.score) })}</Link>
                {a.finished_at && <span className="muted"> · {formatTime(a.finished_at, lang)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {resume !== null ? (
        <button type="button" className="primary" onClick={() => navigate(`/exams/attempts/${resume}`)}>
          {t('exams.continue', { name: exam.name })}
        </button>
      ) : exam.can_start ? (
        <button type="button" className="primary" onClick={() => void start()} disabled={busy}>
          {t('exams.start', { name: exam.name })}
        </button>
      ) : (
        <p className="muted">{exam.blocked_reason || t('exams.cannotStart')}</p>
      )}
    </li>
  );
}

export function ExamsPage() {
  const { t } = useI18n();
  const list = useAsync(() => exams.list(), []);
  const [error, setError] = useState<unknown>(null);
  const items = list.data ? rows(list.data) : [];
  return (
    <>
      <h1>{t('exams.title')}</h1>
      <p className="muted">{t('exams.intro')}</p>
      <ErrorBox error={list.error ?? error} />
      {list.loading && <p>{t('common.loading')}</p>}
      {!list.loading && !list.error && items.length === 0 && <p>{t('exams.empty')}</p>}
      <ul className="cards">
        {items.map((e) => (
          <ExamCard key={e.id} exam={e} onError={setError} />
        ))}
      </ul>
    </>
  );
}
