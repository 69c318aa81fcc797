/** The audit page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function AuditPage() {
  return <PageHeader title="Audit" />;
}
