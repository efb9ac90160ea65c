"""Entry point: `streamlit run app.py` finds `app` (an st.App) and serves it.

Imported as a module, this file only wires routes, middleware and the lifespan hook; run as the
Streamlit script (`__main__`), it builds the navigation between the pages.
"""

import streamlit as st
from starlette.middleware import Middleware

from core.config import get_settings
from web.navigation import use_explicit_navigation
from web.request_log import RequestLogMiddleware
from web.routes import build_routes, lifespan

use_explicit_navigation()

app = st.App(
    "app.py",
    routes=build_routes(get_settings()),
    middleware=[Middleware(RequestLogMiddleware)],
    lifespan=lifespan,
)

if __name__ == "__main__":
    from web.navigation import run_navigation

    run_navigation()
