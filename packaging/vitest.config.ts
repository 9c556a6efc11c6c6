import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

// npm installs from the registry and compiles a project: minutes, not seconds, on a busy machine.
export default mergeConfig(sharedTestConfig, defineConfig({ test: { testTimeout: 600_000, hookTimeout: 900_000 } }));
