// What the Webhooks page and an endpoint's page share: the status badge, the event-type chooser,
// the add/edit form and the secret shown once.
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { request } from '../api';
import { dateTime } from '../format';
import {
  CreateWebhookEndpointDocument,
  UpdateWebhookEndpointDocument,
  type WebhookEndpointFieldsFragment,
} from '../gql/graphql';
import { CopyField } from './CopyField';

export type Endpoint = WebhookEndpointFieldsFragment;

/** The change feed's event types (docs/changes.md), grouped as a person looks for them. */
export const EVENT_TYPE_GROUPS: Array<{ label: string; types: string[] }> = [
  {
    label: 'Users',
    types: ['user.created', 'user.updated', 'user.disabled', 'user.enabled', 'user.deleted', 'user.restored'],
  },
  { label: 'Groups', types: ['group.created', 'group.updated', 'group.deleted', 'group.restored'] },
  { label: 'Memberships', types: ['group.member_added', 'group.member_removed'] },
  { label: 'Roles', types: ['role.assigned', 'role.unassigned'] },
  {
    label: 'Credentials',
    types: ['scim_token.created', 'scim_token.revoked', 'api_key.created', 'api_key.revoked'],
  },
  { label: 'Alerts', types: ['directory.mass_deprovisioning', 'webhook.endpoint_disabled'] },
  {
    label: 'Webhooks',
    types: [
      'webhook.endpoint_created',
      'webhook.endpoint_updated',
      'webhook.secret_rotated',
      'webhook.endpoint_deleted',
    ],
  },
];

const DISABLED_REASONS: Record<NonNullable<Endpoint['disabledReason']>, string> = {
  MANUAL: 'turned off by an administrator',
  GONE: 'the receiver answered 410 Gone',
  FAILING: 'every attempt failed for 3 days',
};

export function EndpointStatusBadge({ endpoint }: { endpoint: Endpoint }) {
  switch (endpoint.status) {
    case 'ACTIVE':
      return (
        <Badge color="green" variant="light">
          Active
        </Badge>
      );
    case 'FAILING':
      return (
        <Badge color="red" variant="light">
          Failing
        </Badge>
      );
    case 'DISABLED':
      return <Badge color="gray">Disabled</Badge>;
  }
}

/** One sentence on how the endpoint is doing, for beside the badge. */
export function statusDetail(e: Endpoint): string {
  if (e.status === 'DISABLED')
    return `Disabled ${dateTime(e.disabledAt)}${e.disabledReason ? `: ${DISABLED_REASONS[e.disabledReason]}` : ''}.`;
  if (e.status === 'FAILING')
    return `Every attempt since ${dateTime(e.failingSince)} failed; it is disabled after 3 days of failures.`;
  return e.lastSuccessAt
    ? `Last delivered ${dateTime(e.lastSuccessAt)}.`
    : 'No event delivered yet (test events do not count).';
}

export function eventTypesText(types: readonly string[]): string {
  return types.length === 0 ? 'All event types' : types.join(', ');
}

/** The later of the last success and the last failure, with which it was. */
export function lastDelivery(e: Endpoint): { at: string; ok: boolean } | null {
  const s = e.lastSuccessAt ? new Date(e.lastSuccessAt).getTime() : -1;
  const f = e.lastFailureAt ? new Date(e.lastFailureAt).getTime() : -1;
  if (s < 0 && f < 0) return null;
  return s >= f ? { at: e.lastSuccessAt!, ok: true } : { at: e.lastFailureAt!, ok: false };
}

/** All types (empty list), or the ones ticked; types set over the API but not listed here stay choosable. */
function EventTypesField({
  all,
  chosen,
  onAll,
  onChosen,
  error,
}: {
  all: boolean;
  chosen: string[];
  onAll: (all: boolean) => void;
  onChosen: (types: string[]) => void;
  error: string | undefined;
}) {
  const known = new Set(EVENT_TYPE_GROUPS.flatMap((g) => g.types));
  const other = chosen.filter((t) => !known.has(t));
  const groups =
    other.length > 0 ? [...EVENT_TYPE_GROUPS, { label: 'Other', types: other }] : EVENT_TYPE_GROUPS;
  return (
    <Stack gap="xs">
      <Radio.Group label="Events to send" value={all ? 'all' : 'chosen'} onChange={(v) => onAll(v === 'all')}>
        <Stack gap={6} mt={6}>
          <Radio value="all" label="All event types, including types added later" />
          <Radio value="chosen" label="Only the types I choose" />
        </Stack>
      </Radio.Group>
      {all ? null : (
        <Checkbox.Group label="Event types" value={chosen} onChange={onChosen} error={error}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt={6} spacing="sm">
            {groups.map((g) => (
              <Stack key={g.label} gap={4} role="group" aria-label={g.label}>
                <Text size="sm" fw={600} aria-hidden>
                  {g.label}
                </Text>
                {g.types.map((t) => (
                  <Checkbox key={t} value={t} label={<code>{t}</code>} />
                ))}
              </Stack>
            ))}
          </SimpleGrid>
        </Checkbox.Group>
      )}
    </Stack>
  );
}

