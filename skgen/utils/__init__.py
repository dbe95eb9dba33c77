"""Shared building blocks: random streams, BLAS products, input checks, discovery."""
