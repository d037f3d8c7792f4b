// One task in the workspace: the result being edited with its undo history,
// the fields that edit it, keyboard actions, autosave, submit and skip.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { canRedo, canUndo, createHistory, push, redo, undo, type HistoryState } from '../core/history';
import { isEmptyValue, missingRequired, resultFrom, serializeResult, type LabelDef, type Result, type Schema } from '../core/schema';
import { tasks as tasksApi } from '../api/endpoints';
import type { NextTask } from '../api/types';
import { errorText } from '../app/errors';
import { useI18n } from '../i18n';
import { asString, type FieldController } from './controller';
import { buildEditorActions, type EditorContext } from './editorActions';
import { FieldView } from './FieldView';
import { Dialog, ShortcutTable, shortcutText } from './Overlays';
import { AnnotationSaver, StaleError } from './saver';
import { formatDuration, useLeadTime } from './useLeadTime';

const AUTOSAVE_MS = 5000;
const LEASE_RENEW_MS = 120_000;

export type DoneKind = 'submitted' | 'skipped';

interface Props {
  schema: Schema;
  instructions: string;
  item: NextTask;
  /** preview: no saving, keys only inside the editor */
  preview?: boolean;
  onDone?: (kind: DoneKind, taskId: number) => void;
  onReload?: () => void;
  header?: ReactNode;
  /** called with the edited result after every change (hosts that save it themselves: exams, review fixes) */
  onResultChange?: (result: Result) => void;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function TaskEditor({ schema, instructions, item, preview = false, onDone, onReload, header, onResultChange }: Props) {
  const { t } = useI18n();
  const task = item.task;
  const prediction = item.predictions[0] ?? null;
  const predicted = useMemo(() => (prediction ? resultFrom(schema, prediction.result) : null), [schema, prediction]);
  const initial = useMemo(() => (item.annotation ? resultFrom(schema, item.annotation.result) : predicted ?? resultFrom(schema, null)), [schema, item.annotation, predicted]);
  const [hist, setHist] = useState<HistoryState<Result>>(() => createHistory(initial));
  const result = hist.present;
  const onResultRef = useRef(onResultChange);
  onResultRef.current = onResultChange;
  useEffect(() => {
    onResultRef.current?.(result);
  }, [result]);
  const [activeIdx, setActiveIdx] = useState(0);
  const [overlay, setOverlay] = useState<'help' | 'instructions' | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState<{ version: number | null } | null>(null);
  const [saveState, setSaveState] = useState<{ kind: 'idle' | 'saving' | 'saved'; at?: Date }>({ kind: 'idle' });
  const [leaseLost, setLeaseLost] = useState(false);
  const saver = useMemo(() => new AnnotationSaver(task.id, item.annotation), [task.id, item.annotation]);
  const lead = useLeadTime(item.annotation?.lead_time ?? 0);
  const controllers = useRef(new Map<string, FieldController>());
  const rootRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  const finished = useRef(false);
  const registry = useMemo(() => buildEditorActions(), []);
  const fromPrediction = prediction !== null && item.annotation === null ? prediction.id : item.annotation?.prediction ?? null;

  const payload = useCallback(
    (status: 'draft' | 'submitted', r: Result = result) => ({ result: serializeResult(schema, r), status, lead_time: lead.seconds(), prediction: fromPrediction }),
    [schema, result, lead, fromPrediction],
  );

  const edit = useCallback((name: string, value: unknown, coalesce?: string) => {
    setHist((h) => push(h, { ...h.present, [name]: value }, coalesce ?? null));
    setMessage(null);
  }, []);

  // ---- saving ---------------------------------------------------------------
  const saveDraft = useCallback(
    async (keepalive = false) => {
      if (preview || finished.current || stale) return;
      const p = payload('draft');
      if (!saver.isDirty(p)) return;
      if (saver.annotationId === null && Object.keys(p.result).length === 0) return;
      setSaveState({ kind: 'saving' });
      try {
        await saver.save(p, keepalive);
        setSaveState({ kind: 'saved', at: new Date() });
        setError(null);
      } catch (e) {
        setSaveState({ kind: 'idle' });
        if (e instanceof StaleError) setStale({ version: e.currentVersion });
        else setError(t('ws.saveFailed', { message: errorText(e, t) }));
      }
    },
    [preview, stale, payload, saver, t],
  );
  const saveRef = useRef(saveDraft);
  saveRef.current = saveDraft;

  useEffect(() => {
    if (preview) return;
    const timer = window.setInterval(() => void saveRef.current(), AUTOSAVE_MS);
    const onHide = () => {
      if (document.visibilityState === 'hidden') void saveRef.current(true);
    };
    const onPageHide = () => void saveRef.current(true);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      void saveRef.current(true); // leaving the workspace inside the app
    };
  }, [preview]);

