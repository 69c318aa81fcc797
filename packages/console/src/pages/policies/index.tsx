/** The policies page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function PoliciesPage() {
  return <PageHeader title="Policies" />;
}
