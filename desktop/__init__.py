"""Fanous desktop: a thin PySide6 layer over the Qt-free core in ``agent/``.

``desktop.qt`` is the only module that imports PySide6; long work goes through
``desktop.ops``; ``desktop.app.main`` starts the application.
"""
