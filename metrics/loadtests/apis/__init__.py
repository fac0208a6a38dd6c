"""The load tests' API views (perf-dashboard contract §9.1, §9.4, §9.5), one module per area."""
