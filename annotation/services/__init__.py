"""Every write that spans objects. Views, tasks, admin actions and commands call these."""
