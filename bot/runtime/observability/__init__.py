"""Observability for operators: readiness checks, Prometheus metrics and the small HTTP
server that answers /healthz, /readyz and /metrics.

May import aiohttp (the HTTP server) and the standard library; nothing of the features.
"""
