// Pictures of the results, to post or to put on a slide: for each revealed priority its chart as
// SVG (drawn by the server, server/results/chart.ts) and as PNG, drawn here from that same SVG onto
// a canvas at the SVG's own pixel size, so the server needs no image library. Only revealed
// priorities: a picture is made to be shown, and the server refuses the others.

import { useState } from 'react';
import type { Priority } from '../../shared/forum/types.js';
import { forumPath } from '../lib/forum.js';
import { useLang, useT, type T } from '../lib/i18n.js';
import { PriorityName } from './parts.js';
import { useView } from './store.js';

type Size = 'post' | 'slide';
const BUTTONS: { size: Size; format: 'svg' | 'png'; label: 'console.pictures.postSvg' | 'console.pictures.postPng' | 'console.pictures.slideSvg' | 'console.pictures.slidePng' }[] = [
  { size: 'post', format: 'svg', label: 'console.pictures.postSvg' },
  { size: 'post', format: 'png', label: 'console.pictures.postPng' },
  { size: 'slide', format: 'svg', label: 'console.pictures.slideSvg' },
  { size: 'slide', format: 'png', label: 'console.pictures.slidePng' },
];

/** The file name the server gives the SVG (Content-Disposition), as a PNG. */
function pngName(res: Response, fallback: string): string {
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  return (name ?? fallback).replace(/\.svg$/, '') + '.png';
}

/** The SVG at `url` drawn into a PNG of the same size in pixels. */
async function svgToPng(url: string, t: T): Promise<{ png: Blob; file: string }> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  }
  const file = pngName(res, 'viche-chart.svg');
  const svgUrl = URL.createObjectURL(new Blob([await res.text()], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error(t('console.pictures.failedLoad')));
      image.src = svgUrl;
    });
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    if (!context || !canvas.width || !canvas.height) throw new Error(t('console.pictures.failedLoad'));
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(t('console.pictures.failedLoad')))), 'image/png'),
    );
    return { png, file };
  } finally {
    URL.revokeObjectURL(svgUrl);
  }
}

function download(blob: Blob, file: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken the blob by the next task; until then the address must live.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `grant`: the console's download grant (null while none is held). */
export function ResultPictures({ grant }: { grant: string | null }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const view = useView();
  const { priorities, revealed } = view.forum;
  const shown = priorities.filter((p) => revealed.includes(p.code));
  const waiting = priorities.filter((p) => !revealed.includes(p.code));
  // One PNG at a time: each is a fetch and a canvas of up to two million pixels.
  const [making, setMaking] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');

  const svgUrl = (p: Priority, size: Size) =>
    `${forumPath(`/api/chart/${encodeURIComponent(p.code)}.svg`)}?size=${size}&lang=${lang}&grant=${encodeURIComponent(grant ?? '')}`;

  const makePng = async (p: Priority, size: Size) => {
    if (making) return;
    const id = `${p.code}:${size}`;
    setMaking(id);
    setError('');
    setStatus(t('console.pictures.making'));
    try {
      const { png, file } = await svgToPng(svgUrl(p, size), t);
      download(png, file);
      setStatus(t('console.pictures.made', { file }));
    } catch (e) {
      setStatus('');
      setError(t('console.pictures.failed', { reason: e instanceof Error ? e.message : String(e) }));
    } finally {
      setMaking(null);
    }
  };

  const why = shown.length === 0 ? 'pictures-not-yet' : !grant ? 'pictures-waiting' : undefined;

  return (
    <section className="card pictures" aria-labelledby="h-pictures">
      <h2 id="h-pictures">{t('console.pictures.heading')}</h2>
      <p className="muted">{t('console.pictures.help')}</p>
      {shown.length === 0 && (
        <p className="note note-info" id="pictures-not-yet">
          {t('console.pictures.notYet')}
        </p>
      )}
      {shown.length > 0 && !grant && (
        <p className="muted" id="pictures-waiting" role="status">
          {t('console.grantWaiting')}
        </p>
      )}
      {shown.length === 0 ? (
        <div className="export-buttons">
          {BUTTONS.map((b) => (
            <button key={b.label} type="button" className="btn btn-secondary" disabled aria-describedby={why}>
              {t(b.label)}
            </button>
          ))}
        </div>
      ) : (
        <ul className="picture-list">
          {shown.map((p, i) => (
            <li key={p.code}>
              <div className="picture-row" role="group" aria-labelledby={`picture-${i}`}>
                <span id={`picture-${i}`} className="picture-name">
                  <PriorityName priority={p} />
                </span>
                <span className="export-buttons">
                  {BUTTONS.map((b) => {
                    const id = `${p.code}:${b.size}`;
                    if (why) {
                      return (
                        <button key={b.label} type="button" className="btn btn-secondary btn-small" disabled aria-describedby={why}>
                          {t(b.label)}
                        </button>
                      );
                    }
                    if (b.format === 'svg') {
                      return (
                        <a key={b.label} className="btn btn-secondary btn-small" href={svgUrl(p, b.size)} download>
                          {t(b.label)}
                        </a>
                      );
                    }
                    // Stays focusable while busy (aria-disabled, not disabled), so the keyboard's place is kept.
                    const busy = making === id;
                    return (
                      <button
                        key={b.label}
                        type="button"
                        className="btn btn-secondary btn-small"
                        aria-disabled={making !== null}
                        aria-busy={busy}
                        onClick={() => void makePng(p, b.size)}
                      >
                        {busy ? t('console.pictures.making') : t(b.label)}
                      </button>
                    );
                  })}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
      {shown.length > 0 && waiting.length > 0 && (
        <p className="muted small">{t('console.pictures.notRevealed', { list: waiting.map((p) => `${p.code} ${p.title}`).join(', ') })}</p>
      )}
      <p className="small" role="status">
        {status}
      </p>
      <p className="small error-text" role="alert">
        {error}
      </p>
    </section>
  );
}
