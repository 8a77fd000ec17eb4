"""The agent loop and what it reports (UI-free; never imports Textual)."""
