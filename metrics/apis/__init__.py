"""The dashboard's JSON API views of the metrics app, one module per area."""
