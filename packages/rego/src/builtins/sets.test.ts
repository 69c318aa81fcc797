import { describe, expect, it } from 'vitest';
import { SetValue } from '../value.ts';
import { call, errorOf } from './test-support.ts';

const s = (...xs: (number | string)[]) => new SetValue(xs);

describe('sets', () => {
  it('and / or', () => {
    expect(call('and', s(1, 2, 3), s(2, 3, 4))).toEqual(s(2, 3));
    expect(call('or', s(1), s(2))).toEqual(s(1, 2));
    expect(errorOf('and', s(1), [1])).toEqual({ code: 'eval_type_error', message: 'and: operand 2 must be set but got array' });
  });
  it('intersection / union of a set of sets', () => {
    expect(call('intersection', new SetValue([s(1, 2), s(2, 3)]))).toEqual(s(2));
    expect(call('intersection', new SetValue())).toEqual(new SetValue());
    expect(call('union', new SetValue([s(), s(1, 2), s(3)]))).toEqual(s(1, 2, 3));
    expect(errorOf('union', s(1)).message).toBe('union: operand 1 must be set of sets but got set containing number');
  });
});
