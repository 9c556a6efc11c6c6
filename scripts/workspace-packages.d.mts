// Types of workspace-packages.mjs, for the TypeScript tests that use it.
export interface WorkspacePackage {
  name: string;
  version: string;
  dir: string;
  manifest: { name: string; version: string; exports?: Record<string, unknown>; [key: string]: unknown };
}
export declare const repoRoot: string;
export declare function publishablePackages(): WorkspacePackage[];
export declare function pnpmCommand(): string[];
export declare function packPackage(dir: string, destDir: string): string;
export declare function tarballFiles(tarball: string): string[];
export declare function tarballManifest(tarball: string): Record<string, unknown>;
export declare function tempDir(prefix: string): { dir: string; remove: () => void };
