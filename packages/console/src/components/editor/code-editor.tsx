/**
 * A CodeMirror 6 editor for Rego, YAML and JSON: line numbers, history, bracket matching, and the
 * server's field errors drawn at their line:column. The style elements CodeMirror creates carry
 * the page's CSP nonce, so the strict policy needs no 'unsafe-inline'.
 */
import { useEffect, useRef } from 'react';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { Box, Text } from '@mantine/core';
import { rego } from './rego-language.ts';
import { cspNonce } from '../../csp.ts';
import type { FieldError } from '../../api/problem.ts';

export type EditorLanguage = 'rego' | 'yaml' | 'json' | 'text';

const languageOf = (l: EditorLanguage): Extension[] => (l === 'rego' ? [rego] : l === 'yaml' ? [yaml()] : []);

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  language: EditorLanguage;
  /** The accessible name of the editor (a label for screen readers). */
  label: string;
  readOnly?: boolean;
  /** Errors with line (and column) numbers from 1, shown in the text and the gutter. */
  errors?: readonly FieldError[];
  minHeight?: number;
  maxHeight?: number;
}

/** Where a line:column from the server falls in the document, clamped to it. */
export function positionOf(state: EditorState, line: number, column = 1): number {
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines));
  return Math.min(l.from + Math.max(0, column - 1), l.to);
}

export function CodeEditor({ value, onChange, language, label, readOnly = false, errors = [], minHeight = 200, maxHeight = 600 }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const nonce = cspNonce();
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          ...(nonce ? [EditorView.cspNonce.of(nonce)] : []),
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          // In the tab order even when read-only, so a keyboard can scroll a long manifest or policy.
          EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', tabindex: '0' }),
          EditorView.theme({ '&': { minHeight: `${minHeight}px`, maxHeight: `${maxHeight}px`, fontSize: '13px' }, '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current?.(u.state.doc.toString());
          }),
          ...languageOf(language),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is made once per language; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, readOnly]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diagnostics: Diagnostic[] = errors
      .filter((e) => e.line !== undefined)
      .map((e) => {
        const from = positionOf(v.state, e.line!, e.column);
        const to = Math.min(v.state.doc.lineAt(from).to, from + 1) || from;
        return { from, to: Math.max(to, from), severity: 'error', message: e.path ? `${e.path}: ${e.message}` : e.message };
      });
    v.dispatch(setDiagnostics(v.state, diagnostics));
  }, [errors, value]);

  const unplaced = errors.filter((e) => e.line === undefined);
  return (
    <Box>
      <Box ref={host} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }} />
      {unplaced.map((e, i) => (
        <Text key={i} c="red" size="sm" mt={4}>
          {e.path ? `${e.path}: ` : ''}
          {e.message}
        </Text>
      ))}
    </Box>
  );
}
