"""Keeping the local model honest: the turn log every answer writes, the statistics and
charts read from it, the user's feedback, evaluations and the update gate.

The turn log is the only source: stats, the Monitor page, ``fanous eval`` and the gate
read it and never re-measure on their own (DESIGN.md).
"""
