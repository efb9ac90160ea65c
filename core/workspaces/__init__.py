"""Workspaces: everything one exploration holds, kept in the store and named by the page URL."""
