/** Keeps one page's crash from blanking the console: it shows the error and a way back. */
import { Component, type ReactNode } from 'react';
import { ProblemAlert } from './states.tsx';

interface State {
  error: unknown;
}

export class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override render() {
    if (this.state.error) return <ProblemAlert title="This page failed to show" error={this.state.error} onRetry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
