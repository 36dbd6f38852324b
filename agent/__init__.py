"""Fanous core: Qt-free. Everything here runs and is tested without a screen."""

__version__ = "0.1.0"