/** A secret shown once, with Copy and the warning. */
export function SecretShownOnce({ secret, note }: { secret: string; note: string }) {
  return (
    <Stack>
      <CopyField label="Signing secret" value={secret} />
      <Alert color="yellow" title="Shown once">
        Copy it now into your receiver’s configuration: it verifies the <code>webhook-signature</code> header
        with it. It cannot be shown again. {note}
      </Alert>
    </Stack>
  );
}

/** Add (no endpoint) or edit an endpoint. Adding ends on the new secret, shown once. */
export function EndpointFormModal({
  opened,
  endpoint,
  tenantId,
  onClose,
  onSaved,
}: {
  opened: boolean;
  endpoint?: Endpoint | undefined;
  tenantId: string;
  onClose: () => void;
  onSaved: (endpoint: Endpoint) => void;
}) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [enabled, setEnabled] = useState(true);
  const [urlError, setUrlError] = useState<string>();
  const [typesError, setTypesError] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [secret, setSecret] = useState<string>();

  // Fill the form each time it opens (not when a poll refreshes the endpoint while one types).
  const current = useRef(endpoint);
  current.current = endpoint;
  useEffect(() => {
    if (!opened) return;
    const e = current.current;
    setUrl(e?.url ?? '');
    setDescription(e?.description ?? '');
    setAll(!e || e.eventTypes.length === 0);
    setChosen(e ? [...e.eventTypes] : []);
    setEnabled(e?.enabled ?? true);
    setUrlError(undefined);
    setTypesError(undefined);
    setError(undefined);
    setSecret(undefined);
  }, [opened]);

  const close = () => {
    setSecret(undefined);
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const trimmed = url.trim();
    const badUrl = !/^https?:\/\/\S+$/i.test(trimmed)
      ? 'Enter the full URL your receiver listens on, starting with https:// (or http://).'
      : undefined;
    const badTypes = !all && chosen.length === 0 ? 'Choose at least one event type.' : undefined;
    setUrlError(badUrl);
    setTypesError(badTypes);
    if (badUrl || badTypes) return;
    const eventTypes = all ? [] : chosen;
    setPending(true);
    try {
      if (endpoint) {
        // Only what changed: "enabled: true" on an enabled endpoint would also clear its failing state.
        const same = (a: readonly string[], b: readonly string[]) =>
          a.length === b.length && [...a].sort().join() === [...b].sort().join();
        const { updateWebhookEndpoint } = await request(
          UpdateWebhookEndpointDocument,
          {
            id: endpoint.id,
            input: {
              ...(trimmed !== endpoint.url ? { url: trimmed } : {}),
              ...(description.trim() !== endpoint.description ? { description: description.trim() } : {}),
              ...(!same(eventTypes, endpoint.eventTypes) ? { eventTypes } : {}),
              ...(enabled !== endpoint.enabled ? { enabled } : {}),
            },
          },
          { tenantId },
        );
        onSaved(updateWebhookEndpoint);
        onClose();
      } else {
        const { createWebhookEndpoint } = await request(
          CreateWebhookEndpointDocument,
          { input: { url: trimmed, description: description.trim(), eventTypes } },
          { tenantId },
        );
        setSecret(createWebhookEndpoint.secret);
        onSaved(createWebhookEndpoint.endpoint);
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={secret ? 'Endpoint added' : endpoint ? 'Edit endpoint' : 'Add endpoint'}
      size="lg"
      withCloseButton={false}
      closeOnClickOutside={!secret}
    >
      {secret ? (
        <Stack>
          <SecretShownOnce
            secret={secret}
            note="The endpoint receives the events committed from now on; send a test event to try it."
          />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Endpoint URL"
              description="CheckProof POSTs each event here, signed per the Standard Webhooks spec."
              placeholder="https://example.com/webhooks/checkproof"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={urlError}
              required
              data-autofocus
            />
            <Textarea
              label="Description"
              description="Optional: what receives these events, who runs it."
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              maxLength={500}
              autosize
              minRows={1}
            />
            <EventTypesField
              all={all}
              chosen={chosen}
              onAll={setAll}
              onChosen={setChosen}
              error={typesError}
            />
            {endpoint ? (
              <Switch
                label="Enabled"
                description="Off stops deliveries and cancels the pending ones. On again, it receives the events committed from then on."
                checked={enabled}
                onChange={(e) => setEnabled(e.currentTarget.checked)}
              />
            ) : null}
            {error ? (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={pending}>
                {endpoint ? 'Save' : 'Add endpoint'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
