/** Router state a page hands the session viewer: a guest's viewer token (permalink), or "open a prompt at once" (computers page). */
export interface ViewerNavigationState {
  readonly viewerToken?: string;
  readonly openPrompt?: boolean;
}
