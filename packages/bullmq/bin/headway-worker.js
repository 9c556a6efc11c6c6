#!/usr/bin/env node
// The headway-worker command. A committed file, so installing links it before the first build.
import '../dist/cli.js';
