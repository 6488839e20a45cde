import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeEqual } from '../../../lib/ingest/schemes/constant-time';

describe('safeEqual', () => {
  it('accepts equal strings', () => {
    expect(safeEqual('abc123', 'abc123')).toBe(true);
  });

  it('rejects strings that differ in one character', () => {
    expect(safeEqual('abc123', 'abc124')).toBe(false);
  });

  it('rejects different lengths without throwing', () => {
    expect(() => safeEqual('abc', 'abcd')).not.toThrow();
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });

  it('accepts two empty values', () => {
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual(new Uint8Array(0), '')).toBe(true);
  });

  it('compares strings as UTF-8 bytes', () => {
    const text = 'Crème 🍮';
    expect(safeEqual(text, new TextEncoder().encode(text))).toBe(true);
    expect(safeEqual(text, new TextEncoder().encode(text.normalize('NFD')))).toBe(false);
  });

  it('matches === on random strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(safeEqual(a, b)).toBe(a === b);
        expect(safeEqual(a, a)).toBe(true);
      }),
    );
  });
});
