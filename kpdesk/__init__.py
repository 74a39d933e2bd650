"""kpdesk: the learning-centre coordinator's desk (megler, møteplass, motor)."""

__version__ = "0.1.0"
