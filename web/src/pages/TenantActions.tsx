import {
  Alert,
  Button,
  Checkbox,
  Group,
  List,
  Menu,
  Modal,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { request } from '../api';
import { CopyField } from '../components/CopyField';
import {
  DeleteTenantDocument,
  OperatorRevokeScimTokensDocument,
  OperatorRotateScimTokenDocument,
  ResumeTenantDocument,
  SuspendTenantDocument,
  UpdateTenantDocument,
  type DeleteTenantMutation,
  type TenantsQuery,
} from '../gql/graphql';

type Tenant = TenantsQuery['tenantsConnection']['edges'][number]['node'];
type Action = 'rename' | 'suspend' | 'resume' | 'rotate' | 'revoke' | 'delete';

/** Runs a mutation for a form: pending flag, the error's message, and the result. */
function useSubmit<T>(run: () => Promise<T>, done: (result: T) => void) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(undefined);
    setPending(true);
    try {
      done(await run());
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  };
  return { pending, error, submit };
}

function Failure({ error }: { error: string | undefined }) {
  return error ? (
    <Alert color="red" role="alert">
      {error}
    </Alert>
  ) : null;
}

function Buttons({ onCancel, children }: { onCancel: () => void; children: ReactNode }) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      {children}
    </Group>
  );
}

function RenameForm({ tenant, onDone }: { tenant: Tenant; onDone: (changed: boolean) => void }) {
  const [name, setName] = useState(tenant.name);
  const [slug, setSlug] = useState(tenant.slug);
  const { pending, error, submit } = useSubmit(
    () => request(UpdateTenantDocument, { id: tenant.id, input: { name: name.trim(), slug: slug.trim() } }),
    () => onDone(true),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label="Slug"
          description="Lower-case letters, digits and hyphens; unique."
          required
          value={slug}
          onChange={(e) => setSlug(e.currentTarget.value)}
        />
        <Text size="sm">
          The Provisioning URL names the tenant by its id, so it does not change: nothing to update in Entra.
        </Text>
        <Failure error={error} />
        <Buttons onCancel={() => onDone(false)}>
          <Button type="submit" loading={pending} disabled={!name.trim() || !slug.trim()}>
            Save
          </Button>
        </Buttons>
      </Stack>
    </form>
  );
}

function SuspendForm({ tenant, onDone }: { tenant: Tenant; onDone: (changed: boolean) => void }) {
  const [reason, setReason] = useState('');
  const { pending, error, submit } = useSubmit(
    () => request(SuspendTenantDocument, { id: tenant.id, reason: reason.trim() }),
    () => onDone(true),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">While {tenant.name} is suspended, from the moment you confirm:</Text>
        <List size="sm">
          <List.Item>every request from Entra is refused (403, saying the tenant is suspended);</List.Item>
          <List.Item>its API keys, JWTs and administrators&apos; console sessions are refused;</List.Item>
          <List.Item>nothing is deleted, and you can still open it and resume it.</List.Item>
        </List>
        <Text size="sm">
          Entra may quarantine the provisioning job meanwhile; after resuming, the customer selects Restart
          provisioning in Entra.
        </Text>
        <Textarea
          label="Reason"
          description="For operators only; never shown to the customer or Entra."
          required
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          data-autofocus
        />
        <Failure error={error} />
        <Buttons onCancel={() => onDone(false)}>
          <Button type="submit" color="red" loading={pending} disabled={!reason.trim()}>
            Suspend tenant
          </Button>
        </Buttons>
      </Stack>
    </form>
  );
}

function ResumeForm({ tenant, onDone }: { tenant: Tenant; onDone: (changed: boolean) => void }) {
  const { pending, error, submit } = useSubmit(
    () => request(ResumeTenantDocument, { id: tenant.id }),
    () => onDone(true),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">
          Suspended {tenant.suspendedReason ? `for: ${tenant.suspendedReason}` : ''}. Resuming lets Entra, the
          tenant&apos;s API keys and its administrators in again at once.
        </Text>
        <Failure error={error} />
        <Buttons onCancel={() => onDone(false)}>
          <Button type="submit" loading={pending}>
            Resume tenant
          </Button>
        </Buttons>
      </Stack>
    </form>
  );
}

