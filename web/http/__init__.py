"""The HTTP surface beside Streamlit: routes, JSON schemas, access control, plain page, logs, TCP."""
