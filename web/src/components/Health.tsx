import { Badge, Group, SimpleGrid, Text } from '@mantine/core';
import { ago, percent, plural } from '../format';
import type { HealthFragment } from '../gql/graphql';

const RISK: Record<HealthFragment['quarantineRisk'], { color: string; label: string }> = {
  NONE: { color: 'green', label: 'No quarantine risk' },
  APPROACHING: { color: 'yellow', label: 'Approaching quarantine' },
  LIKELY: { color: 'red', label: 'Quarantine likely' },
};

/** One line: the last 24 hours' requests and failures. */
export function HealthLine({ health }: { health: HealthFragment }) {
  return (
    <Text size="sm" c="dimmed">
      Last 24 h: {plural(health.requestsLast24h, 'request')}, {health.failuresLast24h.toLocaleString()} failed
      {health.cycleInProgress ? ' · cycle in progress' : ''}
    </Text>
  );
}

/** The Activity page's summary, with Entra's quarantine rule spelled out. */
export function HealthSummary({ health, now }: { health: HealthFragment; now: number }) {
  const risk = RISK[health.quarantineRisk];
  const stat = (label: string, value: string) => (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </div>
  );
  return (
    <>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
        {stat(
          'Last hour',
          `${plural(health.requestsLastHour, 'request')}, ${health.failuresLastHour.toLocaleString()} failed`,
        )}
        {stat(
          'Last 24 h',
          `${plural(health.requestsLast24h, 'request')}, ${health.failuresLast24h.toLocaleString()} failed`,
        )}
        {stat('Failure rate (24 h)', percent(health.failureRate24h))}
        {stat('Last request', ago(health.lastRequestAt, now))}
        {stat('Cycle', health.cycleInProgress ? 'Cycle in progress' : 'No cycle running')}
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Quarantine
          </Text>
          <Badge color={risk.color} variant="light">
            {risk.label}
          </Badge>
        </div>
      </SimpleGrid>
      <Group>
        <Text size="xs" c="dimmed">
          Entra quarantines a provisioning job when, with at least 5,000 failures, failures exceed 40 % of its
          requests; it then retries far less often. Warning above 20 % or 2,500 failures in 24 h.
        </Text>
      </Group>
    </>
  );
}
