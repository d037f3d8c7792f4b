import { useEffect, useRef, useState } from 'react';
import type { LabelDef } from '../../core/schema';
import { addSpan, cpLength, cpSlice, moveCaret, normalizeSelection, removeSpan, segments, spanLevels, utf16ToCp, wordBoundary, type Caret, type Span } from '../../core/spans';
import { useI18n } from '../../i18n';
import { asString, labelColor, type FieldProps } from '../controller';

type SpansDef = Extract<LabelDef, { type: 'spans' }>;

const SELECTION = '\u0000selection';

/** Code-point offset of a DOM position inside the text container, or null. */
function domOffset(container: HTMLElement, node: Node, offset: number): number | null {
  if (!container.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = node.parentElement?.closest<HTMLElement>('[data-cp]');
    if (!seg || !container.contains(seg)) return null;
    return Number(seg.dataset.cp) + utf16ToCp(node.textContent ?? '', offset);
  }
  // an element position: before its offset-th child
  const el = node as HTMLElement;
  const child = el.childNodes[offset];
  if (child instanceof HTMLElement && child.dataset.cp !== undefined) return Number(child.dataset.cp);
  if (el.dataset?.cp !== undefined) return Number(el.dataset.cp) + (offset > 0 ? cpLength(el.textContent ?? '') : 0);
  const segs = container.querySelectorAll<HTMLElement>('[data-cp]');
  const last = segs[segs.length - 1];
  return last ? Number(last.dataset.cp) + cpLength(last.textContent ?? '') : 0;
}

export function SpansField({ def, value, data, onChange, register, active }: FieldProps<SpansDef, Span[]>) {
  const { t } = useI18n();
  const text = asString(data[def.on]);
  const length = cpLength(text);
  const boxRef = useRef<HTMLDivElement>(null);
  const [caret, setCaret] = useState<Caret>({ anchor: 0, focus: 0 });
  const [picked, setPicked] = useState<number>(-1);
  const sel = normalizeSelection(text, caret.anchor, caret.focus);

  const label = (n: number) => {
    const l = def.options[n - 1];
    if (l === undefined || !sel) return;
    onChange(addSpan(value, { start: sel.start, end: sel.end, label: l }));
    setCaret({ anchor: sel.end, focus: sel.end });
  };

  useEffect(() => {
    register({
      option: label,
      canRemove: () => picked >= 0 && picked < value.length,
      remove: () => {
        onChange(removeSpan(value, picked));
        setPicked(-1);
      },
      caret: (dir, extend, unit = 'char') => {
        setCaret((c) => (unit === 'word' ? { anchor: extend ? c.anchor : wordBoundary(text, c.focus, dir), focus: wordBoundary(text, c.focus, dir) } : moveCaret(c, dir, extend, length)));
        setPicked(-1);
      },
      escape: () => {
        if (sel || picked >= 0) {
          setCaret((c) => ({ anchor: c.focus, focus: c.focus }));
          setPicked(-1);
          return true;
        }
        return false;
      },
    });
    return () => register(null);
  });

  const onMouseUp = () => {
    const box = boxRef.current;
    const s = window.getSelection();
    if (!box || !s || s.rangeCount === 0) return;
    const r = s.getRangeAt(0);
    const a = domOffset(box, r.startContainer, r.startOffset);
    const b = domOffset(box, r.endContainer, r.endOffset);
    if (a === null || b === null) return;
    if (a !== b) {
      setCaret({ anchor: a, focus: b });
      setPicked(-1);
      s.removeAllRanges();
    }
  };

  const pickAt = (segSpans: number[]) => {
    // the innermost (last listed, shortest) span under the click
    let best = -1;
    for (const i of segSpans) {
      const s = value[i];
      const cur = best >= 0 ? value[best] : undefined;
      if (s && (!cur || s.end - s.start <= cur.end - cur.start)) best = i;
    }
    setPicked(best);
  };

  const all: Span[] = sel ? [...value, { start: sel.start, end: sel.end, label: SELECTION }] : value;
  const caretSpans: Span[] = [...all, { start: caret.focus, end: caret.focus, label: SELECTION }];
  const segs = segments(text, caretSpans.filter((s) => s.end > s.start || s.label === SELECTION));
  const levels = spanLevels(value);
  const maxLevel = levels.reduce((m, l) => Math.max(m, l), -1);

  return (
    <div className="spans">
      <p className="hint">{t('spans.hint')}</p>
      <div className="options" role="group" aria-label={def.name}>
        {def.options.map((o, i) => (
          <button key={o} type="button" disabled={!sel} onClick={() => label(i + 1)} style={{ borderColor: labelColor(o, def.options) }} aria-label={t('spans.labelWith', { label: o })}>
            {i < 9 && <kbd aria-hidden="true">{i + 1}</kbd>}
            {o}
          </button>
        ))}
      </div>
      <div
        ref={boxRef}
        className={active ? 'span-text active' : 'span-text'}
        tabIndex={0}
        role="textbox"
        aria-readonly="true"
        aria-multiline="true"
        aria-label={t('spans.text', { name: def.name })}
        onMouseUp={onMouseUp}
        style={{ lineHeight: `${1.9 + 0.25 * Math.max(0, maxLevel)}em` }}
      >
        {segs.map((seg) => {
          const real = seg.spans.filter((i) => i < value.length);
          const selected = sel !== null && seg.start >= sel.start && seg.end <= sel.end;
          const shadows = real.map((i) => {
            const s = value[i];
            const lvl = levels[i] ?? 0;
            return `0 ${2 + 4 * lvl}px 0 0 ${s ? labelColor(s.label, def.options) : '#888'}`;
          });
          const isPicked = picked >= 0 && real.includes(picked);
          const title = real.map((i) => value[i]?.label).join(', ');
          return (
            <span
              key={seg.start}
              data-cp={seg.start}
              className={`${selected ? 'sel ' : ''}${isPicked ? 'picked ' : ''}${real.length ? 'spanned' : ''}`}
              style={shadows.length ? { boxShadow: shadows.join(', ') } : undefined}
              title={title || undefined}
              onClick={() => (real.length ? pickAt(real) : undefined)}
            >
              {!sel && active && caret.focus === seg.start && <span className="caret" aria-hidden="true" />}
              {seg.text}
            </span>
          );
        })}
        {!sel && active && caret.focus === length && <span className="caret" aria-hidden="true" />}
      </div>
      {sel && <p className="muted">{t('spans.selection', { text: cpSlice(text, sel.start, sel.end) })}</p>}
      <ul className="span-list" aria-label={t('spans.list', { name: def.name })}>
        {value.length === 0 && <li className="muted">{t('spans.none')}</li>}
        {value.map((s, i) => {
          const piece = cpSlice(text, s.start, s.end);
          return (
            <li key={`${s.start}-${s.end}-${s.label}`} className={i === picked ? 'picked' : undefined}>
              <span className="tag" style={{ background: labelColor(s.label, def.options) }}>
                {s.label}
              </span>{' '}
              <span onClick={() => setPicked(i)}>{piece}</span> <span className="muted">[{s.start}, {s.end})</span>{' '}
              <button type="button" className="link" aria-label={t('spans.remove', { label: s.label, text: piece })} onClick={() => onChange(removeSpan(value, i))}>
                ✕
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
