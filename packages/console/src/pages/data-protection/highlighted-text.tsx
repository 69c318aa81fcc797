/**
 * Text with its findings marked: each marked run is a <mark> followed by the entity names in
 * words, so the highlight is never the only signal. The text is drawn as React text nodes cut
 * at the server's offsets; nothing from the server or the person is ever parsed as HTML.
 */
import { Box, Text } from '@mantine/core';
import { pieces, type Span } from './spans.ts';

/** `scrollable`: a long text scrolls inside its box, so the box joins the tab order for keyboard scrolling. */
export function HighlightedText({ text, spans, label, scrollable = false }: { text: string; spans: readonly Span[]; label: string; scrollable?: boolean }) {
  const parts = pieces(text, spans);
  return (
    <Box component="figure" m={0} aria-label={label}>
      <Text component="pre" className="dp-preview" size="sm" m={0} p="sm" tabIndex={scrollable ? 0 : undefined}>
        {parts.map((p) =>
          p.entities.length === 0 ? (
            <span key={p.start}>{p.text}</span>
          ) : (
            <span key={p.start}>
              <mark className="dp-mark">{p.text}</mark>
              <span className="dp-entity">
                {' '}
                [{p.findings.map((n) => `#${n}`).join(' ')} {p.entities.join(', ')}]
              </span>
            </span>
          ),
        )}
      </Text>
    </Box>
  );
}