  useEffect(() => {
    if (preview) return;
    const timer = window.setInterval(() => {
      tasksApi.lease(task.id).then(
        () => setLeaseLost(false),
        () => setLeaseLost(true),
      );
    }, LEASE_RENEW_MS);
    return () => window.clearInterval(timer);
  }, [preview, task.id]);

  const submitResult = useCallback(
    async (r: Result, predictionId: number | null) => {
      if (preview || busy) return;
      const missing = missingRequired(schema, r);
      if (missing.length > 0) {
        setError(t('ws.missing', { labels: missing.join(', ') }));
        return;
      }
      setBusy(true);
      setError(null);
      try {
        await saver.save({ result: serializeResult(schema, r), status: 'submitted', lead_time: lead.seconds(), prediction: predictionId });
        finished.current = true;
        onDone?.('submitted', task.id);
      } catch (e) {
        if (e instanceof StaleError) setStale({ version: e.currentVersion });
        else setError(errorText(e, t));
      } finally {
        setBusy(false);
      }
    },
    [preview, busy, schema, saver, lead, onDone, task.id, t],
  );

  const submit = useCallback(() => void submitResult(result, fromPrediction), [submitResult, result, fromPrediction]);

  const accept = useCallback(() => {
    if (!predicted || !prediction) return;
    setHist((h) => push(h, predicted));
    void submitResult(predicted, prediction.id);
  }, [predicted, prediction, submitResult]);

