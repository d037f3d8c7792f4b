// One exam attempt. While in progress: the items one by one in the workspace
// editor (no answers shown), progress, save, finish. Once finished: score,
// pass/fail, the level granted, and each wrong item with the expected answer.
import { useMemo, useRef, useState } from 'react';
import { projects } from '../api/endpoints';
import { ErrorBox } from '../app/errors';
import { Link } from '../app/router';
import { useAsync } from '../app/useAsync';
import { parseSchema, serializeResult, type Result, type Schema } from '../core/schema';
import { useI18n } from '../i18n';
import { TaskEditor } from '../workspace/TaskEditor';
import { attempts, exams, type Attempt, type AttemptItem, type Exam } from './api';
import { editorItem } from './editorItem';
import { examProgress, isFinished, nextOpen, percent, sortedItems, wrongItems } from './exam';
import { levelText } from './labels';
import { ResultText } from './ValueText';
import './review.css';

interface Loaded {
  attempt: Attempt;
  exam: Exam;
  schema: Schema;
  instructions: string;
}

async function loadAttempt(id: number): Promise<Loaded> {
  const attempt = await attempts.get(id);
  const exam = await exams.get(attempt.exam);
  const project = await projects.get(exam.project);
  return { attempt, exam, schema: parseSchema(project.schema), instructions: project.instructions };
}

