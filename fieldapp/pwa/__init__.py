"""Installable app: manifest, service worker and the offline page."""
