"""Gold data for the NLP stage: inline markup, slot fillers and the dev-set generator."""
