import { useRef } from 'preact/hooks';

export type SwipeDirection = 'next' | 'previous';

/** Far enough sideways, and more sideways than down: a swipe (left = next, right = previous). */
export function swipeDirection(dx: number, dy: number, min = 50): SwipeDirection | null {
  if (Math.abs(dx) < min || Math.abs(dx) < 1.5 * Math.abs(dy)) return null;
  return dx < 0 ? 'next' : 'previous';
}

interface Point {
  clientX: number;
  clientY: number;
}

/**
 * Hook: the handlers to spread on an element so that a horizontal swipe calls `onSwipe`.
 * Pointer events where the browser has them (the element's CSS says `touch-action: pan-y`, so
 * vertical scrolling stays the browser's), touch events otherwise (never both: a touch would
 * count twice).
 */
export function useSwipe(onSwipe: (direction: SwipeDirection) => void) {
  const start = useRef<Point | null>(null);
  const begin = (p: Point | undefined) => {
    start.current = p ? { clientX: p.clientX, clientY: p.clientY } : null;
  };
  const end = (p: Point | undefined) => {
    const from = start.current;
    start.current = null;
    if (!from || !p) return;
    const direction = swipeDirection(p.clientX - from.clientX, p.clientY - from.clientY);
    if (direction) onSwipe(direction);
  };
  const cancel = () => {
    start.current = null;
  };
  if (typeof window !== 'undefined' && 'PointerEvent' in window) {
    return {
      onPointerDown: (e: PointerEvent) => {
        if (e.isPrimary !== false && e.button <= 0) begin(e);
      },
      onPointerUp: (e: PointerEvent) => end(e),
      onPointerCancel: cancel,
    };
  }
  return {
    onTouchStart: (e: TouchEvent) => begin(e.touches.length === 1 ? e.touches[0] : undefined),
    onTouchEnd: (e: TouchEvent) => end(e.changedTouches[0]),
    onTouchCancel: cancel,
  };
}
