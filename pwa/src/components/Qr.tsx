import { useEffect, useState } from 'preact/hooks';

type Encode = (typeof import('uqr'))['encode'];

// The encoder is fetched when a QR code is first drawn: imported statically, it made the bundler
// split the shared start-up code into more chunks and grew the first screen by 2.5 kB.
let encoder: Promise<Encode> | null = null;
const loadEncoder = () => (encoder ??= import('uqr').then((m) => m.encode));

/** The SVG path of a QR code: one unit square per dark module. */
function modules(encode: Encode, text: string): { d: string; size: number } {
  // M: a phone screen's glare or a crack still reads; border 4 is the quiet zone the standard asks.
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  let d = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return { d, size };
}

/** A QR code drawn as SVG elements (never markup in a string). Only « Ma carte » uses it. */
export function Qr({ text, label }: { text: string; label: string }) {
  const [encode, setEncode] = useState<Encode | null>(null);
  useEffect(() => {
    void loadEncoder().then((e) => setEncode(() => e));
  }, []);
  if (!encode) return <p class="muted" aria-busy="true" data-testid="card-qr-loading" />;
  const { d, size } = modules(encode, text);
  return (
    <svg class="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} data-testid="card-qr" data-qr={text} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
