import type { ComponentFixture } from '@angular/core/testing';

type Root = ComponentFixture<unknown> | HTMLElement;

const rootOf = (root: Root): HTMLElement => (root instanceof HTMLElement ? root : (root.nativeElement as HTMLElement));

export function byTestId<T extends HTMLElement = HTMLElement>(root: Root, id: string): T {
  const element = rootOf(root).querySelector<T>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`no element with data-testid="${id}"`);
  return element;
}

export function maybeByTestId(root: Root, id: string): HTMLElement | null {
  return rootOf(root).querySelector(`[data-testid="${id}"]`);
}

export function allByTestId(root: Root, id: string): HTMLElement[] {
  return Array.from(rootOf(root).querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));
}

/** Types into an input or picks in a select, as a user would (the forms listen to input/change). */
export function typeInto(root: Root, id: string, value: string): void {
  const element = byTestId<HTMLInputElement | HTMLSelectElement>(root, id);
  element.value = value;
  element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input'));
  element.dispatchEvent(new Event('blur'));
}

export function text(root: Root, id: string): string {
  return byTestId(root, id).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}
