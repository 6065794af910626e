/**
 * p over time on a canvas: the last `span` seconds, the threshold as a dashed line, each
 * detection as a red mark with its p.
 */
export interface Point {
  time: number;
  p: number;
}

export function drawPlot(canvas: HTMLCanvasElement, steps: Point[], events: Point[], threshold: number, span = 20): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const { width: W, height: H } = canvas;
  const pad = 24;
  const end = Math.max(span, steps.length > 0 ? steps[steps.length - 1].time : 0);
  const x = (t: number): number => pad + ((t - (end - span)) / span) * (W - 2 * pad);
  const y = (p: number): number => H - pad - p * (H - 2 * pad);
  g.clearRect(0, 0, W, H);
  g.font = '11px sans-serif';
  g.fillStyle = '#666';
  for (let s = Math.ceil(end - span); s <= end; s += 2) g.fillText(`${s}s`, x(s) - 6, H - 6);
  g.fillText('p=1', 2, y(1) + 4);
  g.fillText('0', 8, y(0) + 4);
  g.strokeStyle = '#aaa';
  g.setLineDash([4, 4]);
  g.beginPath();
  g.moveTo(pad, y(threshold));
  g.lineTo(W - pad, y(threshold));
  g.stroke();
  g.setLineDash([]);
  g.strokeStyle = '#06c';
  g.lineWidth = 1.5;
  g.beginPath();
  let first = true;
  for (const s of steps) {
    if (s.time < end - span) continue;
    if (first) g.moveTo(x(s.time), y(s.p));
    else g.lineTo(x(s.time), y(s.p));
    first = false;
  }
  g.stroke();
  g.fillStyle = '#c00';
  for (const e of events) {
    if (e.time < end - span) continue;
    g.fillRect(x(e.time) - 1, pad, 2, H - 2 * pad);
    g.fillText(`p=${e.p.toFixed(2)}`, x(e.time) + 3, pad + 10);
  }
}
