"""Real MCP servers written for the tests, on the official SDK's ``MCPServer``."""
