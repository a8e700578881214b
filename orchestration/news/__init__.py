"""News domain: press figures and policy mentions, kept to cross-check the customs series."""
