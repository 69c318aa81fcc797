/**
 * The findings of a scan as a table: number (matching the marks in the preview), entity, the
 * detector that fired, confidence in words and figures, and where (line:column and offsets).
 * The matched value is not repeated here; the preview shows it in its context.
 */
import { Badge, Table, Text } from '@mantine/core';
import type { Finding } from './types.ts';
import { lineColumn } from './spans.ts';
import { confidenceLevel, percent } from './confidence.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

export function FindingsTable({ text, findings }: { text: string; findings: readonly Finding[] }) {
  return (
    <ScrollTable minWidth={560} label="Findings">
      <Table aria-label="Findings" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Detector</Table.Th>
            <Table.Th>Confidence</Table.Th>
            <Table.Th>Where</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {findings.map((f, i) => {
            const at = lineColumn(text, f.start);
            const level = confidenceLevel(f.confidence);
            return (
              <Table.Tr key={`${i}-${f.start}-${f.detector}`}>
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>
                  <Text span fw={600} size="sm">
                    {f.entity}
                  </Text>
                  {f.tag ? (
                    <Text span size="xs" c="dimmed" ml={6} className="mono">
                      {f.tag}
                    </Text>
                  ) : null}
                  {f.testValue ? (
                    <Badge ml={6} size="xs" variant="outline" color="gray">
                      documented test value
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td className="mono">{f.detector}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={level.color}>
                    {level.label} · {percent(f.confidence)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  line {at.line}:{at.column}{' '}
                  <Text span size="xs" c="dimmed">
                    (characters {f.start}–{f.end})
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
