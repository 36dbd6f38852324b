"""The shared contracts at the bottom of Fanous: ``Document``/``Chunk`` and the one error
tree. Every other package may import these; they import nothing of ours, so ``connectors/``
and ``agent/`` meet here instead of importing each other."""
