"""Running the NLI model: requests, model loading, scoring, micro-batching, result cache, service."""
