/**
 * Data protection: scan text and preview its transforms (dlp:scan, dlp:transform), the custom
 * detectors (dlp:read, managed with dlp:manage), and revealing tokens (dlp:detokenize). Each tab
 * is there only for roles that may use it; the open tab is in the address (?tab=), so a link
 * opens the same view.
 */
import { Box, Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header.tsx';
import { useSession } from '../../auth/session.tsx';
import { scopeClass } from './overlay.ts';
import { ScanPanel } from './scan-panel.tsx';
import { DetectorsPanel } from './detectors-panel.tsx';
import { RevealForm } from './reveal-form.tsx';

export default function DataProtectionPage() {
  const { may } = useSession();
  const [params, setParams] = useSearchParams();
  const tabs = [
    may('dlp:scan') ? { value: 'scan', label: 'Scan text' } : null,
    may('dlp:read') ? { value: 'detectors', label: 'Custom detectors' } : null,
    may('dlp:detokenize') ? { value: 'reveal', label: 'Reveal a token' } : null,
  ].filter((t): t is { value: string; label: string } => t !== null);
  const wanted = params.get('tab');
  const active = tabs.find((t) => t.value === wanted)?.value ?? tabs[0]?.value ?? null;

  return (
    <Box className={scopeClass}>
      <PageHeader title="Data protection" description="Find personal and secret data in text, see what masking or tokenizing makes of it, and manage the detectors every scan runs." />
      <Tabs value={active} onChange={(v) => v && setParams({ tab: v }, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {may('dlp:scan') ? (
          <Tabs.Panel value="scan">
            <ScanPanel />
          </Tabs.Panel>
        ) : null}
        {may('dlp:read') ? (
          <Tabs.Panel value="detectors">
            <DetectorsPanel />
          </Tabs.Panel>
        ) : null}
        {may('dlp:detokenize') ? (
          <Tabs.Panel value="reveal">
            <RevealForm />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </Box>
  );
}
