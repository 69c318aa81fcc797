/** The reveal form in a dialog, filled in from a token in the transform preview. */
import { Modal } from '@mantine/core';
import { RevealForm, type RevealItem } from './reveal-form.tsx';
import { overlayProps } from '../../components/readable-errors.ts';

export function RevealModal({ item, onClose }: { item: RevealItem; onClose: () => void }) {
  return (
    <Modal {...overlayProps} opened onClose={onClose} title="Reveal the original value" size="lg">
      <RevealForm initial={item} />
    </Modal>
  );
}
