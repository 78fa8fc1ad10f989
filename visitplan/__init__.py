"""visitplan: plan business visits from one YAML file."""

__version__ = "0.1.0"
