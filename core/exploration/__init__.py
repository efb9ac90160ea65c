"""Exploring many texts at once: score matrix, template comparison, batch files, evaluation."""
