// A tiny pointer/keyboard DSL for headless tests of the tools and the registry.
import type { KeyLike } from './actions';
import type { Point } from './geometry';

export function key(shortcut: string): KeyLike {
  const parts = shortcut.split('+');
  const k = parts.pop() ?? '';
  const mods = new Set(parts.map((m) => m.toLowerCase()));
  return {
    key: k,
    ctrlKey: mods.has('ctrl'),
    metaKey: mods.has('meta') || mods.has('cmd'),
    altKey: mods.has('alt'),
    shiftKey: mods.has('shift'),
  };
}

export type PointerOp = { op: 'down' | 'move' | 'up'; at: Point };

/** drag(from, to) = down at from, a move halfway, a move at to, up at to */
export function drag(from: [number, number], to: [number, number]): PointerOp[] {
  const [x1, y1] = from;
  const [x2, y2] = to;
  return [
    { op: 'down', at: { x: x1, y: y1 } },
    { op: 'move', at: { x: (x1 + x2) / 2, y: (y1 + y2) / 2 } },
    { op: 'move', at: { x: x2, y: y2 } },
    { op: 'up', at: { x: x2, y: y2 } },
  ];
}

export function click(at: [number, number]): PointerOp[] {
  return [
    { op: 'down', at: { x: at[0], y: at[1] } },
    { op: 'up', at: { x: at[0], y: at[1] } },
  ];
}
