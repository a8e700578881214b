"""Pure readers, no Dagster: bytes in, good rows and rejects out (the reader contract in
contract.py), and the registry of every file kind the landing folder understands."""
