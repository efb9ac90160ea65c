"""Zero-shot classification logic, plain Python, no Streamlit: config, errors, auth, and the
inference, labels and exploration packages."""
