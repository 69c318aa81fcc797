/** The connectors page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function ConnectorsPage() {
  return <PageHeader title="Connectors" />;
}
