"""The forms of the entry and review pages; the rules they apply live in assessments.services."""
