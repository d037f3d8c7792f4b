import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent as RPointerEvent } from 'react';
import { HANDLES, fitViewport, handlePosition, pan, screenToImage, zoomAt, type Point, type Size, type Viewport } from '../../core/geometry';
import type { BoxValue, LabelDef, PolygonValue } from '../../core/schema';
import {
  BOX_IDLE,
  POLYGON_IDLE,
  boxPointerDown,
  boxPointerMove,
  boxPointerUp,
  draftBox,
  nudgeBox,
  polygonFinish,
  polygonPointerDown,
  polygonPointerMove,
  polygonPointerUp,
  toPoints,
  type BoxToolState,
  type PolygonToolState,
  type ToolContext,
} from '../../core/tools';
import { movePolygon } from '../../core/geometry';
import { useI18n } from '../../i18n';
import { labelColor, type FieldProps } from '../controller';

type ShapeDef = Extract<LabelDef, { type: 'boxes' | 'polygons' }>;
type Shape = BoxValue | PolygonValue;

const HANDLE_PX = 8;

export function ImageField({ def, value, mediaUrl, mediaSize, onChange, register, active }: FieldProps<ShapeDef, Shape[]>) {
  const { t } = useI18n();
  const isBoxes = def.type === 'boxes';
  const wrapRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<Size>({ width: 0, height: 0 });
  const [natural, setNatural] = useState<Size | null>(mediaSize);
  const size: Size = natural ?? mediaSize ?? { width: 1, height: 1 };
  const [vp, setVp] = useState<Viewport>({ scale: 1, ox: 0, oy: 0 });
  const fitted = useRef(false);
  const [selected, setSelected] = useState(-1);
  const [drawLabel, setDrawLabel] = useState(def.options[0] ?? '');
  const [boxState, setBoxState] = useState<BoxToolState>(BOX_IDLE);
  const [polyState, setPolyState] = useState<PolygonToolState>(POLYGON_IDLE);
  const [preview, setPreview] = useState<Shape[] | null>(null);
  const panning = useRef<{ start: Point; vp: Viewport } | null>(null);
  const spaceDown = useRef(false);
  const shapes = preview ?? value;
  const ctx: ToolContext = { size, label: drawLabel, tolerance: HANDLE_PX / vp.scale };

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = () => setView({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (!fitted.current && natural && view.width > 0 && view.height > 0) {
      setVp(fitViewport(natural, view));
      fitted.current = true;
    }
  }, [natural, view]);

  // the wheel zooms; React's onWheel is passive, so attach by hand
  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const factor = Math.pow(1.0015, -e.deltaY);
      setVp((v) => zoomAt(v, factor, { x: e.clientX - r.left, y: e.clientY - r.top }));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.key === ' ' && (e.target as HTMLElement | null)?.tagName !== 'TEXTAREA' && (e.target as HTMLElement | null)?.tagName !== 'INPUT') spaceDown.current = true;
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') spaceDown.current = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, []);

  const zoom = (kind: 'in' | 'out' | 'fit') => {
    if (kind === 'fit') setVp(fitViewport(size, view));
    else setVp((v) => zoomAt(v, kind === 'in' ? 1.25 : 0.8, { x: view.width / 2, y: view.height / 2 }));
  };

  const setLabelOf = (i: number, label: string) => {
    const list = [...value];
    const s = list[i];
    if (!s) return;
    list[i] = { ...s, label } as Shape;
    onChange(list);
  };

  const remove = (i: number) => {
    onChange(value.filter((_, k) => k !== i));
    setSelected(-1);
  };

  useEffect(() => {
    register({
      option: (n) => {
        const l = def.options[n - 1];
        if (l === undefined) return;
        setDrawLabel(l);
        if (selected >= 0 && selected < value.length && value[selected]?.label !== l) setLabelOf(selected, l);
      },
      canRemove: () => selected >= 0 && selected < value.length,
      remove: () => remove(selected),
      canNudge: () => selected >= 0 && selected < value.length,
      nudge: (dx, dy) => {
        if (isBoxes) onChange(nudgeBox(value as BoxValue[], selected, dx, dy, size));
        else {
          const list = [...(value as PolygonValue[])];
          const p = list[selected];
          if (p) list[selected] = { label: p.label, points: movePolygon(toPoints(p), dx, dy, size).map((q) => [q.x, q.y] as [number, number]) };
          onChange(list);
        }
      },
      escape: () => {
        if (polyState.mode === 'drawing') {
          setPolyState(POLYGON_IDLE);
          return true;
        }
        if (selected >= 0) {
          setSelected(-1);
          return true;
        }
        return false;
      },
      canFinish: () => !isBoxes && polyState.mode === 'drawing',
      finish: () => {
        const step = polygonFinish(polyState, value as PolygonValue[], ctx);
        setPolyState(step.state);
        setSelected(step.selected);
        if (step.commit) onChange(step.polygons);
      },
      zoom,
    });
    return () => register(null);
  });

  const toImage = (e: RPointerEvent): Point => {
    const r = wrapRef.current?.getBoundingClientRect();
    return screenToImage(vp, { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) });
  };

  const onPointerDown = (e: RPointerEvent<SVGSVGElement>) => {
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    if (e.button === 1 || spaceDown.current || e.button === 2) {
      panning.current = { start: { x: e.clientX, y: e.clientY }, vp };
      e.preventDefault();
      return;
    }
    if (e.button !== 0) return;
    const p = toImage(e);
    if (isBoxes) {
      const step = boxPointerDown(boxState, value as BoxValue[], selected, ctx, p);
      setBoxState(step.state);
      setSelected(step.selected);
    } else {
      const step = polygonPointerDown(polyState, value as PolygonValue[], selected, ctx, p);
      setPolyState(step.state);
      setSelected(step.selected);
      if (step.commit) onChange(step.polygons);
    }
  };

  const onPointerMove = (e: RPointerEvent<SVGSVGElement>) => {
    if (panning.current) {
      const { start, vp: v0 } = panning.current;
      setVp(pan(v0, e.clientX - start.x, e.clientY - start.y));
      return;
    }
    const p = toImage(e);
    if (isBoxes) {
      if (boxState.mode === 'idle') return;
      const step = boxPointerMove(boxState, value as BoxValue[], selected, ctx, p);
      setBoxState(step.state);
      if (boxState.mode !== 'drawing') setPreview(step.boxes);
    } else {
      if (polyState.mode === 'idle') return;
      const step = polygonPointerMove(polyState, value as PolygonValue[], selected, ctx, p);
      setPolyState(step.state);
      if (polyState.mode !== 'drawing') setPreview(step.polygons);
    }
  };

  const onPointerUp = (e: RPointerEvent<SVGSVGElement>) => {
    if (panning.current) {
      panning.current = null;
      return;
    }
    const p = toImage(e);
    if (isBoxes) {
      if (boxState.mode === 'idle') return;
      const step = boxPointerUp(boxState, value as BoxValue[], selected, ctx, p);
      setBoxState(step.state);
      setSelected(step.selected);
      setPreview(null);
      if (step.commit) onChange(step.boxes);
    } else {
      if (polyState.mode === 'idle' || polyState.mode === 'drawing') return;
      const step = polygonPointerUp(polyState, value as PolygonValue[], selected, ctx, p);
      setPolyState(step.state);
      setSelected(step.selected);
      setPreview(null);
      if (step.commit) onChange(step.polygons);
    }
  };

  const stroke = 2 / vp.scale;
  const hs = HANDLE_PX / vp.scale;
  const draft = isBoxes ? draftBox(boxState) : null;
  const drawingPoly = !isBoxes && polyState.mode === 'drawing' ? polyState : null;

  return (
    <div className="image-field">
      <p className="hint">{isBoxes ? t('image.hintBoxes') : t('image.hintPolygons')}</p>
      <div className="image-toolbar">
        <label>
          {t('image.drawLabel')}
          <select value={drawLabel} onChange={(e) => setDrawLabel(e.target.value)}>
            {def.options.map((o, i) => (
              <option key={o} value={o}>
                {i < 9 ? `${i + 1} · ` : ''}
                {o}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => zoom('in')}>{t('image.zoomIn')}</button>
        <button type="button" onClick={() => zoom('out')}>{t('image.zoomOut')}</button>
        <button type="button" onClick={() => zoom('fit')}>{t('image.fit')}</button>
        <span className="muted">{t('image.zoom', { pct: Math.round(vp.scale * 100) })}</span>
      </div>
      <div ref={wrapRef} className={active ? 'image-wrap active' : 'image-wrap'}>
        {!mediaUrl && <p className="muted">{t('image.noImage')}</p>}
        {mediaUrl && (
          <svg
            role="img"
            aria-label={t('image.canvas', { name: def.name })}
            width={view.width}
            height={view.height}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onContextMenu={(e) => e.preventDefault()}
            data-scale={vp.scale}
            data-ox={vp.ox}
            data-oy={vp.oy}
          >
            <g transform={`translate(${vp.ox} ${vp.oy}) scale(${vp.scale})`}>
              <image
                href={mediaUrl}
                x={0}
                y={0}
                width={natural?.width ?? mediaSize?.width}
                height={natural?.height ?? mediaSize?.height}
                style={{ imageRendering: vp.scale > 2 ? 'pixelated' : 'auto' }}
                onLoad={(e) => {
                  const img = new Image();
                  img.onload = () => setNatural({ width: img.naturalWidth, height: img.naturalHeight });
                  img.src = (e.currentTarget as SVGImageElement).href.baseVal;
                }}
              />
              {shapes.map((s, i) => {
                const color = labelColor(s.label, def.options);
                const on = i === selected;
                if ('points' in s) {
                  return (
                    <polygon key={i} points={s.points.map(([x, y]) => `${x},${y}`).join(' ')} fill={color} fillOpacity={on ? 0.3 : 0.15} stroke={color} strokeWidth={on ? stroke * 1.5 : stroke} />
                  );
                }
                return <rect key={i} x={s.x} y={s.y} width={s.w} height={s.h} fill={color} fillOpacity={on ? 0.2 : 0.06} stroke={color} strokeWidth={on ? stroke * 1.5 : stroke} />;
              })}
              {shapes.map((s, i) => {
                const at = 'points' in s ? { x: s.points[0]?.[0] ?? 0, y: s.points[0]?.[1] ?? 0 } : { x: s.x, y: s.y };
                return (
                  <text key={`t${i}`} x={at.x} y={at.y - 3 / vp.scale} fontSize={12 / vp.scale} fill={labelColor(s.label, def.options)} pointerEvents="none">
                    {i + 1}. {s.label}
                  </text>
                );
              })}
              {selected >= 0 && shapes[selected] && !('points' in shapes[selected]!) &&
                HANDLES.map((h) => {
                  const p = handlePosition(shapes[selected] as BoxValue, h);
                  return <rect key={h} x={p.x - hs / 2} y={p.y - hs / 2} width={hs} height={hs} fill="#fff" stroke="#000" strokeWidth={stroke / 2} />;
                })}
              {selected >= 0 && shapes[selected] && 'points' in shapes[selected]! &&
                (shapes[selected] as PolygonValue).points.map(([x, y], k) => <circle key={k} cx={x} cy={y} r={hs / 2} fill="#fff" stroke="#000" strokeWidth={stroke / 2} />)}
              {draft && <rect x={draft.x} y={draft.y} width={draft.w} height={draft.h} fill="none" stroke={labelColor(drawLabel, def.options)} strokeDasharray={`${4 / vp.scale}`} strokeWidth={stroke} />}
              {drawingPoly && (
                <polyline
                  points={[...drawingPoly.points, drawingPoly.cursor].map((q) => `${q.x},${q.y}`).join(' ')}
                  fill="none"
                  stroke={labelColor(drawLabel, def.options)}
                  strokeDasharray={`${4 / vp.scale}`}
                  strokeWidth={stroke}
                />
              )}
            </g>
          </svg>
        )}
      </div>
      <ul className="shape-list" aria-label={t('image.shapes', { name: def.name })}>
        {value.length === 0 && <li className="muted">{t('image.none')}</li>}
        {value.map((s, i) => (
          <li key={i} className={i === selected ? 'picked' : undefined}>
            <button type="button" className="link" onClick={() => setSelected(i)} aria-label={t('image.selectShape', { n: i + 1 })}>
              {'points' in s ? t('image.polygon', { n: i + 1, label: s.label }) : t('image.box', { n: i + 1, label: s.label })}
            </button>{' '}
            <span className="muted">
              {'points' in s ? `${s.points.length} pts` : `${Math.round(s.x)},${Math.round(s.y)} ${Math.round(s.w)}×${Math.round(s.h)}`}
            </span>{' '}
            <select aria-label={t('image.shapeLabel', { n: i + 1 })} value={s.label} onChange={(e) => setLabelOf(i, e.target.value)}>
              {def.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>{' '}
            <button type="button" className="link" aria-label={t('image.deleteShape', { n: i + 1 })} onClick={() => remove(i)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
