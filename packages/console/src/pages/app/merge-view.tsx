/**
 * Two manifest versions side by side, read-only, with changed lines marked and long unchanged
 * stretches folded (CodeMirror's MergeView). Left is the older version, right the newer.
 */
import { useEffect, useRef } from 'react';
import { MergeView } from '@codemirror/merge';
import { Box, ScrollArea } from '@mantine/core';
import { readOnlyYaml } from '../../components/yaml/read-only-yaml.ts';

export function ManifestMergeView({ left, right, leftLabel, rightLabel }: { left: string; right: string; leftLabel: string; rightLabel: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const view = new MergeView({
      parent: host.current!,
      a: { doc: left, extensions: readOnlyYaml(leftLabel) },
      b: { doc: right, extensions: readOnlyYaml(rightLabel) },
      gutter: true,
      highlightChanges: true,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => view.destroy();
  }, [left, right, leftLabel, rightLabel]);
  return (
    <ScrollArea type="auto" offsetScrollbars>
      {/* Side by side needs room: on a phone the pair scrolls sideways rather than squeezing. */}
      <Box miw={640} ref={host} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)', maxHeight: 600, overflow: 'auto' }} />
    </ScrollArea>
  );
}
