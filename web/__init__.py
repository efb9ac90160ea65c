"""Everything that faces the web: `ui/` (Streamlit glue), `http/` (routes), resources, texts."""
