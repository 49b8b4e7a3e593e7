"""normgap: a legislative text-mining pipeline for Ukrainian law enforcement and international norms."""

__version__ = "0.1.0"
