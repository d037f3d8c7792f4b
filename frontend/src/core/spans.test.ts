import { describe, expect, it } from 'vitest';
import {
  addSpan,
  cpLength,
  cpSlice,
  cpToUtf16,
  moveCaret,
  normalizeSelection,
  segments,
  spanLevels,
  utf16ToCp,
  wordBoundary,
} from './spans';

describe('character offsets', () => {
  const text = '我爱😀北京'; // the emoji is two UTF-16 units, one character

  it('counts characters as Python does', () => {
    expect(text.length).toBe(6);
    expect(cpLength(text)).toBe(5);
  });

  it('converts UTF-16 indices to character offsets and back', () => {
    expect(utf16ToCp(text, 4)).toBe(3);
    expect(cpToUtf16(text, 3)).toBe(4);
    expect(cpSlice(text, 3, 5)).toBe('北京');
  });
});

describe('span selection', () => {
  it('orders a backwards selection and trims the spaces around it', () => {
    expect(normalizeSelection('  Alice met Bob ', 7, 1)).toEqual({ start: 2, end: 7 });
  });

  it('selects CJK text by character offsets', () => {
    const text = '张三在北京工作';
    const sel = normalizeSelection(text, 3, 5);
    expect(sel).toEqual({ start: 3, end: 5 });
    expect(cpSlice(text, 3, 5)).toBe('北京');
  });

  it('refuses a selection of whitespace only', () => {
    expect(normalizeSelection('a   b', 1, 4)).toBeNull();
  });

  it('does not add the same span twice', () => {
    const s = addSpan([{ start: 0, end: 2, label: 'PER' }], { start: 0, end: 2, label: 'PER' });
    expect(s).toHaveLength(1);
  });

  it('cuts overlapping spans into segments that know their spans', () => {
    const spans = [
      { start: 0, end: 4, label: 'ORG' },
      { start: 2, end: 6, label: 'LOC' },
    ];
    const segs = segments('北京大学附属医院', spans);
    expect(segs.map((s) => [s.text, s.spans])).toEqual([
      ['北京', [0]],
      ['大学', [0, 1]],
      ['附属', [1]],
      ['医院', []],
    ]);
  });

  it('stacks overlapping spans on different levels', () => {
    expect(
      spanLevels([
        { start: 0, end: 4, label: 'A' },
        { start: 2, end: 6, label: 'B' },
        { start: 6, end: 8, label: 'C' },
      ]),
    ).toEqual([0, 1, 0]);
  });

  it('extends a keyboard selection with Shift and collapses without it', () => {
    let c = { anchor: 2, focus: 2 };
    c = moveCaret(c, 1, true, 10);
    c = moveCaret(c, 1, true, 10);
    expect(c).toEqual({ anchor: 2, focus: 4 });
    expect(moveCaret(c, 1, false, 10)).toEqual({ anchor: 5, focus: 5 });
    expect(moveCaret({ anchor: 9, focus: 9 }, 5, false, 10)).toEqual({ anchor: 10, focus: 10 });
  });

  it('moves by word over Latin words and by character over Chinese', () => {
    expect(wordBoundary('Alice met Bob', 0, 1)).toBe(5);
    expect(wordBoundary('Alice met Bob', 5, 1)).toBe(9);
    expect(wordBoundary('张三在北京', 1, 1)).toBe(2);
    expect(wordBoundary('Alice met Bob', 9, -1)).toBe(6);
  });
});
