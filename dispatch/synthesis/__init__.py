"""接警即合成: what the centre already knows about a new report's caller, place and text.

Pure: :func:`dispatch.synthesis.rules.synthesize` takes the new report and the history an
adapter looked up and returns findings; nothing here does I/O. See docs/synthesis.md.
"""
