import ctypes

# Reads address 0: the interpreter dies with SIGSEGV at import.
ctypes.string_at(0)
