"""The release quality report's maths, along the four criteria of China's national guidance for
high-quality datasets: structural integrity (``structure``), content diversity (``diversity``),
annotation accuracy (``accuracy``) and model adaptability (``adaptability``).

Framework-free: these modules read release records (dicts, see ``release.formats``), arrays and
plain values; ``release.services.quality_report`` gathers them from the database and stores the
report on the release.
"""
