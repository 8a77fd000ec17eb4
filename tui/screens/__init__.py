"""Screens of the Warden app; each has its TCSS beside it."""
