import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';

/** A search box's text, and the trimmed text to query with once typing pauses (300 ms). */
export function useSearchText() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  return { search, setSearch, debounced };
}
