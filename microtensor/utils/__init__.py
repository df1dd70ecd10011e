"""``microtensor.utils``: helpers beside the model code (``utils.data``: datasets, loaders)."""

from microtensor.utils import data

__all__ = ["data"]
