from __future__ import annotations

import shutil
from pathlib import Path

from fieldapp import PROJECT_ROOT


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["name"] == "fieldapp"
    assert manifest["short_name"] == "fieldapp"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as icon_response:
            assert icon_response.status_code == 200, icon["src"]


def test_manifest_description_follows_the_language(client):
    manifest = client.get("/manifest.webmanifest", headers={"Accept-Language": "fr"}).json
    assert manifest["description"].startswith("Visites")


def test_icons_have_the_sizes_they_claim():
    for name, size in [
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("icon-maskable-512.png", 512),
    ]:
        data = Path(PROJECT_ROOT, "static/icons", name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (size, size), name


def test_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert '"/offline"' in body
    assert '"/static/css/app.css?v=' in body  # the shell under versioned addresses
    assert "fieldapp-shell-" in body


def test_service_worker_version_changes_with_the_shell(app, client, tmp_path, monkeypatch):
    """On a copy of the static files: the checkout is shared with the other runs of the suite."""
    first = client.get("/sw.js").get_data(as_text=True)
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    css = static / "css" / "app.css"
    css.write_bytes(css.read_bytes() + b"\n/* changed */\n")
    monkeypatch.setattr(app, "static_folder", str(static))
    second = client.get("/sw.js").get_data(as_text=True)
    assert first != second


def test_offline_page_is_public_and_personal_data_free(client):
    response = client.get("/offline", headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    assert "Je bent offline" in response.get_data(as_text=True)
    assert (
        "Cache-Control" not in response.headers or response.headers["Cache-Control"] != "no-store"
    )
