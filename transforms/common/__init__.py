"""What every area shares: the typed records that flow between steps
(`records`), the text primitives (`text_primitives`), calendar and site
helpers (`dates`, `sites`), regex gates (`pattern_gates`), the job's Beam
counters (`metrics`), progress logging (`progress`) and per-worker set-up
(`worker`). No steps live here."""
