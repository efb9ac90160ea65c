"""Everything that faces the web: Streamlit glue, session state, HTTP routes. Calls into core."""
