import { Button, Group, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';

/**
 * Forward cursor paging with a way back: the cursors of the pages seen so far. Back to the first
 * page whenever `resetKey` changes (what the list shows: its filter, search, owner).
 */
export function usePager(resetKey: string | number = '') {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setCursors((c) => [...c, endCursor]);
  }, []);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  const reset = useCallback(() => setCursors([null]), []);
  useEffect(() => reset(), [resetKey, reset]);
  return { after, page: cursors.length, next, previous, reset };
}

export function Pager({
  page,
  pageSize,
  shown,
  total,
  hasNextPage,
  onNext,
  onPrevious,
  noun,
}: {
  page: number;
  pageSize: number;
  shown: number;
  total?: number | undefined;
  hasNextPage: boolean;
  onNext: () => void;
  onPrevious: () => void;
  noun: string;
}) {
  const from = shown === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = (page - 1) * pageSize + shown;
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed" aria-live="polite">
        {shown === 0
          ? `No ${noun}`
          : `${from.toLocaleString()}–${to.toLocaleString()}${total !== undefined ? ` of ${total.toLocaleString()}` : ''} ${noun}`}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" onClick={onPrevious} disabled={page <= 1}>
          Previous page
        </Button>
        <Button variant="default" size="xs" onClick={onNext} disabled={!hasNextPage}>
          Next page
        </Button>
      </Group>
    </Group>
  );
}
