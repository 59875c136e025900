"""qadesk: quality assurance for customer-service teams."""

__version__ = "0.1.0"
