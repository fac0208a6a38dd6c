"""The perf-dashboard's API: the paths, shapes and units its React frontend calls
(../shared/spec/perf-dashboard-contract.md), served from XAT's own collectors, keys,
samples and aggregates (docs/perf-dashboard.md). Routes: metrics/perfdash_urls.py."""
