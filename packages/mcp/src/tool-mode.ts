/** How a tool is long-running; see the README's modes table. */
export type ToolMode = 'inline' | 'handle' | 'native' | 'auto';
export const TOOL_MODES: readonly ToolMode[] = ['inline', 'handle', 'native', 'auto'];
