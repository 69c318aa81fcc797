/** The data-protection page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function DataProtectionPage() {
  return <PageHeader title="DataProtection" />;
}
