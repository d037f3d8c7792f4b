"""Domain signals the apps above subscribe to. Services send them; receivers only enqueue."""
from django.dispatch import Signal

# kwargs: annotation
annotation_submitted = Signal()
# kwargs: task (reached its overlap)
task_completed = Signal()
# kwargs: project, job, count
tasks_imported = Signal()
# kwargs: organization, users ({username: User}), projects ({name: Project}); sent inside the
# demo loader's transaction so the apps above can add their part of the demo (certifications,
# exams, seeded annotations, releases). Receivers must be safe to run twice, like the loader.
demo_loaded = Signal()
# kwargs: task (it became accepted: by the consistency check or a review decision); sent once the
# accepting transaction committed. The prelabel app counts these for its retrain trigger.
task_accepted = Signal()
