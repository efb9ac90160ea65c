"""Zero-shot classification logic: plain Python, no Streamlit."""
