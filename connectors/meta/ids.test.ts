import { describe, expect, it } from 'vitest';
import { ObjectId, PersonId, isPlaceholderId } from './ids.ts';

describe('Meta ids', () => {
  it('normalises numeric ids (older payloads) to strings, and keeps strings as they are', () => {
    expect(PersonId.parse(987654321432)).toBe('987654321432');
    expect(PersonId.parse('2150393045080607')).toBe('2150393045080607');
    expect(ObjectId.parse('__proto__')).toBe('__proto__');
  });

  it('refuses a number past 2^53: JSON.parse already rounded it, so its digits are wrong', () => {
    const rounded = JSON.parse('{"id":17887498072083521}').id as number;
    expect(String(rounded)).not.toBe('17887498072083521');
    const result = PersonId.safeParse(rounded);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/2\^53/);
    expect(PersonId.safeParse(Number.MAX_SAFE_INTEGER).success).toBe(true);
  });

  it('refuses empty, negative, fractional and over-long ids', () => {
    for (const bad of ['', -1, 1.5, 'x'.repeat(65), null, {}]) expect(PersonId.safeParse(bad).success, String(bad)).toBe(false);
    expect(ObjectId.safeParse('m'.repeat(300)).success).toBe(true);
    expect(ObjectId.safeParse('m'.repeat(301)).success).toBe(false);
  });

  it('recognises docs placeholders and nothing a real id looks like', () => {
    for (const placeholder of ['<PSID>', '<PAGE_ID>', 'USER_ID', 'PSID', 'IGSID', '{{page-id}}']) expect(isPlaceholderId(placeholder), placeholder).toBe(true);
    for (const real of ['1234567890321', '0', '17841400008460056', 'm_AG5Hz2Uq7tuw', 'external_id']) expect(isPlaceholderId(real), real).toBe(false);
  });
});
