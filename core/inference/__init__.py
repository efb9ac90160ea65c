"""Running the NLI model: request, model loading, scoring, micro-batching, cache, service."""
