"""Observability for operators: readiness checks, Prometheus metrics and the small HTTP
server that answers /healthz, /readyz and /metrics."""
