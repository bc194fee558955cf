import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { splitKeys } from './keys.ts';
import { CampaignsScreen } from './CampaignsScreen.tsx';
import { ContactsScreen } from './ContactsScreen.tsx';
import { EmailScreen } from './EmailScreen.tsx';
import { Footer } from './Footer.tsx';
import { Header } from './Header.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { OverviewScreen } from './OverviewScreen.tsx';
import { PlanScreen } from './PlanScreen.tsx';
import { PreviewContext, type PreviewContextValue } from './preview-context.ts';
import type { PreviewSession } from './preview-session.ts';
import { SCREENS, type KeyHint, type Navigation, type ScreenId } from './screens.ts';
import { ScoringScreen } from './ScoringScreen.tsx';
import { ScreenErrorBoundary } from './ScreenErrorBoundary.tsx';
import { SegmentsScreen } from './SegmentsScreen.tsx';
import { SimulateScreen } from './SimulateScreen.tsx';
import type { KeyTarget } from './use-keys.ts';
import { usePreviewState } from './use-preview-state.ts';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.ts';

export interface AppProps {
  session: PreviewSession;
  /** Colour in text rendered outside ink (code frames, explanations). */
  color?: boolean;
  /** A fixed size instead of the terminal's (tests). */
  size?: TerminalSize;
  initialScreen?: ScreenId;
  /** Called when the user quits (the command unmounts and exits). */
  onQuit?: () => void;
  /** Called on Ctrl-C, before the app exits (the command exits 130, as if interrupted by SIGINT). */
  onInterrupt?: () => void;
}

/**
 * The smallest terminal every screen is laid out for (tested): below it rows and columns would be
 * drawn over each other, so the app says so instead, and keeps its state for when it grows.
 */
export const MIN_SIZE: TerminalSize = { columns: 60, rows: 15 };

export const GLOBAL_KEYS: readonly KeyHint[] = [
  ['1–8 Tab', 'switch screen'],
  ['Esc ⌫', 'back'],
  ['?', 'help'],
  ['q', 'quit'],
];

