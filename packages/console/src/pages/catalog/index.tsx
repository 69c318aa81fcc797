/** The catalog page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function CatalogPage() {
  return <PageHeader title="Catalog" />;
}
