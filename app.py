"""Entry point: `streamlit run app.py` finds `app` (a FastAPI app with Streamlit beside it) and
serves it with uvicorn.

Imported as a module (once, by uvicorn, when the server starts), this file only wires: the HTTP
routes, middleware and the lifespan (web/http/application.py), and the Streamlit app for every
other path. Run as the Streamlit script (`__main__`, on every rerun of every session), it only
builds the navigation between the pages: wiring the routes again on each run (the MCP server's
tool schemas among them) cost more than a page's own run (bench/clicks.py).
"""

import streamlit as st

from web.ui.navigation import use_explicit_navigation

use_explicit_navigation()

if __name__ == "__main__":
    from web.ui.navigation import run_navigation

    run_navigation()
else:
    from fastapi import FastAPI

    from web.http.access import check_sign_in_setup
    from web.http.application import API_OPTIONS, add_api, lifespan_beside
    from web.resources import get_settings

    check_sign_in_setup(get_settings())
    streamlit_app = st.App("app.py")
    app = FastAPI(**API_OPTIONS, lifespan=lifespan_beside(streamlit_app))
    add_api(app, get_settings(), streamlit_app)
