/** One YAML document shown read-only (the current manifest), in the same viewer the diff uses. */
import { useEffect, useRef } from 'react';
import { EditorView } from '@codemirror/view';
import { Box } from '@mantine/core';
import { readOnlyYaml } from './read-only-yaml.ts';

export function YamlView({ text, label, maxHeight = 480 }: { text: string; label: string; maxHeight?: number }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const view = new EditorView({ parent: host.current!, doc: text, extensions: readOnlyYaml(label, maxHeight) });
    return () => view.destroy();
  }, [text, label, maxHeight]);
  return <Box ref={host} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }} />;
}
