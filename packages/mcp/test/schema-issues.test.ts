import { describe, expect, it } from 'vitest';
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { errorText, issueText } from '../src/errors.js';
import { issueTexts } from '../src/tool-args.js';
import { checkOutput, validateArguments } from '../src/v2-schemas.js';

// A Standard Schema whose issues carry paths as both spellings of the spec: keys and { key } segments.
const failing = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: () => ({ issues: [{ message: 'Required', path: ['count'] }, { message: 'Expected string', path: ['items', { key: 2 }, 'name'] }, { message: 'Expected object' }] }),
    jsonSchema: { input: () => ({}), output: () => ({}) },
  },
} as unknown as StandardSchemaWithJSON;

describe('schema issues, in the same words on both SDKs', () => {
  it('says the field path of each issue the way SDK v1 does', () => {
    expect(issueText({ message: 'Required', path: ['items', 2, 'name'] })).toBe('items[2].name: Required');
    expect(issueText({ message: 'Required', path: [{ key: 'a' }, { key: 0 }] })).toBe('a[0]: Required');
    expect(issueText({ message: 'Bad' })).toBe('Bad');
    const zodError = z.object({ items: z.array(z.object({ name: z.string() })) }).safeParse({ items: [{ name: 'a' }, { name: 1 }] }).error;
    expect(issueTexts(zodError)).toEqual([expect.stringMatching(/^items\[1\]\.name: /)]);
  });

  it('keeps the field path in v2 output and argument errors', async () => {
    const output = await checkOutput('t', failing, { content: [], structuredContent: {} });
    expect(errorText(output!)).toBe('Invalid output of tool t: count: Required; items[2].name: Expected string; Expected object');
    const args = await validateArguments('t', failing, {});
    expect(args.ok).toBe(false);
    expect(errorText((args as { problem: Parameters<typeof errorText>[0] }).problem)).toBe('Invalid arguments for tool t: count: Required; items[2].name: Expected string; Expected object');
  });
});
