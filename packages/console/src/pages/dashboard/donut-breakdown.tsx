/**
 * A share of the whole as a donut, and beside it the same figures in words — each value's name,
 * count and share in a list — so the legend is the chart's text equivalent and colour is never
 * the only way to tell the parts apart.
 */
import { Box, ColorSwatch, Group, Stack, Text, useMantineTheme, getThemeColor } from '@mantine/core';
import { DonutChart } from '@mantine/charts';
import type { Bucket } from './types.ts';
import { colour, label, n } from './labels.ts';

export function DonutBreakdown({ buckets, listLabel }: { buckets: Bucket[]; listLabel: string }) {
  const theme = useMantineTheme();
  const total = buckets.reduce((a, b) => a + b.count, 0);
  const shown = buckets.filter((b) => b.count > 0);
  return (
    <Group gap="lg" wrap="wrap" align="center">
      {/* The list below carries every figure; the drawing is for the eye only. */}
      <Box aria-hidden>
        <DonutChart data={shown.map((b) => ({ name: label(b.key), value: b.count, color: colour(b.key) }))} size={140} thickness={22} withTooltip={false} chartLabel={n(total)} accessibilityLayer={false} pieProps={{ rootTabIndex: -1 }} />
      </Box>
      <Stack gap={4} component="ul" aria-label={listLabel} style={{ listStyle: 'none', margin: 0, padding: 0, flex: 1, minWidth: 160 }}>
        {buckets.map((b) => (
          <Group key={b.key} component="li" gap="xs" wrap="nowrap" justify="space-between">
            <Group gap={6} wrap="nowrap">
              <ColorSwatch color={getThemeColor(colour(b.key), theme)} size={12} withShadow={false} aria-hidden />
              <Text size="sm">{label(b.key)}</Text>
            </Group>
            <Text size="sm" fw={600}>
              {n(b.count)}
              <Text span size="xs" c="dimmed" fw={400}>
                {' '}
                ({total ? Math.round((b.count / total) * 100) : 0}%)
              </Text>
            </Text>
          </Group>
        ))}
      </Stack>
    </Group>
  );
}
