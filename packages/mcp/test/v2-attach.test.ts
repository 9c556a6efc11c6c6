import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { InvalidArgumentError, TaskManager } from '@headway/core';
import { McpServer, fromJsonSchema } from '@modelcontextprotocol/server';
import { attachHeadway, createHttpHandler } from '../src/v2.js';

// The v2 entry points refuse bad input before any side effect, naming what was wrong; handlers are typed by their schema.
describe('@headway/mcp/v2 input', () => {
  const fresh = () => new McpServer({ name: 't', version: '0' });

  it('names the bad option', () => {
    const manager = new TaskManager();
    expect(() => attachHeadway(fresh(), { manager: {} as TaskManager, era: 'modern' })).toThrow(InvalidArgumentError);
    expect(() => attachHeadway(fresh(), { manager, era: 'later' as never })).toThrow(/era: "later"/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', transport: 'pigeon' as never })).toThrow(/transport: "pigeon"/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', inlineBudgetMs: -1 })).toThrow(/inlineBudgetMs: -1/);
    expect(() => attachHeadway(fresh(), { manager, era: 'legacy', transport: 'stdio', progressAfterMs: -1 })).toThrow(/progressAfterMs: -1/);
    expect(() => attachHeadway(fresh(), { manager, era: 'legacy', transport: 'stdio', progressAfterMs: 0 })).not.toThrow();
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', requestStateKey: new Uint8Array(8) })).toThrow(/requestStateKey/);
    expect(() => createHttpHandler({ manager, serverInfo: { name: 'x' } as never, tools: () => undefined })).toThrow(/serverInfo/);
    const info = { name: 'x', version: '0' };
    expect(() => createHttpHandler({ manager, serverInfo: info, tools: () => undefined, log: 'stderr' as never })).toThrow(/log: "stderr"/);
    expect(() => createHttpHandler({ manager, serverInfo: info, tools: () => undefined, authenticate: {} as never })).toThrow(/authenticate/);
    // The same checks as SDK v1's attachHeadway, item by item.
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', reporters: [{}] as never })).toThrow(/reporters\[0\]/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', loggerName: '' })).toThrow(/loggerName: ""/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', loggerName: 7 as never })).toThrow(/loggerName: 7/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', companionTools: 'no' as never })).toThrow(/companionTools/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', pollPolicy: { minMs: -5 } })).toThrow(/pollPolicy.minMs: -5/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', pollPolicy: { maxMs: 'soon' as never } })).toThrow(/pollPolicy.maxMs: "soon"/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', pollPolicy: { minMs: 5_000, maxMs: 1_000 } })).toThrow(/pollPolicy/);
    expect(() => attachHeadway(fresh(), { manager, era: 'modern', pollPolicy: 3 as never })).toThrow(/pollPolicy: 3/);
    const headway = attachHeadway(fresh(), { manager, era: 'legacy', toolPrefix: 'hw_' });
    expect(headway.toolNames.respond).toBe('hw_task_respond');
    expect(() => headway.registerTool('x y', {}, () => 1)).toThrow(/tool name: "x y"/);
    expect(() => headway.registerTool('ok', { task: { mode: 'later' as never } }, () => 1)).toThrow(/task.mode: "later"/);
    void manager.shutdown();
  });

  it('defines each tool kind for recovery once, keeps the application\'s own definition, and does not hide other errors', () => {
    const manager = new TaskManager();
    manager.define('mine', () => 'app');
    const headway = attachHeadway(fresh(), { manager, era: 'modern' });
    expect(() => headway.registerTool('a', { task: { kind: 'mine' } }, () => 1)).not.toThrow();
    expect(() => attachHeadway(fresh(), { manager, era: 'legacy' }).registerTool('a', {}, () => 1)).not.toThrow();
    const broken = vi.spyOn(manager, 'define').mockImplementation(() => {
      throw new Error('the scheduler is gone');
    });
    expect(() => headway.registerTool('b', {}, () => 1)).toThrow('the scheduler is gone');
    broken.mockRestore();
    void manager.shutdown();
  });

  it('types the handler arguments from the input schema', () => {
    const manager = new TaskManager();
    const headway = attachHeadway(fresh(), { manager, era: 'modern' });
    const inputSchema = fromJsonSchema<{ context: string; dry_run?: boolean }>({ type: 'object', properties: { context: { type: 'string' }, dry_run: { type: 'boolean' } }, required: ['context'] });
    headway.registerTool('typed', { inputSchema }, (args, ctx) => {
      expectTypeOf(args).toEqualTypeOf<{ context: string; dry_run?: boolean }>();
      expectTypeOf(ctx.taskId).toBeString();
      return args.context;
    });
    void manager.shutdown();
  });
});
