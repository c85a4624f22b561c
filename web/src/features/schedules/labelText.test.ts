import { describe, expect, it } from 'vitest';
import { formatLabel, parseLabel, parseLabels } from './labelText';

describe('parseLabel', () => {
  it('reads key=value, trimming the space around each', () => {
    expect(parseLabel(' team = payments ')).toEqual({ label: { key: 'team', value: 'payments' } });
  });

  it('takes an empty value and a key with a DNS prefix', () => {
    expect(parseLabel('beta=')).toEqual({ label: { key: 'beta', value: '' } });
    expect(parseLabel('example.com/tier=gold')).toEqual({ label: { key: 'example.com/tier', value: 'gold' } });
  });

  it.each([
    ['team', '"team" is not key=value (for example team=payments)'],
    ['=x', '"" is not a label key'],
    ['-team=x', '"-team" is not a label key'],
    ['Example.com/tier=x', 'the prefix before "/" must be a DNS subdomain'],
    ['team=pay ments', '"pay ments" is not a label value'],
    [`team=${'v'.repeat(64)}`, 'is not a label value'],
  ])('refuses %s, saying why', (text, reason) => {
    expect(parseLabel(text).error).toContain(reason);
  });

  it('writes a label back as it is typed', () => {
    expect(formatLabel({ key: 'env', value: 'prod' })).toBe('env=prod');
  });
});

describe('parseLabels', () => {
  it('keeps the order given', () => {
    expect(parseLabels(['team=payments', 'env=prod'])).toEqual({
      labels: [
        { key: 'team', value: 'payments' },
        { key: 'env', value: 'prod' },
      ],
    });
  });

  it('refuses a key given twice', () => {
    expect(parseLabels(['env=prod', 'env=test']).error).toBe('The key "env" is given more than once');
  });

  it('refuses more than 20 labels', () => {
    const many = Array.from({ length: 21 }, (_, n) => `k${n}=v`);
    expect(parseLabels(many).error).toBe('21 labels: at most 20');
  });
});
