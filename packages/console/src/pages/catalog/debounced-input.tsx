/**
 * A text box whose value reaches the address bar (and so the server) only once the person
 * pauses typing: every keystroke would otherwise be a request and a history entry.
 */
import { useState, type ReactNode } from 'react';
import { TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';

export const typingPauseMs = 300;

export function DebouncedInput({ label, value, onCommit, placeholder, leftSection, type }: { label: string; value: string; onCommit: (v: string) => void; placeholder?: string; leftSection?: ReactNode; type?: 'search' | 'text' }) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  // The address changed from outside (back button, "Clear filters"): show what it says now.
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  const commit = useDebouncedCallback(onCommit, typingPauseMs);
  return (
    <TextInput
      label={label}
      type={type ?? 'text'}
      value={text}
      placeholder={placeholder}
      leftSection={leftSection}
      onChange={(e) => {
        setText(e.currentTarget.value);
        commit(e.currentTarget.value);
      }}
      onKeyDown={(e) => e.key === 'Enter' && commit.flush()}
    />
  );
}
