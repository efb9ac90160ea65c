"""Entry point: `streamlit run app.py` finds `app` (an st.App) and serves it.

Imported as a module, this file only wires routes and the lifespan hook; run as the Streamlit
script (`__main__`), it builds the navigation between the pages.
"""

import streamlit as st

from web.routes import ROUTES, lifespan

app = st.App("app.py", routes=ROUTES, lifespan=lifespan)

if __name__ == "__main__":
    from web.navigation import run_navigation

    run_navigation()
