"""Streamlit glue: session state, components, i18n, navigation, login, sharing, saved sets."""
