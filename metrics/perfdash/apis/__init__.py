"""The perf-dashboard's views, one module per area of the contract; base.py is what they share."""
