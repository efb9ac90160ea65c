"""Entry point: `streamlit run app.py` finds `app` (an st.App) and serves it.

Imported as a module, this file only wires routes, middleware and the lifespan hook; run as the
Streamlit script (`__main__`), it builds the navigation between the pages.
"""

import streamlit as st
from starlette.middleware import Middleware

from web.http.access import check_sign_in_setup
from web.http.request_log import RequestLogMiddleware
from web.http.routes import build_routes, lifespan
from web.http.streamlit_guard import StreamlitSurfaceGuard
from web.resources import get_settings
from web.ui.navigation import use_explicit_navigation

use_explicit_navigation()
check_sign_in_setup(get_settings())

app = st.App(
    "app.py",
    routes=build_routes(get_settings()),
    middleware=[
        Middleware(RequestLogMiddleware),
        Middleware(StreamlitSurfaceGuard, settings=get_settings()),
    ],
    lifespan=lifespan,
)

if __name__ == "__main__":
    from web.ui.navigation import run_navigation

    run_navigation()
