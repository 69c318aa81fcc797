/**
 * The data-flow map as text: every path data takes, sources then destinations, each sensitive one
 * marked in words. The accessible equivalent of the drawing, and the place that names every field
 * of a resource the map folds away.
 */
import { Accordion, Badge, List, Stack, Text } from '@mantine/core';
import type { FlowLine } from './data-flow-graph.ts';

function Lines({ lines, label }: { lines: FlowLine[]; label: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600} id={`flows-${label}`}>
        {label === 'sources' ? 'Where the data comes from' : 'Where the data goes'}
      </Text>
      {lines.length === 0 ? (
        <Text size="sm" c="dimmed">
          {label === 'sources' ? 'The app binds no connector.' : 'The app declares no export and no egress host.'}
        </Text>
      ) : (
        <List size="sm" spacing={2} aria-labelledby={`flows-${label}`}>
          {lines.map((l) => (
            <List.Item key={l.id}>
              {l.sensitive ? (
                <Badge size="xs" color="red.9" variant="filled" mr={6}>
                  sensitive
                </Badge>
              ) : null}
              <Text span size="sm" className="mono">
                {l.text}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

export function DataFlowList({ flows }: { flows: FlowLine[] }) {
  const sensitive = flows.filter((f) => f.sensitive).length;
  return (
    <Accordion variant="contained" chevronPosition="left">
      <Accordion.Item value="flows">
        <Accordion.Control>
          Every flow as a list ({flows.length} flow{flows.length === 1 ? '' : 's'}, {sensitive} sensitive)
        </Accordion.Control>
        <Accordion.Panel>
          <Stack gap="sm">
            <Lines lines={flows.filter((f) => f.stage === 'source')} label="sources" />
            <Lines lines={flows.filter((f) => f.stage === 'destination')} label="destinations" />
          </Stack>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
