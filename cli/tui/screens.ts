/** The screens of `campaign preview`, in tab order; number keys 1–8 open them. */
export const SCREENS = [
  { id: 'overview', label: 'Overview' },
  { id: 'campaigns', label: 'Campaigns' },
  { id: 'segments', label: 'Segments' },
  { id: 'scoring', label: 'Scoring' },
  { id: 'contacts', label: 'Contacts' },
  { id: 'plan', label: 'Plan' },
  { id: 'email', label: 'Email' },
  { id: 'simulate', label: 'Simulate' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

/** A request to show something on another screen (a contact in the explorer, a campaign to simulate…). */
export interface Navigation {
  screen: ScreenId;
  contact?: number;
  campaign?: string;
  segment?: string;
  template?: string;
  /** The screen the request came from: Esc on what it opened goes back there. */
  from: ScreenId;
  /** Distinguishes two requests for the same thing. */
  seq: number;
}

/** A key and what it does, for the footer and the help. */
export type KeyHint = readonly [key: string, action: string];

/** What App gives every screen: whether it has the keyboard, and its area. */
export interface ScreenProps {
  active: boolean;
  width: number;
  height: number;
}
