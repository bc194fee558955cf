import { Box, Text } from 'ink';
import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * A screen that throws while rendering shows the error in its place, and the rest of the app
 * (other screens, q) keeps working. `resetKey` (the screen id) clears it when the screen changes.
 */
export class ScreenErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State & { key: string }> {
  override state: State & { key: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: State & { key: string }): Partial<State & { key: string }> | null {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Box flexDirection="column" paddingLeft={1}>
        <Text color="red">This screen failed — this is a bug in campaignkit, please report it with the text below.</Text>
        <Text wrap="wrap">{error.stack ?? error.message}</Text>
      </Box>
    );
  }
}
