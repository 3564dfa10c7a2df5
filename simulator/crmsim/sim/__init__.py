"""The market model: who the customers are, how they buy, leave and feel, and what the firm
does and pays (see ``simulator/MODEL.md``).

One module per part, imported by the run API (:mod:`crmsim.simulation`,
:mod:`crmsim.rounds`) and never importing it: ``market`` wires the SimPy processes of
``acquisition``, ``callcentre`` and ``strategies`` around the vectorised ``purchases`` step;
``population``, ``latent``, ``baskets`` and ``lifecycle`` describe customers; ``levers``
and ``targeting`` are how strategies act; ``ledger`` and ``eventlog`` are what a run
records; ``crn`` its common random numbers; ``scenarios`` and ``evidence`` its documented
parameters and their sources.
"""
