/** Saves a fetched file (a route that needs the bearer token, which a plain link cannot carry) under a name. */
export function saveBlob(document: Document, blob: Blob, fileName: string): void {
  const view = document.defaultView;
  if (!view?.URL?.createObjectURL) return;
  const url = view.URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  view.setTimeout(() => view.URL.revokeObjectURL(url), 0);
}

/** The file name the server proposes in Content-Disposition, else the fallback. */
export function fileNameOf(contentDisposition: string | null, fallback: string): string {
  const match = /filename="?([^";]+)"?/i.exec(contentDisposition ?? '');
  return match?.[1] ?? fallback;
}
