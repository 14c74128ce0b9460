"""Serving engine profiles: vLLM, SGLang, llama.cpp and Ollama, each with its own rules."""
