"""Domain signals the apps above subscribe to. Services send them; receivers only enqueue."""
from django.dispatch import Signal

# kwargs: annotation
annotation_submitted = Signal()
# kwargs: task (reached its overlap)
task_completed = Signal()
# kwargs: project, job, count
tasks_imported = Signal()
