"""The HTTP surface beside Streamlit: routes, schemas, access control, plain page, logs, TCP."""
