import { quarantineRisk, tenantHealth } from '../../src/domain/provisioning/provisioning-health.service';

describe("Entra's quarantine risk", () => {
  it.each([
    [0, 0, 'NONE'],
    [100, 20, 'NONE'],
    [100, 21, 'APPROACHING'],
    [100_000, 2_500, 'NONE'],
    [100_000, 2_501, 'APPROACHING'],
    [10_000, 4_100, 'APPROACHING'],
    [12_000, 4_999, 'APPROACHING'],
    [12_000, 5_000, 'LIKELY'],
    [12_500, 5_000, 'APPROACHING'],
    [5_000, 5_000, 'LIKELY'],
  ])('%i requests, %i failures: %s', (requests, failures, risk) => {
    expect(quarantineRisk(requests, failures)).toBe(risk);
  });
});

describe('tenant health', () => {
  it.each([
    [0, 0, 'IDLE'],
    [100, 0, 'HEALTHY'],
    [100, 2, 'HEALTHY'],
    [100, 3, 'WARNING'],
    [100, 20, 'WARNING'],
    [100, 21, 'FAILING'],
  ])('%i requests, %i failures: %s', (requests, failures, health) => {
    expect(tenantHealth(requests, failures)).toBe(health);
  });
});
