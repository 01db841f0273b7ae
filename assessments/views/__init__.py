"""The commune staff's entry pages, the review pages and the departments' checks (assessments.urls)."""
