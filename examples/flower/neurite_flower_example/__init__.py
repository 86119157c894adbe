"""Flower app used by @neurite/flower's tests and README."""
