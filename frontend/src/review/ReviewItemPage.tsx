// The review workspace for one leased item: the annotators' results side by
// side with their differences, the consistency report, predictions, the
// step-by-step CoT review, and the decision (accept / reject with a reason /
// fix in the workspace editor, pre-filled with the consensus or an annotation).
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorBox } from '../app/errors';
import { Link, navigate } from '../app/router';
import { useAsync } from '../app/useAsync';
import { parseSchema, serializeResult, type Result, type Schema } from '../core/schema';
import { useI18n, type MessageKey } from '../i18n';
import { shortcutText } from '../workspace/Overlays';
import { TaskEditor } from '../workspace/TaskEditor';
import { review, type Decision, type DecisionInput, type DecisionOutcome, type ReviewDetail } from './api';
import { ConsistencyPanel, consensusResult, PredictionsPanel } from './ConsistencyPanel';
import { cotDraftsFor, cotLabels, cotPayload, type CotDrafts } from './cot';
import { UnderReview } from './UnderReview';
import { CotReview } from './CotReview';
import { diffResults } from './diff';
import { editorItem } from './editorItem';
import { decisionText, formatTime, levelText, reasonText, statusText } from './labels';
import { buildReviewActions, type ReviewContext } from './reviewActions';
import { annotatorName, SideBySide } from './SideBySide';
import './review.css';

type Mode = 'view' | 'reject' | 'fix';
const LEASE_RENEW_MS = 120_000;
type FixSource = 'proposed' | number;

function TaskData({ detail, schema }: { detail: ReviewDetail; schema: Schema }) {
  const { t } = useI18n();
  const images = new Set(Object.entries(schema.data).filter(([, v]) => v === 'image').map(([k]) => k));
  const shown = Object.entries(detail.task.data).filter(([k]) => !images.has(k));
  return (
    <section className="panel" aria-label={t('review.item.data')}>
      <h2>{t('review.item.data')}</h2>
      {detail.task.media_url && <img src={detail.task.media_url} alt={t('review.item.image')} style={{ maxWidth: '100%' }} />}
      {shown.map(([k, v]) => (
        <div key={k}>
          <h4>{k}</h4>
          <div className="text-block">{typeof v === 'string' ? v : JSON.stringify(v)}</div>
        </div>
      ))}
    </section>
  );
}

function mediaOf(detail: ReviewDetail): { url: string; width: number; height: number } | null {
  const { media_url: url, media_width: width, media_height: height } = detail.task;
  return url && width && height ? { url, width, height } : null;
}

