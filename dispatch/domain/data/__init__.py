"""Data of the domain: the record formulas the duplicate check ignores."""
