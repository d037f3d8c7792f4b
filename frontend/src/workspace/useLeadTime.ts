import { useCallback, useEffect, useRef, useState } from 'react';

/** Seconds spent on the task while the page was visible, plus what a draft already counted. */
export function useLeadTime(base: number): { seconds: () => number; display: number } {
  const acc = useRef(0);
  const since = useRef<number | null>(document.visibilityState === 'visible' ? performance.now() : null);
  const [display, setDisplay] = useState(base);
  const seconds = useCallback(() => {
    const running = since.current !== null ? performance.now() - since.current : 0;
    // Millisecond precision: a quick keyboard decision must not round down to zero seconds.
    return Math.round(base * 1000 + acc.current + running) / 1000;
  }, [base]);
  useEffect(() => {
    const onVis = () => {
      if (document.visibilityState === 'visible') since.current = performance.now();
      else if (since.current !== null) {
        acc.current += performance.now() - since.current;
        since.current = null;
      }
    };
    document.addEventListener('visibilitychange', onVis);
    const timer = window.setInterval(() => setDisplay(seconds()), 1000);
    return () => {
      document.removeEventListener('visibilitychange', onVis);
      window.clearInterval(timer);
    };
  }, [seconds]);
  return { seconds, display };
}

export function formatDuration(s: number): string {
  const total = Math.floor(s);
  const m = Math.floor(total / 60);
  const sec = total % 60;
  return `${m}:${sec.toString().padStart(2, '0')}`;
}
