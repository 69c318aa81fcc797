/**
 * "Export trail": the whole trail as JSONL (GET /api/v1/audit/export — signed checkpoints first,
 * then every event) for offline verification with `trellis audit verify --file`. A plain link
 * cannot carry the bearer token, so the text is fetched and handed to the browser as a file.
 */
import { Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { notify } from '../../components/notify.ts';
import { IconDownload } from '@tabler/icons-react';
import { apiText } from '../../api/client.ts';
import { errorMessage } from '../../api/problem.ts';

function save(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once click() returns; the object URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ExportButton() {
  const run = useMutation({
    mutationFn: () => apiText('/api/v1/audit/export'),
    onSuccess: (text) => {
      const lines = text.split('\n').filter(Boolean).length;
      save(text, `trellis-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.jsonl`);
      notify({ color: 'teal', title: 'Trail exported', message: `${lines} lines saved. Check them offline with trellis audit verify --file.` });
    },
    onError: (err) => notify({ color: 'red', title: 'The trail could not be exported', message: `${errorMessage(err)} Try again; if it keeps failing, ask an admin to export it with the CLI.` }),
  });
  return (
    <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />} loading={run.isPending} onClick={() => run.mutate()}>
      Export trail
    </Button>
  );
}
