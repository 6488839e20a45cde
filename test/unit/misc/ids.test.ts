import { describe, expect, it } from 'vitest';

import { hasPrefix, newId } from '../../../lib/ids';

describe('newId', () => {
  it('prefixes the kind and uses only base32 characters', () => {
    expect(newId('alert')).toMatch(/^alt_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(hasPrefix(newId('delivery'), 'delivery')).toBe(true);
  });

  it('accepts a fractional millisecond time', () => {
    expect(newId('alert', 1_796_419_000_123.456)).toMatch(/^alt_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('sorts by creation time', () => {
    const earlier = newId('event', 1_700_000_000_000);
    const later = newId('event', 1_700_000_000_001);
    expect(earlier.slice(0, 14) < later.slice(0, 14)).toBe(true);
  });
});
