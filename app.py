"""Entry point: `streamlit run app.py` finds `app` (an st.App) and serves it.

Imported as a module (once, when the server starts), this file only wires routes, middleware and
the lifespan hook; run as the Streamlit script (`__main__`, on every rerun of every session), it
only builds the navigation between the pages: wiring the routes again on each run (the MCP
server's tool schemas among them) cost more than a page's own run (bench/clicks.py).
"""

import streamlit as st

from web.ui.navigation import use_explicit_navigation

use_explicit_navigation()

if __name__ == "__main__":
    from web.ui.navigation import run_navigation

    run_navigation()
else:
    from starlette.middleware import Middleware

    from web.http.access import check_sign_in_setup
    from web.http.request_log import RequestLogMiddleware
    from web.http.routes import build_routes, lifespan
    from web.http.streamlit_guard import StreamlitSurfaceGuard
    from web.resources import get_settings

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
