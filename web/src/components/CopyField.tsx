import { Button, CopyButton, Group, TextInput, Tooltip } from '@mantine/core';

/** A read-only value with a Copy button (the button's name stays "Copy"; its tooltip confirms). */
export function CopyField({
  label,
  value,
  description,
}: {
  label: string;
  value: string;
  description?: string;
}) {
  return (
    <Group align="flex-end" gap="xs" wrap="nowrap">
      <TextInput
        label={label}
        value={value}
        description={description}
        readOnly
        style={{ flex: 1 }}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        onFocus={(e) => e.currentTarget.select()}
      />
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy ${label.toLowerCase()}`} opened={copied || undefined}>
            <Button
              variant={copied ? 'filled' : 'default'}
              color={copied ? 'teal' : undefined}
              onClick={copy}
            >
              Copy
            </Button>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
