"""The whole-project step: project rules over every file's summary, findings back into results.

``step`` runs the project rules (FAPI102, FAPI504, FAPI510, FAPI603) over a
``project_model.Project`` and places their findings in the files they point at. It reads
summaries, never a syntax tree, and does not know the per-file engine: the runner
gathers the summaries (``runner.project``) and hands them over.
"""