/** `campaign preview`: a header with the screens, the current screen, and a footer with its keys. */
export function App({ session, color = false, size, initialScreen = 'overview', onQuit, onInterrupt }: AppProps) {
  const state = usePreviewState(session);
  const { columns, rows } = useTerminalSize(size);
  const { exit } = useApp();
  const [screen, setScreen] = useState<ScreenId>(initialScreen);
  const [help, setHelp] = useState(false);
  // Keys in one burst are handled before React renders again: read the latest values from refs.
  const screenRef = useRef(screen);
  const helpRef = useRef(help);
  const [keys, setKeys] = useState<readonly KeyHint[]>([]);
  const [request, setRequest] = useState<Navigation | null>(null);
  const keyTarget = useRef<KeyTarget | null>(null);
  const seq = useRef(0);

  const navigate = useCallback((to: ScreenId, details: Omit<Navigation, 'screen' | 'seq' | 'from'> = {}) => {
    const from = screenRef.current;
    setScreen((screenRef.current = to));
    setRequest({ ...details, screen: to, from, seq: ++seq.current });
  }, []);
  const show = useCallback((to: ScreenId) => setScreen((screenRef.current = to)), []);
  const context: PreviewContextValue = useMemo(
    () => ({ state, color, setKeys, navigate, show, request, keyTarget }),
    [state, color, navigate, show, request],
  );

  const quit = () => {
    onQuit?.();
    exit();
  };
  // The only reader of the keyboard: global keys here, the rest to the view that has it (useKeys).
  // A burst of characters (keys typed faster than a render, or a paste) is handled one by one.
  const tooSmall = columns < MIN_SIZE.columns || rows < MIN_SIZE.rows;
  const onKey = (input: string, key: Key) => {
    // Raw mode turns Ctrl-C into a key, not SIGINT: it interrupts from anywhere, search fields too.
    if (key.ctrl && input === 'c') {
      onInterrupt?.();
      return exit();
    }
    // The screens are hidden: only q reaches the app.
    if (tooSmall) return input === 'q' ? quit() : undefined;
    const target = keyTarget.current;
    if (helpRef.current) {
      if (input === 'q') quit();
      else setHelp((helpRef.current = false));
      return;
    }
    if (!target?.textEntry()) {
      const index = SCREENS.findIndex((s) => s.id === screenRef.current);
      const go = (to: ScreenId) => setScreen((screenRef.current = to));
      if (input === 'q') return quit();
      if (input === '?') return setHelp((helpRef.current = true));
      if (/^[1-8]$/.test(input)) return go(SCREENS[Number(input) - 1]!.id);
      if (key.tab) return go(SCREENS[(index + (key.shift ? SCREENS.length - 1 : 1)) % SCREENS.length]!.id);
    }
    target?.handle(input, key);
  };
  // One key at a time, each after the commit of the render of the one before: keys handled in one
  // go (a paste, or keys arriving faster than a render) went to the screen a key had just left,
  // and a key after a move read the selection from before it. A turn of the event loop is not
  // enough: on a loaded machine React renders later (its scheduler yields after 5 ms). So each key
  // bumps `handled`, and the layout effect of the commit that carries the key's changes (the new
  // screen's own layout effects, which take the keyboard, have run by then) handles the next one.
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  const queued = useRef<[string, Key][]>([]);
  const settling = useRef(false);
  const [handled, bump] = useReducer((n: number) => n + 1, 0);
  const drain = useCallback(() => {
    const next = queued.current.shift();
    settling.current = next !== undefined;
    if (!next) return;
    onKeyRef.current(...next);
    bump();
  }, []);
  useLayoutEffect(() => {
    if (!settling.current) return;
    // Not handled here: a key's updates in a layout effect render at once, nested, and a long
    // paste would exceed React's limit of nested updates.
    const timer = setTimeout(drain, 0);
    return () => clearTimeout(timer);
  }, [handled, drain]);
  useInput((input, key) => {
    // Ctrl-C does not wait behind a long paste.
    if (key.ctrl && input === 'c') {
      queued.current = [];
      return onKey(input, key);
    }
    queued.current.push(...splitKeys(input, key));
    if (!settling.current) drain();
  });

  // The last row stays free: a frame as tall as the terminal makes ink clear the screen on every update.
  const height = Math.max(MIN_SIZE.rows, rows) - 1;
  const bodyHeight = height - 3;
  const width = Math.max(MIN_SIZE.columns, columns);
  const body = { height: bodyHeight, width };
  const active = (id: ScreenId) => !help && screen === id;
  return (
    <PreviewContext.Provider value={context}>
      {tooSmall ? (
        <Box width={columns} height={Math.max(1, rows - 1)} overflow="hidden">
          <Text wrap="wrap">{`The terminal is too small for campaign preview: it needs ${MIN_SIZE.columns}×${MIN_SIZE.rows}, this one is ${columns}×${rows}. Enlarge it, or press q to quit.`}</Text>
        </Box>
      ) : null}
      {/* Hidden, not unmounted, while the terminal is too small: each screen keeps where it was. */}
      <Box flexDirection="column" width={width} height={height} display={tooSmall ? 'none' : 'flex'}>
        <Header state={state} screen={screen} width={width} />
        <Box flexDirection="column" height={bodyHeight} overflow="hidden">
          <ScreenErrorBoundary resetKey={screen}>
          {help ? <HelpOverlay keys={keys} global={GLOBAL_KEYS} screen={screen} {...body} /> : null}
          <OverviewScreen active={active('overview')} {...body} />
          <CampaignsScreen active={active('campaigns')} {...body} />
          <SegmentsScreen active={active('segments')} {...body} />
          <ScoringScreen active={active('scoring')} {...body} />
          <ContactsScreen active={active('contacts')} {...body} />
          <PlanScreen active={active('plan')} {...body} />
          <EmailScreen active={active('email')} {...body} />
          <SimulateScreen active={active('simulate')} {...body} />
          </ScreenErrorBoundary>
        </Box>
        <Footer keys={help ? [['any key', 'closes the help']] : keys} width={width} />
      </Box>
    </PreviewContext.Provider>
  );
}
