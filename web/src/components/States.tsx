import { Alert, Center, Loader, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { isForbidden } from '../api';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="sm" aria-hidden />
      <Text ml="sm" c="dimmed">
        {label}
      </Text>
    </Center>
  );
}

/** An error as an alert; "forbidden" gets its own wording. */
export function ErrorAlert({ error, title }: { error: Error; title?: string }) {
  if (isForbidden(error)) {
    return (
      <Alert color="red" title="No access" role="alert">
        You are not allowed to see this tenant. Sign in with an account of this tenant, or ask your CheckProof
        operator for a setup link.
      </Alert>
    );
  }
  return (
    <Alert color="red" title={title ?? 'Something went wrong'} role="alert">
      {error.message}
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" py="md">
      {children}
    </Text>
  );
}
