"""Settings packages: base (shared), demo (local defaults), test, production (strict)."""
