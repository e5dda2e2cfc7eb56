"""The app as an app server runs it: ``gunicorn 'fieldapp.wsgi:app'``.

A worker serves requests for days, and what is made while the app is built (mappers, compiled
templates, catalogs, locale data: some 200,000 objects) lives as long as it does. Python's cyclic
garbage collector walked all of them again and again while it looked for cycles among a
request's short-lived objects; measured in ``make bench``, that was up to a third of the CPU of a
client's file. So, once the app is built, those objects are set aside where the collector does
not look (``gc.freeze``), and a collection starts after 10,000 new container objects rather than
700: most of a request's objects are freed by reference counting before it would start. Cycles
are still collected, just less often; the memory a worker holds does not grow by more than those
10,000 objects.
"""

from __future__ import annotations

import gc

from flask import Flask

from fieldapp import create_app

YOUNG_OBJECTS_BEFORE_A_COLLECTION = 10_000


def settled(app: Flask) -> Flask:
    """``app``, with what exists so far kept out of the garbage collector's sight."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_A_COLLECTION, older, oldest)
    return app


app = settled(create_app())
