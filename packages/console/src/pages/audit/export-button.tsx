/**
 * "Export trail": the whole trail as JSONL (GET /api/v1/audit/export — signed checkpoints first,
 * then every event) for offline verification with `trellis audit verify --file`. A plain link
 * cannot carry the bearer token, so the trail is fetched as a Blob (kept on disk by the browser
 * when large, never made one string) and handed to the browser as a file.
 */
import { Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { notify } from '../../components/notify.ts';
import { IconDownload } from '@tabler/icons-react';
import { apiBlob } from '../../api/client.ts';

const size = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 });
import { errorMessage } from '../../api/problem.ts';

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: 'application/x-ndjson' }));
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
    mutationFn: () => apiBlob('/api/v1/audit/export'),
    onSuccess: (blob) => {
      save(blob, `trellis-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.jsonl`);
      notify({ color: 'teal', title: 'Trail exported', message: `${size.format(blob.size / 1000)} saved. Check it offline with trellis audit verify --file.` });
    },
    onError: (err) => notify({ color: 'red', title: 'The trail could not be exported', message: `${errorMessage(err)} Try again; if it keeps failing, ask an admin to export it with the CLI.` }),
  });
  return (
    <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />} loading={run.isPending} onClick={() => run.mutate()}>
      Export trail
    </Button>
  );
}
