"""Review and adjudication: the review window, its models, feedback and worked examples."""