function Taking({ loaded, onChange }: { loaded: Loaded; onChange: (a: Attempt) => void }) {
  const { t } = useI18n();
  const { attempt, schema, instructions } = loaded;
  const items = useMemo(() => sortedItems(attempt.items), [attempt.items]);
  const progress = examProgress(items);
  const [index, setIndex] = useState(progress.firstOpen ?? 0);
  const current = items[index];
  const othersOpen = items.some((it, i) => i !== index && !it.answered);
  // the editor keeps its own state; a new item object only when the item itself changes
  const task = current?.task;
  const given = current?.given ?? null;
  const editorTask = useMemo(() => (task ? editorItem(task, given) : null), [task?.id, attempt.id]); // eslint-disable-line react-hooks/exhaustive-deps
  const edited = useRef<Result>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const save = async () => {
    if (!current) return;
    setBusy(true);
    setError(null);
    try {
      const a = await attempts.answer(attempt.id, current.task.id, serializeResult(schema, edited.current));
      const sorted = sortedItems(a.items);
      setNotice(t('attempt.saved', { n: index + 1 }));
      onChange(a);
      const next = nextOpen(sorted, index);
      if (next !== null) setIndex(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const finish = async () => {
    setBusy(true);
    setError(null);
    try {
      onChange(await attempts.finish(attempt.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p aria-live="polite">
        <strong>{t('attempt.progress', { answered: progress.answered, total: progress.total })}</strong>
      </p>
      <progress value={progress.answered} max={Math.max(progress.total, 1)} aria-label={t('attempt.progress', { answered: progress.answered, total: progress.total })} />
      <nav className="exam-nav" aria-label={t('attempt.items')}>
        {items.map((it, i) => (
          <button
            key={it.task.id}
            type="button"
            className={it.answered ? 'answered' : undefined}
            aria-current={i === index ? 'step' : undefined}
            aria-label={it.answered ? t('attempt.itemAnswered', { n: i + 1 }) : t('attempt.item', { n: i + 1 })}
            onClick={() => {
              setNotice(null);
              setIndex(i);
            }}
          >
            {i + 1}
          </button>
        ))}
      </nav>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={error} />
      {current && editorTask && (
        <TaskEditor
          key={`${attempt.id}:${current.task.id}`}
          schema={schema}
          instructions={instructions}
          item={editorTask}
          preview
          header={<strong>{t('attempt.item', { n: index + 1 })}</strong>}
          onResultChange={(r) => {
            edited.current = r;
          }}
        />
      )}
      <div className="actions" style={{ marginTop: '0.8em' }}>
        <button type="button" className="primary" onClick={() => void save()} disabled={busy || !current}>
          {othersOpen ? t('attempt.saveNext') : t('attempt.save')}
        </button>
        <button type="button" onClick={() => void finish()} disabled={busy || !progress.complete}>
          {t('attempt.finish')}
        </button>
      </div>
      {!progress.complete && <p className="hint">{t('attempt.finishHint')}</p>}
    </>
  );
}

/** One item graded wrong: the task's text, the given and the expected answer on the graded labels. */
function WrongItem({ item, n, schema }: { item: AttemptItem; n: number; schema: Schema }) {
  const { t } = useI18n();
  // only the labels the gold answer fills in are graded, so only those are compared
  const graded = schema.labels.filter((d) => item.expected?.[d.name] !== undefined && item.expected?.[d.name] !== null);
  return (
    <div className="panel">
      <h4>
        {t('attempt.item', { n })} · {t('attempt.itemScore')}: {percent(item.score)}
      </h4>
      <div className="text-block">
        {Object.entries(item.task.data)
          .filter(([, v]) => typeof v === 'string')
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\n')}
      </div>
      <div className="two-col">
        <section aria-label={t('attempt.given')}>
          <h5>{t('attempt.given')}</h5>
          <ResultText labels={graded} result={item.given} data={item.task.data} />
        </section>
        <section aria-label={t('attempt.expected')}>
          <h5>{t('attempt.expected')}</h5>
          <ResultText labels={graded} result={item.expected} data={item.task.data} />
        </section>
      </div>
      {item.label_scores && <p className="muted">{graded.map((d) => t('attempt.labelScore', { label: d.name, score: percent(item.label_scores?.[d.name]) })).join(' · ')}</p>}
    </div>
  );
}

function Graded({ loaded }: { loaded: Loaded }) {
  const { t } = useI18n();
  const { attempt, exam, schema } = loaded;
  const passed = attempt.status === 'passed';
  const wrong = wrongItems(attempt);
  const positions = new Map(sortedItems(attempt.items).map((it, i) => [it.task.id, i + 1]));
  return (
    <>
      <h2>{t('attempt.finished')}</h2>
      <p className={passed ? 'pass' : 'fail'} role="status">
        <strong>{passed ? t('attempt.passed') : t('attempt.failed')}</strong> · {t('attempt.score', { score: percent(attempt.score), threshold: percent(exam.pass_threshold) })}
      </p>
      {attempt.certification && <p className="notice">{t('attempt.granted', { level: levelText(t, attempt.certification.level), domain: attempt.certification.domain })}</p>}
      {wrong.length === 0 ? (
        <p>{t('attempt.allCorrect')}</p>
      ) : (
        <section aria-label={t('attempt.wrongTitle')}>
          <h3>{t('attempt.wrongTitle')}</h3>
          {wrong.map((it) => (
            <WrongItem key={it.task.id} item={it} n={positions.get(it.task.id) ?? it.position} schema={schema} />
          ))}
        </section>
      )}
      <p className="actions">
        <Link to="/exams">{t('attempt.backToExams')}</Link>
        <Link to="/certifications">{t('attempt.seeCertifications')}</Link>
      </p>
    </>
  );
}

export function ExamAttemptPage({ attemptId }: { attemptId: number }) {
  const { t } = useI18n();
  const loaded = useAsync(() => loadAttempt(attemptId), [attemptId]);
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  if (loaded.loading && !loaded.data) return <p>{t('common.loading')}</p>;
  if (!loaded.data) return <ErrorBox error={loaded.error} />;
  const current: Loaded = { ...loaded.data, attempt: attempt ?? loaded.data.attempt };
  return (
    <>
      <h1>{t('attempt.title', { name: current.exam.name, id: current.attempt.id })}</h1>
      {isFinished(current.attempt) ? <Graded loaded={current} /> : <Taking loaded={current} onChange={setAttempt} />}
    </>
  );
}
