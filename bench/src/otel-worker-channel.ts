/** The BroadcastChannel on which the sinks-overhead worker's exporter reports how many spans it received. */
export const EXPORTED_CHANNEL = 'headway-bench-exported-spans';
