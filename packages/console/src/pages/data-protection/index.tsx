/**
 * Data protection: scan text and preview its transforms (dlp:scan, dlp:transform), the custom
 * detectors (dlp:read, managed with dlp:manage), and revealing tokens (dlp:detokenize). Each tab
 * is there only for roles that may use it; the open tab is in the address (?tab=), so a link
 * opens the same view.
 */
import { Box } from '@mantine/core';
import { PageHeader } from '../../components/page-header.tsx';
import { AddressTabs, type AddressTab } from '../../components/address-tabs.tsx';
import { readableErrors } from '../../components/readable-errors.ts';
import { ScanPanel } from './scan-panel.tsx';
import { DetectorsPanel } from './detectors-panel.tsx';
import { RevealForm } from './reveal-form.tsx';
import './data-protection.css';

const tabs = [
  { value: 'scan', label: 'Scan text', permission: 'dlp:scan', Panel: ScanPanel },
  { value: 'detectors', label: 'Custom detectors', permission: 'dlp:read', Panel: DetectorsPanel },
  { value: 'reveal', label: 'Reveal a token', permission: 'dlp:detokenize', Panel: RevealForm },
] satisfies AddressTab[];

export default function DataProtectionPage() {
  return (
    <Box className={readableErrors}>
      <PageHeader title="Data protection" description="Find personal and secret data in text, see what masking or tokenizing makes of it, and manage the detectors every scan runs." />
      <AddressTabs tabs={tabs} replace />
    </Box>
  );
}
