"""The pages that look across parts: the caseload, the case page and the team page, drawn from the
parts' panels."""
