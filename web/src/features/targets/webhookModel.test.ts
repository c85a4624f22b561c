import { describe, expect, it } from 'vitest';
import { emptyWebhook, toWebhookInput, webhookProblems } from './webhookModel';

describe('the webhook form model', () => {
  it('sends empty settings as null, for the API to take its defaults', () => {
    expect(toWebhookInput({ ...emptyWebhook, name: ' billing ', url: 'https://hooks.example.com/a ' })).toEqual({
      name: 'billing',
      url: 'https://hooks.example.com/a',
      default: false,
      timeoutSeconds: null,
      contentType: null,
      retry: null,
    });
  });

  it('sends the settings given, numbers as numbers', () => {
    const input = toWebhookInput({
      ...emptyWebhook,
      name: 'a',
      url: 'https://x.example.com',
      default: true,
      timeoutSeconds: '2.5',
      contentType: 'text/plain',
      maxAgeSeconds: 60,
    });
    expect(input).toMatchObject({
      default: true,
      timeoutSeconds: 2.5,
      contentType: 'text/plain',
      retry: { maxAttempts: null, maxAgeSeconds: 60 },
    });
  });

  it("places the API's retry problems beside the retry fields", () => {
    expect(
      webhookProblems([
        { field: 'retry.maxAgeSeconds', message: 'must be 1..345600 seconds, got 0' },
        { field: 'retry', message: 'is odd' },
      ]),
    ).toEqual({
      fields: { maxAgeSeconds: 'retry.maxAgeSeconds must be 1..345600 seconds, got 0' },
      general: ['retry is odd'],
    });
  });
});
