// Every operation of the workspace, in one registry. Keys go through the
// dispatcher; buttons call registry.run(id); the `?` overlay lists them all.
import { ActionRegistry } from '../core/actions';
import type { MessageKey } from '../i18n';
import type { FieldController } from './controller';

export interface EditorContext {
  preview: boolean;
  busy: boolean;
  canUndo: boolean;
  canRedo: boolean;
  hasPrediction: boolean;
  overlayOpen: boolean;
  submit: () => void;
  skip: () => void;
  undo: () => void;
  redo: () => void;
  accept: () => void;
  toggleHelp: () => void;
  toggleInstructions: () => void;
  closeOverlay: () => void;
  moveField: (dir: 1 | -1) => void;
  field: () => FieldController | undefined;
}

type Registry = ActionRegistry<EditorContext>;

function label(key: MessageKey): MessageKey {
  return key;
}

export function buildEditorActions(): Registry {
  const r = new ActionRegistry<EditorContext>();
  const live = (c: EditorContext) => !c.preview && !c.busy;
  r.register({ id: 'submit', label: label('action.submit'), shortcuts: ['Mod+Enter'], inTextFields: true, undo: 'none', enabled: live, run: (c) => c.submit() });
  r.register({ id: 'skip', label: label('action.skip'), shortcuts: ['Mod+Shift+s'], inTextFields: true, undo: 'none', enabled: live, run: (c) => c.skip() });
  r.register({ id: 'accept', label: label('action.accept'), shortcuts: ['a'], undo: 'none', enabled: (c) => c.hasPrediction && live(c), run: (c) => c.accept() });
  r.register({ id: 'undo', label: label('action.undo'), shortcuts: ['Mod+z'], inTextFields: true, undo: 'none', enabled: (c) => c.canUndo, run: (c) => c.undo() });
  r.register({ id: 'redo', label: label('action.redo'), shortcuts: ['Mod+Shift+z', 'Mod+y'], inTextFields: true, undo: 'none', enabled: (c) => c.canRedo, run: (c) => c.redo() });
  r.register({ id: 'help', label: label('action.help'), shortcuts: ['?'], undo: 'none', run: (c) => c.toggleHelp() });
  r.register({ id: 'instructions', label: label('action.instructions'), shortcuts: ['i'], undo: 'none', run: (c) => c.toggleInstructions() });
  r.register({ id: 'nextField', label: label('action.nextField'), shortcuts: [']'], undo: 'none', run: (c) => c.moveField(1) });
  r.register({ id: 'prevField', label: label('action.prevField'), shortcuts: ['['], undo: 'none', run: (c) => c.moveField(-1) });
  r.register({
    id: 'option',
    label: label('action.option'),
    shortcuts: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    undo: 'record',
    enabled: (c) => c.field()?.option !== undefined,
    run: (c, s) => c.field()?.option?.(Number(s ?? '1')),
  });
  r.register({
    id: 'delete',
    label: label('action.delete'),
    shortcuts: ['Delete', 'Backspace'],
    undo: 'record',
    enabled: (c) => c.field()?.canRemove?.() === true,
    run: (c) => c.field()?.remove?.(),
  });
  r.register({
    id: 'escape',
    label: label('action.escape'),
    shortcuts: ['Escape'],
    inTextFields: true,
    undo: 'none',
    enabled: (c) => c.overlayOpen || c.field()?.escape !== undefined,
    run: (c) => {
      if (c.overlayOpen) c.closeOverlay();
      else c.field()?.escape?.();
    },
  });
  const horizontal = (dir: -1 | 1) => ({
    enabled: (c: EditorContext) => c.field()?.caret !== undefined || c.field()?.canNudge?.() === true,
    run: (c: EditorContext) => {
      const f = c.field();
      if (f?.caret) f.caret(dir, false);
      else f?.nudge?.(dir, 0);
    },
  });
  r.register({ id: 'caretLeft', label: label('action.caretLeft'), shortcuts: ['ArrowLeft'], undo: 'record', ...horizontal(-1) });
  r.register({ id: 'caretRight', label: label('action.caretRight'), shortcuts: ['ArrowRight'], undo: 'record', ...horizontal(1) });
  r.register({ id: 'extendLeft', label: label('action.extendLeft'), shortcuts: ['Shift+ArrowLeft'], undo: 'none', enabled: (c) => c.field()?.caret !== undefined, run: (c) => c.field()?.caret?.(-1, true) });
  r.register({ id: 'extendRight', label: label('action.extendRight'), shortcuts: ['Shift+ArrowRight'], undo: 'none', enabled: (c) => c.field()?.caret !== undefined, run: (c) => c.field()?.caret?.(1, true) });
  r.register({ id: 'extendWordLeft', label: label('action.extendWordLeft'), shortcuts: ['Mod+Shift+ArrowLeft'], undo: 'none', enabled: (c) => c.field()?.caret !== undefined, run: (c) => c.field()?.caret?.(-1, true, 'word') });
  r.register({ id: 'extendWordRight', label: label('action.extendWordRight'), shortcuts: ['Mod+Shift+ArrowRight'], undo: 'none', enabled: (c) => c.field()?.caret !== undefined, run: (c) => c.field()?.caret?.(1, true, 'word') });
  r.register({ id: 'nudgeUp', label: label('action.nudgeUp'), shortcuts: ['ArrowUp'], undo: 'record', enabled: (c) => c.field()?.canNudge?.() === true, run: (c) => c.field()?.nudge?.(0, -1) });
  r.register({ id: 'nudgeDown', label: label('action.nudgeDown'), shortcuts: ['ArrowDown'], undo: 'record', enabled: (c) => c.field()?.canNudge?.() === true, run: (c) => c.field()?.nudge?.(0, 1) });
  r.register({ id: 'finish', label: label('action.finish'), shortcuts: ['Enter'], undo: 'record', enabled: (c) => c.field()?.canFinish?.() === true, run: (c) => c.field()?.finish?.() });
  r.register({ id: 'zoomIn', label: label('action.zoomIn'), shortcuts: ['='], undo: 'none', enabled: (c) => c.field()?.zoom !== undefined, run: (c) => c.field()?.zoom?.('in') });
  r.register({ id: 'zoomOut', label: label('action.zoomOut'), shortcuts: ['-'], undo: 'none', enabled: (c) => c.field()?.zoom !== undefined, run: (c) => c.field()?.zoom?.('out') });
  r.register({ id: 'zoomFit', label: label('action.zoomFit'), shortcuts: ['0'], undo: 'none', enabled: (c) => c.field()?.zoom !== undefined, run: (c) => c.field()?.zoom?.('fit') });
  return r;
}
