"""asdh-lod: Türkiye's family and social services statistics as linked open data.

The pipeline, one module per stage, each returning data:

    load (YAML → model, with file and line) → check (model → problems)
    → uris (the one place URIs are minted) → mapping (model → graphs, no I/O)
    → validate (graphs → SHACL report) → publish (the only writer)

`pipeline.build` runs them in order and publishes only when every stage passed.
"""

__version__ = "0.1.0"