export function ReviewItemPage({ itemId }: { itemId: number }) {
  const { t, lang } = useI18n();
  const loaded = useAsync(() => review.item(itemId), [itemId]);
  const detail = loaded.data;
  const schema = useMemo<Schema | Error | null>(() => {
    if (!detail) return null;
    try {
      return parseSchema(detail.schema);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }, [detail]);
  const ok = schema instanceof Error ? null : schema;
  const annotations = detail?.annotations ?? [];
  // what this decision reviews: -1 the proposed result (earlier stage's or the consensus), else an annotation
  const [selected, setSelected] = useState(-1);
  const [mode, setMode] = useState<Mode>('view');
  const [reason, setReason] = useState('');
  const [fixSource, setFixSource] = useState<FixSource>('proposed');
  const fixResult = useRef<Result>({});
  const [cot, setCot] = useState<CotDrafts>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<DecisionOutcome | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const registry = useMemo(() => buildReviewActions(), []);

  const diffs = useMemo(() => (ok && detail ? diffResults(ok, annotations.map((a) => a.result), detail.task.data) : []), [ok, detail, annotations]);
  const proposed = useMemo(() => detail?.reviewed?.result ?? consensusResult(detail?.consistency ?? null), [detail]);
  const base = annotations[selected] ?? null;
  const underReview = base ? base.result : proposed;
  const reviewedName = base ? annotatorName(t, base, selected) : t('review.item.proposed');

  // verdicts belong to the reasoning under review: a new selection starts them afresh
  useEffect(() => {
    if (ok) setCot(cotDraftsFor(ok, underReview ?? null));
  }, [ok, underReview]);
  useEffect(() => {
    if (mode === 'reject') reasonRef.current?.focus();
  }, [mode]);

  const decide = async (decision: Decision) => {
    if (!detail || !ok || busy) return;
    setProblem(null);
    const input: DecisionInput = { item: detail.item.id, decision };
    const hasCot = Object.keys(cot).length > 0;
    const verdicts = hasCot ? cotPayload(cot, { rewrites: decision === 'accept' }) : null;
    if (verdicts && 'cot' in verdicts) input.cot = verdicts.cot;
    if (base) input.base_annotation = base.id;
    // accept and fix need every verdict; a rejection may go without
    if (decision !== 'reject' && verdicts && 'missing' in verdicts) {
      setProblem(t('review.cot.missing', { labels: verdicts.missing.join(', ') }));
      return;
    }
    if (decision === 'reject') {
      if (reason.trim() === '') {
        setProblem(t('review.reject.needReason'));
        return;
      }
      input.reason = reason.trim();
    } else if (decision === 'fix') {
      input.result = serializeResult(ok, fixResult.current);
    }
    setBusy(true);
    setError(null);
    try {
      setOutcome(await review.decide(input));
      setMode('view');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const reviewNext = async () => {
    setError(null);
    try {
      const next = await review.next();
      navigate(next ? `/review/items/${next.item.id}` : '/review');
    } catch (e) {
      setError(e);
    }
  };

  const ctx: ReviewContext = {
    canDecide: !!ok && !!detail && !busy && mode === 'view' && outcome === null,
    annotationCount: mode === 'view' && annotations.length > 0 ? annotations.length + 1 : 0,
    accept: () => void decide('accept'),
    reject: () => setMode('reject'),
    fix: () => setMode('fix'),
    // cycle through the proposed result (-1) and each annotation
    move: (d) => setSelected((i) => ((i + 1 + d + annotations.length + 1) % (annotations.length + 1)) - 1),
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.isComposing || e.defaultPrevented) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      // keys inside the fix editor or a text field belong to them
      if (el && (el.closest('.editor') || el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(el.type)))) return;
      if (registry.dispatch(e, ctxRef.current)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [registry]);

  const fixItem = useMemo(() => {
    if (!detail) return null;
    const start: Result | null = fixSource === 'proposed' ? (underReview ?? null) : (annotations[fixSource]?.result ?? null);
    return editorItem(detail.task, start);
  }, [detail, fixSource, underReview, annotations]);

  // keep the item held while the reviewer works on it (the queue's lease lapses otherwise)
  const [leaseUntil, setLeaseUntil] = useState<string | null>(null);
  const leased = detail?.lease_expires_at != null && outcome === null;
  useEffect(() => {
    if (!leased) return;
    const timer = window.setInterval(() => {
      review.renew(itemId).then(
        (r) => setLeaseUntil(r.lease_expires_at),
        (e: unknown) => setError(e),
      );
    }, LEASE_RENEW_MS);
    return () => window.clearInterval(timer);
  }, [leased, itemId]);

  if (loaded.loading && !detail) return <p>{t('common.loading')}</p>;
  if (!detail) return <ErrorBox error={loaded.error} />;
  const item = detail.item;

  return (
    <div className="review-item">
      <h1>{t('review.item.title', { id: detail.task.id })}</h1>
      <p className="muted">
        {t('review.item.meta', { project: item.project.name, stage: item.stage + 1, count: item.stage_count, level: levelText(t, item.min_level) })}
        {(item.round ?? 1) > 1 && <> · {t('review.item.round', { round: item.round ?? 1 })}</>}
        {detail.lease_expires_at && <> · {t('review.item.leaseUntil', { time: formatTime(leaseUntil ?? detail.lease_expires_at, lang) })}</>}
      </p>
      {item.reasons.length > 0 && <p>{item.reasons.map((r) => reasonText(t, r)).join('; ')}</p>}
      {schema instanceof Error && (
        <div role="alert" className="error">
          {schema.message}
        </div>
      )}

      <div className="decision-bar" role="toolbar" aria-label={t('review.shortcuts')}>
        {outcome ? (
          <>
            <p className="notice" role="status">
              {t('review.item.done', { decision: decisionText(t, outcome.decision), status: statusText(t, outcome.task_status) })}
            </p>
            <button type="button" className="primary" onClick={() => void reviewNext()}>
              {t('review.item.next')}
            </button>
            <Link to="/review">{t('review.item.back')}</Link>
          </>
        ) : (
          <>
            {registry.list().map((a) => (
              <button key={a.id} type="button" onClick={() => registry.run(a.id, ctx)} disabled={!registry.isEnabled(a.id, ctx)} className={a.id === 'review.accept' ? 'primary' : undefined}>
                {t(a.label as MessageKey)} <kbd aria-hidden="true">{a.shortcuts.map(shortcutText).join(' ')}</kbd>
              </button>
            ))}
            <span className="spacer" />
            <Link to="/review">{t('review.item.back')}</Link>
          </>
        )}
      </div>
      <ErrorBox error={error} />
      {problem && (
        <div role="alert" className="error">
          {problem}
        </div>
      )}

      {mode === 'reject' && (
        <form
          className="panel"
          role="dialog"
          aria-label={t('review.reject.title', { id: detail.task.id })}
          onSubmit={(e) => {
            e.preventDefault();
            void decide('reject');
          }}
        >
          <h2>{t('review.reject.title', { id: detail.task.id })}</h2>
          <label>
            {t('review.reject.reason')}
            <textarea ref={reasonRef} value={reason} onChange={(e) => setReason(e.target.value)} rows={3} />
          </label>
          <p className="hint">{t('review.reject.hint')}</p>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {t('review.reject.confirm')}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}

      {mode === 'fix' && ok && fixItem && (
        <section className="panel" aria-label={t('review.fix.title')}>
          <h2>{t('review.fix.title')}</h2>
          <label className="row">
            {t('review.fix.base')}
            <select value={String(fixSource)} onChange={(e) => setFixSource(e.target.value === 'proposed' ? 'proposed' : Number(e.target.value))}>
              <option value="proposed">{t('review.fix.fromReviewed', { name: reviewedName })}</option>
              {annotations.map((a, i) => (
                <option key={a.id} value={i}>
                  {a.annotator ? t('review.fix.fromAnnotationNamed', { n: i + 1, name: a.annotator.username }) : t('review.fix.fromAnnotation', { n: i + 1 })}
                </option>
              ))}
            </select>
          </label>
          <TaskEditor
            key={`fix:${detail.item.id}:${String(fixSource)}`}
            schema={ok}
            instructions=""
            item={fixItem}
            preview
            onResultChange={(r) => {
              fixResult.current = r;
            }}
          />
          <div className="actions">
            <button type="button" className="primary" onClick={() => void decide('fix')} disabled={busy}>
              {t('review.fix.submit')}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              {t('review.fix.cancel')}
            </button>
          </div>
        </section>
      )}

      {ok && (
        <div className="review-grid">
          <div>
            <TaskData detail={detail} schema={ok} />
            <UnderReview schema={ok} detail={detail} selected={selected} onSelect={setSelected} proposed={proposed} />
            <section className="panel" aria-label={t('review.item.results')}>
              <h2>{t('review.item.results')}</h2>
              <SideBySide schema={ok} annotations={annotations} diffs={diffs} selected={selected} onSelect={setSelected} media={mediaOf(detail)} />
            </section>
            {cotLabels(ok).map((def) => {
              const draft = cot[def.name];
              if (!draft || !underReview) return null;
              return <CotReview key={`${selected}:${def.name}`} label={def.name} who={reviewedName} value={underReview[def.name]} draft={draft} onChange={(d) => setCot((c) => ({ ...c, [def.name]: d }))} />;
            })}
          </div>
          <div>
            <ConsistencyPanel schema={ok} report={detail.consistency} data={detail.task.data} />
            <PredictionsPanel schema={ok} predictions={detail.predictions} data={detail.task.data} />
            {detail.decisions.length > 0 && (
              <section className="panel" aria-label={t('review.item.decisions')}>
                <h2>{t('review.item.decisions')}</h2>
                <ul>
                  {detail.decisions.map((d, i) => (
                    <li key={i}>
                      {t('review.item.decisionLine', {
                        stage: d.stage + 1,
                        decision: decisionText(t, d.decision),
                        who: d.username ?? (typeof d.reviewer === 'object' && d.reviewer ? d.reviewer.username : t('review.item.someone')),
                        level: d.level ?? '—',
                      })}
                      {d.reason && <span className="muted"> — {d.reason}</span>}
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
