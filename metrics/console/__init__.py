"""The console at /console/: one HTML page and its ES modules (static/console/), which read
XAT's documented JSON API from the browser like any other client (docs/api.md). Nothing of
an organization is rendered on the server: the files are the same for everybody."""
