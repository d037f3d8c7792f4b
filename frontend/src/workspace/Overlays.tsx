// The `?` shortcut list (read from the action registry) and the instructions.
import { forwardRef, type ReactNode } from 'react';
import { displayShortcut, type ActionRegistry } from '../core/actions';
import { useI18n, type MessageKey } from '../i18n';

const APPLE = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function shortcutText(s: string): string {
  return displayShortcut(s, APPLE);
}

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
}

export const Dialog = forwardRef<HTMLDivElement, DialogProps>(function Dialog({ title, onClose, children }, ref) {
  const { t } = useI18n();
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label={title}>
      <div className="overlay-body" tabIndex={-1} ref={ref}>
        <h2>{title}</h2>
        {children}
        <button type="button" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
});

export function ShortcutTable<C>({ registry }: { registry: ActionRegistry<C> }) {
  const { t } = useI18n();
  return (
    <table>
      <thead>
        <tr>
          <th>{t('shortcuts.key')}</th>
          <th>{t('shortcuts.action')}</th>
        </tr>
      </thead>
      <tbody>
        {registry.list().map((a) => (
          <tr key={a.id}>
            <td>
              {a.shortcuts.map((s) => (
                <kbd key={s}>{shortcutText(s)}</kbd>
              ))}
            </td>
            <td>{t(a.label as MessageKey)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
