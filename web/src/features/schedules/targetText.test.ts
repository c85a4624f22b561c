import { describe, expect, it } from 'vitest';
import { aTarget } from '../../test/builders';
import { DEFAULT_CHOICE, targetChoices, targetError, targetLabel, targetUrl } from './targetText';

const orders = aTarget({ name: 'orders', default: true });
const audit = aTarget({ name: 'audit', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/audit' });
const stack = aTarget({ name: 'default', default: true, builtIn: true, createdAt: null });

describe('targetLabel', () => {
  it("names a schedule's own target, or the default and which target that is", () => {
    expect(targetLabel('audit', [orders, audit])).toBe('audit');
    expect(targetLabel(null, [orders, audit])).toBe('default (orders)');
    expect(targetLabel(null, [stack])).toBe('default');
    expect(targetLabel(null, undefined)).toBe('default');
    expect(targetLabel(null, [audit])).toBe('default');
  });
});

describe('targetUrl', () => {
  it('is the queue of the named target, or of the default', () => {
    expect(targetUrl('audit', [orders, audit])).toBe(audit.url);
    expect(targetUrl(null, [orders, audit])).toBe(orders.url);
    expect(targetUrl('gone', [orders, audit])).toBeUndefined();
  });
});

describe('targetChoices', () => {
  it('offers the default first, naming it, then every target by name', () => {
    expect(targetChoices([audit, orders], null)).toEqual([
      { value: DEFAULT_CHOICE, label: "The namespace's default (orders)" },
      { value: 'audit', label: 'audit' },
      { value: 'orders', label: 'orders' },
    ]);
  });

  it('says when the namespace has no default', () => {
    expect(targetChoices([audit], null)[0].label).toBe("The namespace's default (it has none: choose a target)");
  });

  it('keeps a target the schedule names that the namespace no longer has, marked', () => {
    expect(targetChoices([orders], 'gone').at(-1)).toEqual({
      value: 'gone',
      label: 'gone (no longer a target of this namespace)',
    });
  });

  it("offers the default and the schedule's own target while the targets are not known", () => {
    expect(targetChoices(undefined, 'audit')).toEqual([
      { value: DEFAULT_CHOICE, label: "The namespace's default" },
      { value: 'audit', label: 'audit' },
    ]);
  });
});

describe('targetError', () => {
  it('refuses no target in a namespace without a default, and a target it does not have', () => {
    expect(targetError(null, [audit])).toMatch(/no default target: choose one/);
    expect(targetError('gone', [orders])).toBe('gone is not a target of this namespace');
    expect(targetError(null, [orders])).toBeUndefined();
    expect(targetError('audit', [orders, audit])).toBeUndefined();
    expect(targetError('anything', undefined)).toBeUndefined();
  });
});
