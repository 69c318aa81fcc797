/** The reviews page (being built). */
import { PageHeader } from '../../components/page-header.tsx';

export default function ReviewsPage() {
  return <PageHeader title="Reviews" />;
}
