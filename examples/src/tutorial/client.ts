// Tutorial, step 4: a client (the MCP SDK's own) starts the server and sees the tool's progress.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const client = new Client({ name: 'tutorial-client', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: process.execPath, args: [fileURLToPath(new URL('./server.js', import.meta.url))] }));

const result = await client.callTool({ name: 'resize_images', arguments: { images: ['a.png', 'b.png', 'c.png'] } }, undefined, {
  onprogress: ({ progress, total, message }) => console.log(`${progress}/${total} ${message ?? ''}`),
  resetTimeoutOnProgress: true, // each progress notification restarts the client's 60 s timeout
});
console.log(result.structuredContent); // { resized: 3 }
await client.close();
