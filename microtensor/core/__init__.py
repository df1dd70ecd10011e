"""The ground floor: ``Tensor``, dtypes, grad mode, ``Function`` and the engine.

Everything else in microtensor stands on these files, and they import nothing above
them (the contract in ``.importlinter`` checks it). Inside the floor the order is
``dtypes``, ``grad_mode``, ``random`` < ``tensor`` < ``function`` < ``engine``.
"""
