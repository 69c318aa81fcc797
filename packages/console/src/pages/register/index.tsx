/** The register page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function RegisterPage() {
  return <PageHeader title="Register" />;
}
