import { Toast, ToastBody, Toaster, ToastTitle, useId, useToastController } from '@fluentui/react-components';
import { useEffect, useRef } from 'react';
import { useSlice } from '../../stores/context';

/** Shows each notice once as a toast: the main side's `toast` events and the app's own outcomes. */
export function NotificationsToaster() {
  const toasterId = useId('toaster');
  const { dispatchToast } = useToastController(toasterId);
  const notices = useSlice('notifications', (s) => s.notices);
  const shown = useRef(0);
  useEffect(() => {
    for (const n of notices) {
      if (n.id <= shown.current) continue;
      shown.current = n.id;
      dispatchToast(
        <Toast>
          <ToastTitle>{n.title ?? (n.level === 'error' ? 'Something went wrong' : n.level === 'warning' ? 'Heads up' : n.level === 'success' ? 'Done' : 'Patchbay')}</ToastTitle>
          <ToastBody>{n.message}</ToastBody>
        </Toast>,
        { intent: n.level, timeout: n.level === 'error' ? 10_000 : 5_000, politeness: n.level === 'error' ? 'assertive' : 'polite' },
      );
    }
  }, [notices, dispatchToast]);
  // Top right, below the header: at the bottom a toast would cover the Results region's buttons
  // (Retry failed, Cancel) just when a run finishes.
  return <Toaster toasterId={toasterId} position="top-end" offset={{ vertical: 60, horizontal: 16 }} pauseOnHover pauseOnWindowBlur />;
}
