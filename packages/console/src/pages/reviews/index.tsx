/**
 * The review queue (/reviews, reviews:read): the reviews waiting for a person, oldest first,
 * and any review opened in a drawer with its checklist, findings and manifest. The open review
 * and the filters live in the address (?review=, ?status=, ?app=), so a review can be linked.
 */
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header.tsx';
import { ReviewDrawer } from './review-drawer.tsx';
import { ReviewQueue } from './review-queue.tsx';
import { reviewStatuses, type ReviewStatus } from './types.ts';

export default function ReviewsPage() {
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status: ReviewStatus | 'any' = raw === 'any' || (reviewStatuses as readonly string[]).includes(raw ?? '') ? (raw as ReviewStatus | 'any') : 'open';
  const app = params.get('app') ?? '';
  const open = params.get('review');

  const update = (next: Record<string, string | null>) =>
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        for (const [k, v] of Object.entries(next)) {
          if (v) out.set(k, v);
          else out.delete(k);
        }
        return out;
      },
      { replace: true },
    );

  return (
    <>
      <PageHeader title="Review queue" description="Apps governance could not approve on its own. Open one to see why, check it against the checklist and decide." />
      <ReviewQueue status={status} app={app} onFilter={(f) => update({ status: f.status === 'open' ? null : f.status, app: f.app || null })} onOpen={(r) => update({ review: r.id })} />
      <ReviewDrawer id={open} onClose={() => update({ review: null })} />
    </>
  );
}
