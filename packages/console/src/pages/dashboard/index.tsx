/** The dashboard page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function DashboardPage() {
  return <PageHeader title="Dashboard" />;
}
