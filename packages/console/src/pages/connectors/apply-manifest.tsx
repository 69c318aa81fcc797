/**
 * Apply a connector manifest (connectors:write): YAML typed or pasted into the editor, checked
 * with `POST /api/v1/connectors/validate` (nothing stored) and stored with `POST
 * /api/v1/connectors`. Errors are drawn at their line and column in the editor and listed
 * under it. Credentials in a manifest are secret names only; the values live in Secrets.
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Modal, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notify } from '../../components/notify.ts';
import { api } from '../../api/client.ts';
import { ApiError, type FieldError } from '../../api/problem.ts';
import { FieldErrorList } from '../../components/field-error-list.tsx';
import { ProblemAlert } from '../../components/states.tsx';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import type { ApplyResult, ValidateResult } from './types.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

const template = `apiVersion: trellis.dev/v1
kind: Connector
metadata:
  name: hr
  title: HR database
spec:
  type: postgres
  owner: group:hr-platform
  resources:
    - name: employees
      kind: table
      fields:
        - name: id
        - name: email
          tags: [pii.email]
`;

const sendYaml = <T,>(path: string, text: string) => api<T>(path, { method: 'POST', body: text, contentType: 'application/yaml' });

export function ApplyManifest({ onClose, onApplied }: { onClose: () => void; onApplied: (name: string) => void }) {
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)');
  const [text, setText] = useState(template);
  const validate = useMutation({ mutationFn: (t: string) => sendYaml<ValidateResult>('/api/v1/connectors/validate', t) });
  const apply = useMutation({
    mutationFn: (t: string) => sendYaml<ApplyResult>('/api/v1/connectors', t),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['connectors'] });
      notify({ color: 'teal', title: r.created ? `Added connector ${r.name}` : r.changed ? `${r.name} is now version ${r.version}` : `${r.name} is unchanged`, message: r.changed ? `${r.fields} fields, ${r.tagged_fields} tagged.` : 'The manifest is the same as the current version; nothing was stored.' });
      onClose();
      onApplied(r.name);
    },
  });
  const errors: FieldError[] = apply.isError && apply.error instanceof ApiError ? apply.error.errors : validate.data && !validate.data.valid ? validate.data.errors : [];

  return (
    <Modal {...overlayProps} opened onClose={onClose} title="Apply a connector manifest" size="xl" fullScreen={Boolean(phone)}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          A new name adds a connector; an existing name stores its next version. Give credentials as secret names (create the secret under Secrets), never as values.
        </Text>
        <CodeEditor
          value={text}
          onChange={(t) => {
            setText(t);
            validate.reset();
          }}
          language="yaml"
          label="Connector manifest (YAML)"
          errors={errors}
          minHeight={280}
          maxHeight={480}
        />
        {validate.data?.valid ? (
          <Alert color="teal" title="The manifest is valid" role="status">
            Apply it to store it.
          </Alert>
        ) : null}
        {validate.data && !validate.data.valid ? (
          <Alert color="red" title={`${validate.data.errors.length} problem${validate.data.errors.length === 1 ? '' : 's'} in the manifest`} role="alert">
            <Text size="sm">Each is marked at its line in the editor; correct them and validate again.</Text>
            <FieldErrorList errors={validate.data.errors} />
          </Alert>
        ) : null}
        {validate.isError ? <ProblemAlert error={validate.error} title="Could not validate" /> : null}
        {apply.isError ? <ProblemAlert error={apply.error} title="The connector was not applied" /> : null}
        <DialogActions onCancel={onClose}>
          <Button variant="light" loading={validate.isPending} onClick={() => validate.mutate(text)}>
            Validate
          </Button>
          <Button loading={apply.isPending} onClick={() => apply.mutate(text)}>
            Apply
          </Button>
        </DialogActions>
      </Stack>
    </Modal>
  );
}
