"""The perf-dashboard: the paths, shapes and units its React frontend calls
(../shared/spec/perf-dashboard-contract.md), served from XAT's own users, collectors, keys,
samples and aggregates (docs/perf-dashboard.md). No models of its own.

    urls.py      every route, at the contract's exact paths
    apis/        the views: auth, collectors, files, agents, captures, charts, sessions, index
    tokens.py    its logins' refresh tokens, which stay valid after use (over accounts/tokens.py)
    charts.py    its charts from the stored series, in the contract's fields and units
    captures.py  its replay page: each upload read back from the stored series

It builds on the core of metrics and on accounts; neither imports it.
"""
