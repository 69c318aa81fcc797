/**
 * CodeMirror settings for YAML a person reads but does not edit (a stored manifest). The text
 * cannot change, but it stays focusable (editable in CodeMirror's sense), so keyboard users can
 * move through it, select and copy, and scroll it — a scrolling area nothing in can take focus
 * is unreachable from the keyboard.
 */
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { cspNonce } from '../../csp.ts';

export function readOnlyYaml(label: string, maxHeight?: number) {
  const nonce = cspNonce();
  return [
    ...(nonce ? [EditorView.cspNonce.of(nonce)] : []),
    lineNumbers(),
    yaml(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    EditorState.readOnly.of(true),
    // Long lines wrap rather than scroll sideways (a phone, a long description); tabindex says in
    // the markup what contenteditable already gives, for checkers that read only the attribute.
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true', tabindex: '0' }),
    EditorView.theme({
      '&': { fontSize: '13px', ...(maxHeight ? { maxHeight: `${maxHeight}px` } : {}) },
      '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
    }),
  ];
}
