"""Runs the linting; orchestrates, never analyses.

``jobs`` runs file jobs through the result cache, in worker processes when there are
many; ``single_file`` lints one file or text, its project step included; ``project``
gathers a run's summaries and runs the project step over them, its findings cached;
``report`` assembles the run's report. The per-file engine and the project step meet
here, and only here.
"""
