"""What the release app stores (issue 7: Release and its records)."""