  const skip = useCallback(async () => {
    if (preview || busy) return;
    setBusy(true);
    try {
      await tasksApi.skip(task.id);
      finished.current = true;
      onDone?.('skipped', task.id);
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }, [preview, busy, task.id, onDone, t]);

  const overwrite = async () => {
    if (!stale) return;
    if (stale.version !== null) saver.adopt(stale.version);
    setStale(null);
    setSaveState({ kind: 'saving' });
    try {
      await saver.save(payload('draft'));
      setSaveState({ kind: 'saved', at: new Date() });
    } catch (e) {
      setSaveState({ kind: 'idle' });
      if (e instanceof StaleError) setStale({ version: e.currentVersion });
      else setError(errorText(e, t));
    }
  };

  useEffect(() => {
    if (overlay) overlayRef.current?.focus();
  }, [overlay]);

  // ---- keyboard ----------------------------------------------------------------
  const labels = schema.labels;
  const activeDef: LabelDef | undefined = labels[activeIdx];
  const ctx: EditorContext = {
    preview,
    busy,
    canUndo: canUndo(hist),
    canRedo: canRedo(hist),
    hasPrediction: predicted !== null,
    overlayOpen: overlay !== null,
    submit,
    skip: () => void skip(),
    undo: () => setHist((h) => undo(h)),
    redo: () => setHist((h) => redo(h)),
    accept,
    toggleHelp: () => setOverlay((o) => (o === 'help' ? null : 'help')),
    toggleInstructions: () => setOverlay((o) => (o === 'instructions' ? null : 'instructions')),
    closeOverlay: () => setOverlay(null),
    moveField: (d) => setActiveIdx((i) => (i + d + labels.length) % labels.length),
    // while an overlay is open, keys do not reach the fields underneath it
    field: () => (activeDef && overlay === null ? controllers.current.get(activeDef.name) : undefined),
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  useEffect(() => {
    const target: HTMLElement | Window | null = preview ? rootRef.current : window;
    if (!target) return;
    const onKey = (ev: Event) => {
      const e = ev as KeyboardEvent;
      if (e.isComposing || e.keyCode === 229 || e.defaultPrevented) return; // IME input (pinyin) in progress
      const el = e.target instanceof HTMLElement ? e.target : null;
      const typing =
        el !== null &&
        (el.isContentEditable ||
          el instanceof HTMLTextAreaElement ||
          el instanceof HTMLSelectElement ||
          (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(el.type)));
      const a = registry.dispatch(e, ctxRef.current, { inTextField: typing });
      if (a) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    target.addEventListener('keydown', onKey);
    return () => target.removeEventListener('keydown', onKey);
  }, [registry, preview]);

  // ---- rendering ------------------------------------------------------------------
  const consumed = new Set<string>();
  for (const d of labels) {
    if (d.type === 'spans' || d.type === 'chain_of_thought') consumed.add(d.on);
    if (d.type === 'preference') d.between.forEach((k) => consumed.add(k));
  }
  const imageKeys = new Set(Object.entries(schema.data).filter(([, v]) => v === 'image').map(([k]) => k));
  const shownData = Object.entries(task.data).filter(([k]) => !consumed.has(k) && !imageKeys.has(k));
  const mediaSize = task.media_width && task.media_height ? { width: task.media_width, height: task.media_height } : null;

  const dirty = !preview && saver.isDirty(payload('draft'));

  return (
    <div className="editor" ref={rootRef} tabIndex={preview ? 0 : undefined}>
      <div className="editor-bar">
        {header}
        {!preview && <strong>{t('ws.task', { id: task.id })}</strong>}
        {!preview && <span className="muted">{t('ws.leadTime', { time: formatDuration(lead.display) })}</span>}
        {!preview && (
          <span className="muted" aria-live="polite">
            {saveState.kind === 'saving' ? t('ws.saving') : dirty ? t('ws.unsaved') : saveState.kind === 'saved' && saveState.at ? t('ws.savedAt', { time: saveState.at.toLocaleTimeString() }) : ''}
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={ctx.toggleInstructions} aria-expanded={overlay === 'instructions'}>
          {t('ws.instructions')}
        </button>
        <button type="button" onClick={ctx.toggleHelp} aria-expanded={overlay === 'help'}>
          {t('ws.shortcuts')} <kbd aria-hidden="true">?</kbd>
        </button>
        <button type="button" onClick={() => registry.run('undo', ctx)} disabled={!ctx.canUndo}>
          {t('ws.undo')}
        </button>
        <button type="button" onClick={() => registry.run('redo', ctx)} disabled={!ctx.canRedo}>
          {t('ws.redo')}
        </button>
        {!preview && (
          <button type="button" onClick={() => registry.run('skip', ctx)} disabled={busy}>
            {t('ws.skip')}
          </button>
        )}
        {!preview && predicted && (
          <button type="button" onClick={() => registry.run('accept', ctx)} disabled={busy}>
            {t('ws.accept')} <kbd aria-hidden="true">A</kbd>
          </button>
        )}
        {!preview && (
          <button type="button" className="primary" onClick={() => registry.run('submit', ctx)} disabled={busy}>
            {t('ws.submit')} <kbd aria-hidden="true">{shortcutText('Mod+Enter')}</kbd>
          </button>
        )}
      </div>
      {prediction && (
        <p className="suggestion-banner" role="note">
          {t('ws.suggestion', { model: prediction.model_version, score: prediction.score === null ? '—' : prediction.score.toFixed(2) })}
        </p>
      )}
      {item.annotation && !preview && <p className="muted">{t('ws.draftRestored')}</p>}
      {stale && (
        <div role="alert" className="error conflict">
          <p>{t('ws.conflict', { version: stale.version ?? '?' })}</p>
          <button type="button" onClick={() => void overwrite()}>
            {t('ws.overwrite')}
          </button>{' '}
          {onReload && (
            <button type="button" onClick={onReload}>
              {t('ws.reloadTheirs')}
            </button>
          )}
        </div>
      )}
      {leaseLost && <p className="warning">{t('ws.leaseLost')}</p>}
      {error && (
        <div role="alert" className="error">
          {error}
        </div>
      )}
      {message && <p className="notice">{message}</p>}

      {shownData.length > 0 && (
        <section className="task-data" aria-label={t('ws.data')}>
          {shownData.map(([k, v]) => (
            <div key={k} className="data-item">
              <h4>{k}</h4>
              <div className="text-block">{asString(v)}</div>
            </div>
          ))}
        </section>
      )}

      <div className="fields">
        {labels.map((def, idx) => {
          const suggested = predicted !== null && !isEmptyValue(predicted[def.name]) && sameValue(result[def.name], predicted[def.name]);
          return (
            <section
              key={def.name}
              className={`field${idx === activeIdx ? ' active' : ''}${suggested ? ' suggested' : ''}`}
              aria-label={t('ws.field', { name: def.name })}
              aria-current={idx === activeIdx ? 'true' : undefined}
              data-field={def.name}
              onPointerDownCapture={() => setActiveIdx(idx)}
              onFocusCapture={() => setActiveIdx(idx)}
            >
              <h3>
                {def.name} <span className="muted">· {t(`schema.type.${def.type}`)}</span>
                {def.required && <span className="badge">{t('ws.required')}</span>}
                {suggested && <span className="badge suggested-badge">{t('ws.suggested')}</span>}
                {idx === activeIdx && <span className="badge active-badge">{t('ws.activeField')}</span>}
              </h3>
              {def.description && <p className="muted">{def.description}</p>}
              <FieldView
                def={def}
                value={result[def.name]}
                data={task.data}
                mediaUrl={task.media_url}
                mediaSize={mediaSize}
                active={idx === activeIdx}
                onChange={(value, key) => edit(def.name, value, key)}
                register={(c) => {
                  if (c) controllers.current.set(def.name, c);
                  else controllers.current.delete(def.name);
                }}
              />
            </section>
          );
        })}
      </div>

      {overlay === 'help' && (
        <Dialog ref={overlayRef} title={t('ws.shortcuts')} onClose={() => setOverlay(null)}>
          <ShortcutTable registry={registry} />
        </Dialog>
      )}
      {overlay === 'instructions' && (
        <Dialog ref={overlayRef} title={t('ws.instructions')} onClose={() => setOverlay(null)}>
          <div className="text-block">{instructions || t('ws.noInstructions')}</div>
        </Dialog>
      )}
    </div>
  );
}
