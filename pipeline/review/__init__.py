"""The review workflow: reviewers, their decisions (surviving refreshes), the web app and the report."""
