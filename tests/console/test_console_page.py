"""The console's page and files (metrics/console/): served by XAT under a
Content-Security-Policy that admits this origin only, each file with its content type, and
the page's module graph closed over what is served (a file the page imports but nobody
routes would be a blank page in the browser). `/` stays the JSON index."""

import re

import pytest

from metrics.console.views import PAGE, STATIC, console_files

# What a browser needs to run a module under X-Content-Type-Options: nosniff, and to apply a style sheet.
BROWSER_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
IMPORTS = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}/[^'"]+)['"]""")


def _served() -> set[str]:
    return {f"/console/{asset}" for asset in console_files()}


def test_it_serves_the_page_under_a_csp_of_this_origin_only(client):
    response = client.get("/console/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == policy["connect-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_it_keeps_script_and_style_out_of_the_page():
    page = (STATIC / PAGE).read_text()
    assert "<style" not in page and " style=" not in page and " on" not in re.sub(r"<noscript>.*?</noscript>", "", page)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="' in attributes and not body.strip() for attributes, body in scripts)


def test_it_links_only_files_it_serves(client):
    page = b"".join(client.get("/console/").streaming_content).decode()
    links = re.findall(r'(?:src|href)="(/[^"]*)"', page)
    assert links and set(links) <= _served()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_it_serves_every_module_the_page_imports():
    missing = []
    for asset in console_files():
        if asset.endswith(".js"):
            folder = (STATIC / asset).parent
            for target in IMPORTS.findall((STATIC / asset).read_text()):
                resolved = (folder / target).resolve().relative_to(STATIC).as_posix()
                if f"/console/{resolved}" not in _served():
                    missing.append(f"{asset} imports {target}")
    assert not missing


@pytest.mark.parametrize("asset", console_files())
def test_it_serves_each_file_with_its_content_type(client, asset):
    response = client.get(f"/console/{asset}")
    assert response.status_code == 200
    assert response["Content-Type"] == BROWSER_TYPES[asset.rsplit(".", 1)[1]]
    assert response["X-Content-Type-Options"] == "nosniff"  # a module under another type is refused
    assert response["Cache-Control"] == "no-cache" and response["Last-Modified"]
    assert b"".join(response.streaming_content) == (STATIC / asset).read_bytes()


def test_it_serves_the_vendored_chart_library_and_its_licence_note():
    assert {"vendor/uplot/uPlot.esm.js", "vendor/uplot/uPlot.min.css"} <= set(console_files())
    assert "uPlot 1.6.32" in (STATIC / "vendor/uplot/README.md").read_text()
    assert "MIT" in (STATIC / "vendor/uplot/LICENSE").read_text() or "Permission is hereby granted" in (
        STATIC / "vendor/uplot/LICENSE").read_text()


def test_it_answers_304_to_a_browser_holding_the_file_already(client):
    first = client.get("/console/app.js")
    again = client.get("/console/app.js", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304 and not again.content


def test_it_routes_no_file_outside_the_console(client):
    assert client.get("/console/vendor/uplot/LICENSE").status_code == 404
    assert client.get("/console/../settings.py").status_code == 404


def test_it_keeps_the_json_index_at_the_root(client):
    response = client.get("/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "endpoints" in response.json()