function RotateForm({ tenant, onDone }: { tenant: Tenant; onDone: (changed: boolean) => void }) {
  const [revokeOthers, setRevokeOthers] = useState(false);
  const [secret, setSecret] = useState<string>();
  const { pending, error, submit } = useSubmit(
    () => request(OperatorRotateScimTokenDocument, { tenantId: tenant.id, revokeOthers }),
    (d) => setSecret(d.rotateScimToken.scimToken),
  );
  if (secret)
    return (
      <Stack>
        <CopyField label="New secret token" value={secret} />
        <Alert color="yellow" title="The token is shown once">
          Copy it now and give it to the customer&apos;s IT administrator for Entra&apos;s Secret Token.
        </Alert>
        <Group justify="flex-end">
          <Button onClick={() => onDone(true)}>Done</Button>
        </Group>
      </Stack>
    );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">
          Issues a new SCIM Provisioning Secret Token for {tenant.name}. The current tokens keep working until
          revoked, so Entra is not interrupted.
        </Text>
        <Checkbox
          label="Revoke the current tokens now (a leaked token): Entra fails until it has the new one"
          checked={revokeOthers}
          onChange={(e) => setRevokeOthers(e.currentTarget.checked)}
        />
        <Failure error={error} />
        <Buttons onCancel={() => onDone(false)}>
          <Button type="submit" loading={pending}>
            Generate token
          </Button>
        </Buttons>
      </Stack>
    </form>
  );
}

function RevokeForm({ tenant, onDone }: { tenant: Tenant; onDone: (changed: boolean) => void }) {
  const { pending, error, submit } = useSubmit(
    () => request(OperatorRevokeScimTokensDocument, { tenantId: tenant.id }),
    () => onDone(true),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">
          Every SCIM token of {tenant.name} stops working at once: Entra is refused (401) until it is given a
          new token.
        </Text>
        <Failure error={error} />
        <Buttons onCancel={() => onDone(false)}>
          <Button type="submit" color="red" loading={pending}>
            Revoke all tokens
          </Button>
        </Buttons>
      </Stack>
    </form>
  );
}

function DeleteForm({ tenant, onDone }: { tenant: Tenant; onDone: (changed: boolean) => void }) {
  const [typed, setTyped] = useState('');
  const [deleted, setDeleted] = useState<DeleteTenantMutation['deleteTenant']>();
  const { pending, error, submit } = useSubmit(
    () => request(DeleteTenantDocument, { id: tenant.id, confirmSlug: typed }),
    (d) => setDeleted(d.deleteTenant),
  );
  if (deleted) {
    const c = deleted.counts;
    return (
      <Stack>
        <Text role="status">
          Deleted {deleted.name}: {c.users} users, {c.groups} groups, {c.memberships} memberships, {c.roles}{' '}
          roles, {c.scimTokens} SCIM tokens, {c.apiKeys} API keys, {c.webhookEndpoints} webhook endpoints,{' '}
          {c.provisioningLog} provisioning-log entries and {c.auditEvents} audit events.
        </Text>
        <Group justify="flex-end">
          <Button onClick={() => onDone(true)}>Done</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Alert color="red" title="This cannot be undone">
          Everything of {tenant.name} is deleted: users, groups, roles, history, tokens, API keys, logs,
          webhooks and its administrators&apos; sessions. Entra&apos;s requests will fail.
        </Alert>
        <TextInput
          label={`Type the slug ${tenant.slug} to confirm`}
          required
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          data-autofocus
        />
        <Failure error={error} />
        <Buttons onCancel={() => onDone(false)}>
          <Button type="submit" color="red" loading={pending} disabled={typed !== tenant.slug}>
            Delete tenant
          </Button>
        </Buttons>
      </Stack>
    </form>
  );
}

const TITLES: Record<Action, string> = {
  rename: 'Rename',
  suspend: 'Suspend',
  resume: 'Resume',
  rotate: 'New SCIM token for',
  revoke: 'Revoke SCIM tokens of',
  delete: 'Delete',
};

/** The operator's lifecycle actions on one tenant of the list: a menu, and a dialog per action. */
export function TenantActions({ tenant, onChanged }: { tenant: Tenant; onChanged: () => void }) {
  const [action, setAction] = useState<Action>();
  const done = (changed: boolean) => {
    setAction(undefined);
    if (changed) onChanged();
  };
  const Form = {
    rename: RenameForm,
    suspend: SuspendForm,
    resume: ResumeForm,
    rotate: RotateForm,
    revoke: RevokeForm,
    delete: DeleteForm,
  }[action ?? 'rename'];
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button size="xs" variant="default" aria-label={`Manage ${tenant.name}`}>
            Manage
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => setAction('rename')}>Rename…</Menu.Item>
          {tenant.suspendedAt ? (
            <Menu.Item onClick={() => setAction('resume')}>Resume…</Menu.Item>
          ) : (
            <Menu.Item onClick={() => setAction('suspend')}>Suspend…</Menu.Item>
          )}
          <Menu.Item onClick={() => setAction('rotate')}>New SCIM token…</Menu.Item>
          <Menu.Item onClick={() => setAction('revoke')}>Revoke SCIM tokens…</Menu.Item>
          <Menu.Divider />
          <Menu.Item color="red" onClick={() => setAction('delete')}>
            Delete…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={action !== undefined}
        onClose={() => done(false)}
        title={action ? `${TITLES[action]} ${tenant.name}` : ''}
        size="lg"
        withCloseButton={false}
        closeOnClickOutside={false}
      >
        {action ? <Form tenant={tenant} onDone={done} /> : null}
      </Modal>
    </>
  );
}
