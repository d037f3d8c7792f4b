// The inbox's unread count for the header, refreshed when a page marks a
// message read (one listener set, no global store).
import { useEffect, useState } from 'react';
import { rows } from '../api/endpoints';
import { inbox } from './api';

const listeners = new Set<() => void>();

export function inboxChanged(): void {
  listeners.forEach((l) => l());
}

/** Unread messages of the caller, or null while unknown (or when the inbox cannot be read). */
export function useUnreadCount(): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      inbox.list().then(
        (page) => live && setCount(rows(page).filter((m) => m.read_at === null).length),
        () => live && setCount(null),
      );
    void load();
    listeners.add(load);
    return () => {
      live = false;
      listeners.delete(load);
    };
  }, []);
  return count;
}
