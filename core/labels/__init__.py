"""Label sets: editing, the saved-set store, share links, and the defaults a new user sees."""
