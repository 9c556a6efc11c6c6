/** How a tool is long-running; see the README's modes table. */
export type ToolMode = 'inline' | 'handle' | 'native' | 'auto';
export const TOOL_MODES: readonly ToolMode[] = ['inline', 'handle', 'native', 'auto'];

/** A mode's 2025-11-25 `execution.taskSupport`: whether a client must not, may, or must ask for a task. */
export const TASK_SUPPORT: Readonly<Record<ToolMode, 'forbidden' | 'optional' | 'required'>> = Object.freeze({
  inline: 'forbidden',
  handle: 'forbidden',
  native: 'required',
  auto: 'optional',
});
