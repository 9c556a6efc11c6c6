// The core's own seams run the conformance kits every other store and scheduler runs.
import { InProcessScheduler, MemoryTaskStore } from '../src/spi.js';
import { describeScheduler, describeTaskStore } from '../src/testing.js';

describeTaskStore('MemoryTaskStore', { create: () => new MemoryTaskStore() });
describeTaskStore('MemoryTaskStore (packFinished)', { create: () => new MemoryTaskStore({ packFinished: true }) });

describeScheduler('InProcessScheduler', ({ concurrency }) => ({ scheduler: new InProcessScheduler({ concurrency }) }));
