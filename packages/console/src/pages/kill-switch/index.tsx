/** The kill-switch page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function KillSwitchPage() {
  return <PageHeader title="KillSwitch" />;
}
