"""申报工作台: the browser app over :mod:`skilldoc.api` (``skilldoc ui``).

``app`` (Starlette views), ``security`` (token, Origin/Host, paths, upload names),
``state`` (open folder, last overview, build thread), ``html`` (presentation),
``server`` (uvicorn, free port, browser).  Nothing in the library imports this package.
"""

from __future__ import annotations

__all__ = ["create_app", "serve"]


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)


def serve(*args, **kwargs):  # type: ignore[no-untyped-def]
    from .server import serve as _serve

    return _serve(*args, **kwargs)
