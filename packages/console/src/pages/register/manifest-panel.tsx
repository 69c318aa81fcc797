/**
 * The manifest editor with its actions: upload a .yaml file, check it without storing anything,
 * register it. Errors from either request are drawn in the editor at their line and listed below.
 */
import { useState } from 'react';
import { Alert, Button, FileButton, Group, Stack, Text, Title } from '@mantine/core';
import { IconChecks, IconSend, IconUpload } from '@tabler/icons-react';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import { ProblemAlert } from '../../components/states.tsx';
import { ApiError, type FieldError } from '../../api/problem.ts';
import { CheckResult } from './check-result.tsx';

// A manifest is a page of YAML; anything far larger is the wrong file.
const maxUpload = 512 * 1024;

interface Props {
  yaml: string;
  onYaml: (text: string) => void;
  onCheck: () => void;
  onRegister: () => void;
  checking: boolean;
  registering: boolean;
  /** The last check's answer, or null before one (or after the text changed). */
  check: { valid: boolean; errors: FieldError[] } | null;
  registerError: unknown;
}

export function ManifestPanel({ yaml, onYaml, onCheck, onRegister, checking, registering, check, registerError }: Props) {
  const [fileNote, setFileNote] = useState<{ ok: boolean; text: string } | null>(null);
  const registerErrors = registerError instanceof ApiError ? registerError.errors : [];
  const errors = registerErrors.length > 0 ? registerErrors : (check?.errors ?? []);
  const empty = yaml.trim() === '';

  const load = async (file: File | null) => {
    if (!file) return;
    if (file.size > maxUpload) {
      setFileNote({ ok: false, text: `${file.name} is ${Math.ceil(file.size / 1024)} KB; a manifest is at most 512 KB. Pick the app's trellis.yaml.` });
      return;
    }
    onYaml(await file.text());
    setFileNote({ ok: true, text: `Loaded ${file.name}. Check it, then register it.` });
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Title order={3}>Manifest (trellis.yaml)</Title>
        <FileButton onChange={(f) => void load(f)} accept=".yaml,.yml,application/yaml,text/yaml">
          {(props) => (
            <Button {...props} variant="default" leftSection={<IconUpload size={16} />}>
              Upload a file
            </Button>
          )}
        </FileButton>
      </Group>
      <Text size="sm" c="dimmed">
        Paste the manifest, upload it, or fill the form.
      </Text>
      {fileNote ? (
        <Text size="sm" c={fileNote.ok ? undefined : 'red'} role="status">
          {fileNote.text}
        </Text>
      ) : null}
      <CodeEditor value={yaml} onChange={onYaml} language="yaml" label="Manifest YAML" errors={errors} minHeight={320} />
      <Group wrap="wrap">
        <Button variant="default" leftSection={<IconChecks size={16} />} onClick={onCheck} loading={checking} disabled={empty}>
          Check
        </Button>
        <Button leftSection={<IconSend size={16} />} onClick={onRegister} loading={registering} disabled={empty}>
          Register
        </Button>
      </Group>
      {empty ? (
        <Alert color="gray" title="No manifest yet">
          Paste a trellis.yaml, upload one, or pick a template in the form.
        </Alert>
      ) : null}
      {registerError ? <ProblemAlert title={registerError instanceof ApiError ? `Not registered: ${registerError.title}` : 'Not registered'} error={registerError} /> : check ? <CheckResult valid={check.valid} errors={check.errors} /> : null}
    </Stack>
  );
}
