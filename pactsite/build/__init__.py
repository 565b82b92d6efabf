"""The build: the pipeline that runs the stages, the writer, and the speed machinery.

`pipeline` and `incremental` orchestrate; `bodies` renders the Markdown bodies from the
cache or in workers; `linkcheck` checks the links of every rendered file; `write` is the
only module that writes the output; `workers` (forked processes) and `spill` (file contents
kept out of memory) make it fast. The content, render and output stages do not import
them (pyproject's contracts).
"""
