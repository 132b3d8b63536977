# This file was saved as Latin-1 but declares no encoding.
NAME = "José"
