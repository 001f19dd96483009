// The metric registry and names (Prometheus, prom-client) and tracing (OpenTelemetry): the
// layers record what they do through the small interfaces exported here; app builds them
// from the configuration and serves /metrics.
export {};
