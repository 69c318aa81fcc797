/** The app page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function AppPage() {
  return <PageHeader title="App" />;
}
