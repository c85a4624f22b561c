import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Target } from '../../api/types';
import { accessibilityViolations } from '../../test/axe';
import { aTarget } from '../../test/builders';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { ScheduleForm } from '../schedules/ScheduleForm';
import { TargetsPanel } from './TargetsPanel';

const HOOK = aTarget({
  name: 'billing',
  kind: 'WEBHOOK',
  url: 'https://hooks.example.com/billing',
  timeoutSeconds: 10,
  contentType: null,
  retry: { maxAttempts: 8, maxAgeSeconds: 115200 },
});
const SECRET = 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0';

const error = (typename: string, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  __typename: typename,
  code,
  message,
  ...extra,
});

async function cardOf(name: string) {
  const list = await screen.findByRole('list', { name: 'Targets' });
  return within(list)
    .getAllByTestId('target-card')
    .find((card) => card.dataset.name === name)!;
}

describe('TargetsPanel, webhooks', () => {
  it('registers a webhook and shows its secret once, with a copy button, then refreshes the list', async () => {
    const targets: Target[] = [aTarget({ name: 'default', default: true, builtIn: true, createdAt: null })];
    const api = fakeGraphql({
      Targets: () => ({ targets }),
      CreateWebhookTarget: () => {
        targets.push(HOOK);
        return { createWebhookTarget: { __typename: 'WebhookTargetWithSecret', secret: SECRET, target: HOOK } };
      },
    });
    const user = userEvent.setup();
    const { store } = renderWithStore(<TargetsPanel />);

    await user.click(await screen.findByTestId('add-webhook'));
    await screen.findByTestId('webhook-form');
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'billing');
    await user.type(screen.getByRole('textbox', { name: /^URL/ }), HOOK.url);
    await user.type(screen.getByRole('textbox', { name: /^Attempts/ }), '3');
    await user.click(screen.getByTestId('save-webhook'));

    const reveal = await screen.findByTestId('secret-reveal');
    expect(api.callsOf('CreateWebhookTarget')[0].variables.input).toEqual({
      name: 'billing',
      url: HOOK.url,
      default: false,
      timeoutSeconds: null,
      contentType: null,
      retry: { maxAttempts: 3, maxAgeSeconds: null },
    });
    expect(within(reveal).getByTestId('secret-value')).toHaveTextContent(SECRET);
    expect(reveal).toHaveTextContent('you will not see it again');
    expect(within(reveal).getByRole('button', { name: 'Copy the secret' })).toBeVisible();
    expect(screen.queryByTestId('webhook-form')).not.toBeInTheDocument();
    expect(await cardOf('billing')).toHaveTextContent('Times out after 10 s; 8 attempts within 32 h.');
    expect(api.callsOf('Targets')).toHaveLength(2);
    expect(await accessibilityViolations()).toEqual([]);

    await user.click(within(reveal).getByTestId('dismiss-secret'));
    expect(screen.queryByTestId('secret-reveal')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(JSON.stringify(store.getState())).not.toContain(SECRET);
  });

  it("shows the API's problems beside the fields they name", async () => {
    fakeGraphql({
      Targets: () => ({ targets: [] }),
      CreateWebhookTarget: () => ({
        createWebhookTarget: error('ValidationError', 'validation_failed', 'invalid', {
          problems: [
            { field: 'url', message: 'must be https, to a public address' },
            { field: 'retry.maxAttempts', message: 'must be 1..10 attempts, got 12' },
            { field: 'kind', message: 'must be webhook' },
          ],
        }),
      }),
    });
    const user = userEvent.setup();
    renderWithStore(<TargetsPanel />);

    await user.click(await screen.findByTestId('add-webhook'));
    await screen.findByTestId('webhook-form');
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'billing');
    await user.type(screen.getByRole('textbox', { name: /^URL/ }), 'http://10.0.0.1/hook');
    await user.type(screen.getByRole('textbox', { name: /^Attempts/ }), '12');
    await user.click(screen.getByTestId('save-webhook'));

    const url = screen.getByRole('textbox', { name: /^URL/ });
    await waitFor(() => expect(url).toHaveAccessibleDescription(/url must be https, to a public address/));
    expect(screen.getByRole('textbox', { name: /^Attempts/ })).toHaveAccessibleDescription(
      /retry.maxAttempts must be 1..10 attempts, got 12/,
    );
    expect(screen.getByTestId('webhook-form-errors')).toHaveTextContent('kind must be webhook');
    expect(screen.queryByTestId('secret-reveal')).not.toBeInTheDocument();
  });

  it('asks for a name and a URL before asking the API', async () => {
    const api = fakeGraphql({ Targets: () => ({ targets: [] }) });
    const user = userEvent.setup();
    renderWithStore(<TargetsPanel />);

    await user.click(await screen.findByTestId('add-webhook'));
    await screen.findByTestId('webhook-form');
    await user.click(screen.getByTestId('save-webhook'));

    expect(screen.getByRole('textbox', { name: /^Name/ })).toHaveAccessibleDescription(/Give the webhook a name/);
    expect(api.callsOf('CreateWebhookTarget')).toHaveLength(0);
  });

  it('rotates a secret: the new one shown once, the old one said to work for 24 hours', async () => {
    const api = fakeGraphql({
      Targets: () => ({ targets: [HOOK] }),
      RotateTargetSecret: () => ({
        rotateTargetSecret: { __typename: 'WebhookTargetWithSecret', secret: SECRET, target: HOOK },
      }),
    });
    const user = userEvent.setup();
    const { store } = renderWithStore(<TargetsPanel />);

    await user.click(within(await cardOf('billing')).getByRole('button', { name: 'Rotate secret of billing' }));

    const reveal = await screen.findByTestId('secret-reveal');
    expect(api.callsOf('RotateTargetSecret')[0].variables).toEqual({ name: 'billing' });
    expect(reveal).toHaveTextContent('The new secret of billing');
    expect(reveal).toHaveTextContent('The old secret keeps working for 24 hours');
    expect(within(reveal).getByTestId('secret-value')).toHaveTextContent(SECRET);
    await waitFor(() => expect(api.callsOf('Targets')).toHaveLength(2));
    expect(JSON.stringify(store.getState())).not.toContain(SECRET);
  });

  it("says why a rotation was refused, in the API's words", async () => {
    fakeGraphql({
      Targets: () => ({ targets: [HOOK] }),
      RotateTargetSecret: () => ({
        rotateTargetSecret: error('ForbiddenError', 'forbidden', "target 'billing' is an sqs target: only operators"),
      }),
    });
    const user = userEvent.setup();
    renderWithStore(<TargetsPanel />);

    await user.click(within(await cardOf('billing')).getByTestId('rotate-secret'));

    expect(await screen.findByTestId('rotate-failure')).toHaveTextContent('only operators');
    expect(screen.queryByTestId('secret-reveal')).not.toBeInTheDocument();
  });

  it('offers no rotation or deletion for SQS queues, which are operators', async () => {
    fakeGraphql({ Targets: () => ({ targets: [aTarget({ name: 'orders' }), HOOK] }) });
    renderWithStore(<TargetsPanel />);

    const queue = await cardOf('orders');
    expect(within(queue).queryByRole('button', { name: /Rotate|Delete/ })).not.toBeInTheDocument();
    expect(queue).toHaveTextContent('Operators change it.');
    expect(within(await cardOf('billing')).getByTestId('delete-target')).toBeVisible();
  });

  it('deletes a webhook after asking, and refreshes the list', async () => {
    let targets: Target[] = [HOOK];
    const api = fakeGraphql({
      Targets: () => ({ targets }),
      DeleteTarget: ({ name }) => {
        targets = [];
        return { deleteTarget: { __typename: 'DeletedTarget', name } };
      },
    });
    const user = userEvent.setup();
    renderWithStore(<TargetsPanel />);

    await user.click(within(await cardOf('billing')).getByRole('button', { name: 'Delete billing' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this webhook?' });
    expect(within(dialog).getByTestId('delete-target-name')).toHaveTextContent('billing');
    expect(api.callsOf('DeleteTarget')).toHaveLength(0);
    await user.click(within(dialog).getByTestId('confirm-delete-target'));

    expect(await screen.findByTestId('targets-empty')).toBeVisible();
    expect(screen.getByTestId('target-removed')).toHaveTextContent('billing was deleted.');
    expect(api.callsOf('DeleteTarget')[0].variables).toEqual({ name: 'billing' });
  });

  it('says so when the webhook was already removed', async () => {
    fakeGraphql({
      Targets: () => ({ targets: [HOOK] }),
      DeleteTarget: () => ({
        deleteTarget: error('TargetNotFoundError', 'not_found', "namespace 'default' has no target", {
          name: 'billing',
        }),
      }),
    });
    const user = userEvent.setup();
    renderWithStore(<TargetsPanel />);

    await user.click(within(await cardOf('billing')).getByTestId('delete-target'));
    await user.click(await screen.findByTestId('confirm-delete-target'));

    expect(await screen.findByTestId('delete-target-failure')).toHaveTextContent(
      'billing is no longer a target of this namespace',
    );
  });

  it("offers a webhook just registered in an open schedule form's target select", async () => {
    const targets: Target[] = [aTarget({ name: 'orders', default: true })];
    fakeGraphql({
      Targets: () => ({ targets }),
      TimeZones: () => ({ timeZones: { names: ['UTC'], aliases: [] } }),
      PreviewSchedule: () => ({ previewSchedule: { __typename: 'Preview', timezone: 'UTC', runs: [] } }),
      CreateWebhookTarget: () => {
        targets.push(HOOK);
        return { createWebhookTarget: { __typename: 'WebhookTargetWithSecret', secret: SECRET, target: HOOK } };
      },
    });
    const user = userEvent.setup();
    renderWithStore(
      <>
        <ScheduleForm onDone={() => {}} />
        <TargetsPanel />
      </>,
    );
    await cardOf('orders');

    await user.click(screen.getByTestId('add-webhook'));
    const form = within(await screen.findByTestId('webhook-form'));
    await user.type(form.getByRole('textbox', { name: /^Name/ }), 'billing');
    await user.type(form.getByRole('textbox', { name: /^URL/ }), HOOK.url);
    await user.click(screen.getByTestId('save-webhook'));
    await cardOf('billing');

    await user.click(screen.getByRole('textbox', { name: 'Target' }));
    const offered = within(await screen.findByRole('listbox', { name: 'Target', hidden: true }))
      .getAllByRole('option', { hidden: true })
      .map((option) => option.textContent);
    expect(offered).toContain('billing');
  });
});
