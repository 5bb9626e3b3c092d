"""Bring a new article in: intake, candidate events, matching, review queue, evaluation.

    $ caucmap add page.html          # store the seed, queue its candidates
    $ caucmap review                 # list what waits
    $ caucmap accept CANDIDATE-ID    # into the catalogue, verified like the rest

One module per step; nothing reaches ``catalogue/`` before a person accepts it.
"""
