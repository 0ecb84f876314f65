"""The knowledge base: parsing notes and cases (with their correctness data) and linting them."""
