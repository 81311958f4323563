/**
 * Copies text to the clipboard. Without the clipboard API (plain http, an old browser) the field showing
 * the text is selected and the legacy copy command tried, so that Ctrl+C still works; false if neither did.
 */
export async function copyText(document: Document, text: string, field: HTMLInputElement | HTMLTextAreaElement | null): Promise<boolean> {
  const clipboard = document.defaultView?.navigator.clipboard;
  try {
    if (!clipboard) throw new Error('no clipboard');
    await clipboard.writeText(text);
    return true;
  } catch {
    field?.select();
    return !!document.execCommand?.('copy');
  }
}
