"""Every write of the review app. Views, tasks, receivers and commands call these."""
