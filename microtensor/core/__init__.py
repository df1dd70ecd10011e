"""The ground floor: ``Tensor``, dtypes, grad mode, ``Primitive`` and the engine.

Everything else in microtensor stands on these files, and they import nothing above
them (the import-linter contract in ``pyproject.toml`` checks it). Inside the floor:
``dtypes``, ``grad_mode``, ``random`` < ``tensor`` < ``function`` < ``engine``.
"""
