import { describe, expect, it } from 'vitest';
import { key } from '../core/testing';
import { buildEditorActions, type EditorContext } from './editorActions';
import { en } from '../i18n/en';

function ctx(over: Partial<EditorContext> = {}): EditorContext & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    preview: false,
    busy: false,
    canUndo: true,
    canRedo: true,
    hasPrediction: false,
    overlayOpen: false,
    submit: () => log.push('submit'),
    skip: () => log.push('skip'),
    undo: () => log.push('undo'),
    redo: () => log.push('redo'),
    accept: () => log.push('accept'),
    toggleHelp: () => log.push('help'),
    toggleInstructions: () => log.push('instructions'),
    closeOverlay: () => log.push('close'),
    moveField: (d) => log.push(`field ${d}`),
    field: () => ({ option: (n) => log.push(`option ${n}`) }),
    ...over,
  };
}

describe('workspace actions', () => {
  it('builds without a shortcut bound twice, each action named in the catalogue', () => {
    const r = buildEditorActions();
    for (const a of r.list()) expect(en).toHaveProperty(a.label);
  });

  it('routes number keys to the active field', () => {
    const c = ctx();
    buildEditorActions().dispatch(key('3'), c);
    expect(c.log).toEqual(['option 3']);
  });

  it('accepts a prediction with one key only when there is one', () => {
    const r = buildEditorActions();
    const without = ctx();
    expect(r.dispatch(key('a'), without)).toBeUndefined();
    const withPrediction = ctx({ hasPrediction: true });
    r.dispatch(key('a'), withPrediction);
    expect(withPrediction.log).toEqual(['accept']);
  });

  it('submits with Ctrl+Enter even from a text field, but never in the preview', () => {
    const r = buildEditorActions();
    const c = ctx();
    r.dispatch(key('Ctrl+Enter'), c, { inTextField: true });
    expect(c.log).toEqual(['submit']);
    const p = ctx({ preview: true });
    expect(r.dispatch(key('Ctrl+Enter'), p)).toBeUndefined();
  });

  it('leaves Enter alone unless a polygon is being drawn', () => {
    const r = buildEditorActions();
    expect(r.dispatch(key('Enter'), ctx())).toBeUndefined();
    const c = ctx({ field: () => ({ canFinish: () => true, finish: () => c.log.push('finish') }) });
    r.dispatch(key('Enter'), c);
    expect(c.log).toEqual(['finish']);
  });
});
