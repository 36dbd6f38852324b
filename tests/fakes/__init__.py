"""Test doubles for Fanous: fakes that behave like the real services and record calls."""
