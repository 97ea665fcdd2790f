"""Test helpers shared by services: real PostgreSQL databases, servers, problem checks."""
