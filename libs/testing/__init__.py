"""Test helpers shared by services: real PostgreSQL databases."""
